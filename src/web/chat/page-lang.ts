/**
 * The page's language: the server's --lang when it was given (`/settings.json` says it), else the
 * first of the browser's languages we speak, else English. Pure: tests call it with plain values.
 */
import { type Lang, parseLang } from "../../i18n/lang.js";

/** `settings` is what /settings.json held (anything: it is checked), `browser` navigator.languages. */
export function pageLang(settings: unknown, browser: readonly string[]): Lang {
  const server =
    typeof settings === "object" && settings !== null ? (settings as { lang?: unknown }).lang : undefined;
  if (server === "es" || server === "en") return server;
  for (const language of browser) {
    const lang = parseLang(language);
    if (lang !== undefined) return lang;
  }
  return "en";
}
