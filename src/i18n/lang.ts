/**
 * What every catalogue and translator shares, with no texts in it: the languages, the catalogue
 * shape and placeholder filling. The library's server side imports this and its own catalogue only.
 */
export type Lang = "es" | "en";
export const LANGS: readonly Lang[] = ["es", "en"];

/** A catalogue: the same keys in both languages. */
export type Catalog<K extends string> = Readonly<Record<Lang, Readonly<Record<K, string>>>>;

/** Parses a language name; returns undefined when it is not one we speak. */
export function parseLang(value: string | undefined): Lang | undefined {
  if (value === undefined) return undefined;
  const short = value.toLowerCase().slice(0, 2);
  return short === "es" || short === "en" ? short : undefined;
}

/**
 * A template split once: the texts at even indexes, the placeholder names at odd ones. Catalogue texts
 * are few and fixed, and some are filled per connection (the log's `Conexion establecida desde …`).
 */
const parsed = new Map<string, readonly string[]>();

function parts(template: string): readonly string[] {
  let split = parsed.get(template);
  if (split === undefined) {
    split = template.split(/\{(\w+)\}/);
    // Only catalogue texts are worth keeping; a template built at run time would grow the map.
    if (parsed.size < 4096) parsed.set(template, split);
  }
  return split;
}

/** `template` with its {placeholders} filled from `params` (unknown ones are left as they are). */
export function fill(
  template: string,
  params: Readonly<Record<string, string | number | undefined>>,
): string {
  const split = parts(template);
  if (split.length === 1) return template;
  let out = split[0]!;
  for (let i = 1; i < split.length; i += 2) {
    const name = split[i]!;
    const value = params[name];
    out += (value === undefined ? `{${name}}` : String(value)) + split[i + 1]!;
  }
  return out;
}

/** A time as people read it in lines: `HH:MM`, local time (the same in both languages). */
export function clockTime(at: Date): string {
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}
