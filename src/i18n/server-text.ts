/** The server's texts for people (text mode), without the CLI's catalogues: what the library loads. */
import { type Catalog, fill, type Lang } from "./lang.js";
import { server } from "./server.js";

export type ServerKey = typeof server extends Catalog<infer K> ? K : never;

/** The text for `key` in `lang`, with {placeholders} filled from `params`. */
export function serverText(
  lang: Lang,
  key: ServerKey,
  params: Readonly<Record<string, string | number | undefined>> = {},
): string {
  return fill(server[lang][key], params);
}
