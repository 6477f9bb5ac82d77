/**
 * Every text a person reads (CLI output, server notices, error explanations) lives in this folder,
 * in Spanish and English. Each area has its own catalogue file; this module merges them.
 * Placeholders are written {name} and filled from `params`.
 */
import { cli } from "./cli.js";
import { cliChat } from "./cli-chat.js";
import { cliHelp } from "./cli-help.js";
import { cliHistory } from "./cli-history.js";
import { cliLog } from "./cli-log.js";
import { cliScripts } from "./cli-scripts.js";
import { cliWeb } from "./cli-web.js";
import { cluster } from "./cluster.js";
import { common } from "./common.js";
import { errors } from "./errors.js";
import { type Catalog, fill, LANGS, type Lang } from "./lang.js";
import { monitor } from "./monitor.js";
import { security } from "./security.js";
import { server } from "./server.js";

export { type Catalog, clockTime, LANGS, type Lang, parseLang } from "./lang.js";

const catalogs = [
  common,
  cli,
  cliChat,
  cliHelp,
  cliHistory,
  cliLog,
  cliScripts,
  cliWeb,
  errors,
  server,
  security,
  cluster,
  monitor,
] as const;

type KeysOf<C> = C extends Catalog<infer K> ? K : never;
export type MessageKey = KeysOf<(typeof catalogs)[number]>;

const merged: Record<Lang, Record<string, string>> = { es: {}, en: {} };
for (const catalog of catalogs) {
  for (const lang of LANGS) Object.assign(merged[lang], catalog[lang]);
}

/** The text for `key` in `lang`, with {placeholders} filled from `params`. */
export function t(
  lang: Lang,
  key: MessageKey,
  params: Readonly<Record<string, string | number | undefined>> = {},
): string {
  return fill(merged[lang][key] ?? merged.en[key] ?? key, params);
}
