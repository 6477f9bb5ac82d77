/**
 * Every text a person reads (CLI output, server notices, error explanations) lives in this folder,
 * in Spanish and English. Each area has its own catalogue file; this module merges them.
 * Placeholders are written {name} and filled from `params`.
 */
import { cli } from "./cli.js";
import { cluster } from "./cluster.js";
import { common } from "./common.js";
import { errors } from "./errors.js";
import { security } from "./security.js";
import { server } from "./server.js";

export type Lang = "es" | "en";
export const LANGS: readonly Lang[] = ["es", "en"];

/** A catalogue: the same keys in both languages. */
export type Catalog<K extends string> = Readonly<Record<Lang, Readonly<Record<K, string>>>>;

const catalogs = [common, cli, errors, server, security, cluster] as const;

type KeysOf<C> = C extends Catalog<infer K> ? K : never;
export type MessageKey = KeysOf<(typeof catalogs)[number]>;

const merged: Record<Lang, Record<string, string>> = { es: {}, en: {} };
for (const catalog of catalogs) {
  for (const lang of LANGS) Object.assign(merged[lang], catalog[lang]);
}

/** Parses a language name; returns undefined when it is not one we speak. */
export function parseLang(value: string | undefined): Lang | undefined {
  if (value === undefined) return undefined;
  const short = value.toLowerCase().slice(0, 2);
  return short === "es" || short === "en" ? short : undefined;
}

/** The text for `key` in `lang`, with {placeholders} filled from `params`. */
export function t(
  lang: Lang,
  key: MessageKey,
  params: Readonly<Record<string, string | number | undefined>> = {},
): string {
  const template = merged[lang][key] ?? merged.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
