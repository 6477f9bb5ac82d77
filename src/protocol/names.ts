/**
 * Nickname and room name rules (pure). Rooms are topics (src/protocol/topics.ts) without wildcards.
 */
import { topicProblem } from "./topics.js";

export const MAX_NICK_CHARS = 32;
const NICK = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;

/**
 * Why `nick` is not a valid nickname, or undefined when it is.
 * Rule: 1-32 characters; Unicode letters, digits, '_', '-', '.'; starts with a letter or digit.
 */
export function nickProblem(nick: string): string | undefined {
  const length = [...nick].length;
  if (length === 0) return "is empty";
  if (length > MAX_NICK_CHARS) return `is longer than ${MAX_NICK_CHARS} characters`;
  if (!NICK.test(nick))
    return "may only use letters, digits, '_', '-' and '.', starting with a letter or digit";
  return undefined;
}

/** Why `room` is not a valid room name (a topic without wildcards), or undefined when it is. */
export function roomProblem(room: string): string | undefined {
  return topicProblem(room, false);
}

/** The key nicknames are compared by (case-insensitive uniqueness). */
export function nickKey(nick: string): string {
  return nick.toLowerCase();
}
