/**
 * Where `enchufe sub` and `enchufe history` start in the server's history: `--last N`, `--since POS` or
 * `--since-time TIME` (at most one), as the library's SubscribeStart (docs/PROTOCOL.md §2.5).
 */
import type { SubscribeStart } from "../client/subscription.js";
import { type Lang, t } from "../i18n/index.js";
import { numberValue, usageError } from "./args.js";

export const START_OPTIONS = {
  last: { type: "string" },
  since: { type: "string" },
  "since-time": { type: "string" },
} as const;

/** The start the flags ask for; undefined when none is given. */
export function startFrom(
  values: { last?: string | undefined; since?: string | undefined; "since-time"?: string | undefined },
  lang: Lang,
): SubscribeStart | undefined {
  const given = (["last", "since", "since-time"] as const).filter((name) => values[name] !== undefined);
  if (given.length > 1) throw usageError(t(lang, "cli.conflict", { a: `--${given[0]}`, b: `--${given[1]}` }));
  if (values.last !== undefined)
    return { last: numberValue("last", values.last, 0, lang, { integer: true, min: 1 }) };
  if (values.since !== undefined) {
    return { since: numberValue("since", values.since, 0, lang, { integer: true, min: 1 }) };
  }
  const time = values["since-time"];
  if (time !== undefined) {
    const ms = /^\d{4}-\d{2}-\d{2}/.test(time) ? Date.parse(time) : Number.NaN;
    if (!Number.isFinite(ms)) throw usageError(t(lang, "cli.badTime", { value: time }));
    return { sinceTime: ms };
  }
  return undefined;
}
