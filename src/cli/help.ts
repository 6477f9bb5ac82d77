/**
 * `enchufe --help`'s command list, built from the command table so that a command that lands is
 * listed, and the closest command to a mistyped one (edit distance).
 */
import { type Lang, type MessageKey, t } from "../i18n/index.js";

/** Names in the command table that are another command's alias (shown on that command's line). */
export const ALIASES: Readonly<Record<string, string>> = {
  servidor: "server",
  cliente: "client",
  historial: "history",
};

/** The word that shows a command's help: `enchufe help CMD` is `enchufe CMD --help`. */
export const HELP_COMMAND = "help";

/** The commands of `names` (the table's keys) without their aliases, plus `help`, in table order. */
export function commandNames(names: readonly string[]): string[] {
  return [...names.filter((name) => ALIASES[name] === undefined), HELP_COMMAND];
}

/** The one-line summary of `name`, or "" when the catalogue has none yet. */
export function commandSummary(lang: Lang, name: string): string {
  const key = `help.summary.${name}` as MessageKey;
  const text = t(lang, key);
  return text === key ? "" : text;
}

/** The `Commands:` block of the main help: one line per command, its summary and its aliases. */
export function commandList(lang: Lang, names: readonly string[]): string {
  const shown = commandNames(names);
  const width = Math.max(...shown.map((name) => name.length)) + 2;
  return shown
    .map((name) => {
      const aliases = Object.keys(ALIASES).filter(
        (alias) => ALIASES[alias] === name && names.includes(alias),
      );
      const alias = aliases.length > 0 ? ` (${t(lang, "help.alias", { alias: aliases.join(", ") })})` : "";
      return `  ${name.padEnd(width)}${commandSummary(lang, name)}${alias}`.trimEnd();
    })
    .join("\n");
}

/** Levenshtein distance between `a` and `b`, with one row of memory. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The command `name` was probably meant to be: the one that starts with it, or the nearest within
 * two edits (and fewer edits than `name` has letters); undefined when nothing is close.
 */
export function closestCommand(name: string, names: readonly string[]): string | undefined {
  const candidates = [...names, HELP_COMMAND];
  const typed = name.toLowerCase();
  const prefixed = candidates.filter((candidate) => candidate.startsWith(typed));
  if (typed.length >= 2 && prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(typed, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= 2 && bestDistance < typed.length ? best : undefined;
}
