/**
 * How chat shows a line: an optional HH:MM prefix and, on a colour terminal, each nickname in a colour
 * of its own (the same nickname always gets the same colour). Pure functions, no I/O.
 */
import { parseMessage } from "../../chat/server-lines.js";
import { clockTime } from "../../i18n/lang.js";
import { sanitizeLine } from "../../protocol/sanitize.js";

/** Foreground colours that read well on dark and light backgrounds (SGR codes). */
const PALETTE = [31, 32, 33, 34, 35, 36] as const;

/** How lines are decorated. */
export interface LineStyle {
  /** Prefix every line with the local time, HH:MM. */
  readonly timestamps: boolean;
  /** Paint nicknames (only on a colour terminal). */
  readonly colours: boolean;
  /** The clock (tests may fix it). */
  readonly now: () => Date;
}

/** Whether `stream` should get colours: a terminal, NO_COLOR unset or empty (no-color.org), TERM not dumb. */
export function wantsColours(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
}

/** The palette colour of `nick`: a string hash of its lower-case form, as nicknames ignore case. */
export function nickColour(nick: string): number {
  let hash = 2166136261;
  for (const char of nick.toLowerCase()) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return PALETTE[hash % PALETTE.length] ?? PALETTE[0];
}

/** `line` (already sanitized) as shown: time prefix and nickname colour as the style says. */
export function styleLine(style: LineStyle, line: string): string {
  let shown = line;
  if (style.colours) {
    const message = parseMessage(line);
    if (message !== undefined) {
      shown = `[${message.room}] \u001b[${nickColour(message.nick)}m${message.nick}\u001b[39m: ${message.text}`;
    }
  }
  if (style.timestamps) {
    shown = `${clockTime(style.now())} ${shown}`;
  }
  return shown;
}

/** One's own message as the others in the room receive it: `[room] nick: text`. */
export function ownLine(room: string, nick: string, text: string): string {
  return `[${room}] ${nick}: ${sanitizeLine(text)}`;
}
