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

/** `template` with its {placeholders} filled from `params` (unknown ones are left as they are). */
export function fill(
  template: string,
  params: Readonly<Record<string, string | number | undefined>>,
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** A time as people read it in lines: `HH:MM`, local time (the same in both languages). */
export function clockTime(at: Date): string {
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}
