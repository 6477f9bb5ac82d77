/**
 * Request tokens (docs/PROTOCOL.md §2.5): the server names each request it hands a responder with a number
 * from 1 up, written on the wire (REQMSG, RESPOND) as its base-36 text ("1", "a", "2s"...). A token's text is
 * canonical: lowercase digits, no leading zero, at most MAX_TOKEN_DIGITS of them, so every number has one
 * text and every text read back gives the number or -1. Reading and writing go straight between bytes and
 * numbers: no string per request.
 */

/** Digits of the largest token: 36^10 - 1 is under 2^53, so every token is an exact number. */
export const MAX_TOKEN_DIGITS = 10;
/** The largest token; the next one is 1 again. */
export const MAX_TOKEN = 36 ** MAX_TOKEN_DIGITS - 1;

const ZERO = 0x30;
const NINE = 0x39;
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;

/** The wire text of `token` (the cluster's bus and the general encoder take strings). */
export function tokenText(token: number): string {
  return token.toString(36);
}

/** How many base-36 digits `token` (1..MAX_TOKEN) takes. */
export function tokenDigits(token: number): number {
  if (token < 1296) return token < 36 ? 1 : 2;
  if (token < 1679616) return token < 46656 ? 3 : 4;
  let digits = 5;
  for (let bound = 60466176; token >= bound && digits < MAX_TOKEN_DIGITS; bound *= 36) digits++;
  return digits;
}

/** The character of each base-36 digit value. */
const DIGIT_CHARS = Uint8Array.from({ length: 36 }, (_, digit) => (digit < 10 ? ZERO : LOWER_A - 10) + digit);

/** Writes `token` as a str (u16 length, its base-36 digits) at `offset`; returns the offset just past it. */
export function writeToken(out: Uint8Array, offset: number, token: number): number {
  const digits = tokenDigits(token);
  out[offset] = 0;
  out[offset + 1] = digits;
  const end = offset + 2 + digits;
  let rest = token;
  let at = end - 1;
  if (token <= 0x7fffffff) {
    // Every token for the first two billion requests: integer division, half the time of the general loop.
    for (; at > offset + 1; at--) {
      const quotient = (rest / 36) | 0;
      out[at] = DIGIT_CHARS[rest - quotient * 36]!;
      rest = quotient;
    }
    return end;
  }
  for (; at > offset + 1; at--) {
    const digit = rest % 36;
    out[at] = DIGIT_CHARS[digit]!;
    rest = (rest - digit) / 36;
  }
  return end;
}

/** The token whose canonical text is bytes[start, end); -1 for anything else (no request has it). */
export function readToken(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 1 || length > MAX_TOKEN_DIGITS || bytes[start] === ZERO) return -1;
  let token = 0;
  for (let i = start; i < end; i++) {
    const digit = digitValue(bytes[i]!);
    if (digit < 0) return -1;
    token = token * 36 + digit;
  }
  return token;
}

/**
 * readToken for a token's text (a RESPOND decoded by the general path, a reply from another node: not the
 * hot path). A character outside ASCII becomes bytes above 0x7f, which no digit is.
 */
export function tokenOf(text: string): number {
  if (text.length < 1 || text.length > MAX_TOKEN_DIGITS) return -1;
  const bytes = Buffer.from(text, "utf8");
  return readToken(bytes, 0, bytes.length);
}

/** The value of one lowercase base-36 digit's character code; -1 for any other. */
function digitValue(code: number): number {
  if (code >= ZERO && code <= NINE) return code - ZERO;
  if (code >= LOWER_A && code <= LOWER_Z) return code - LOWER_A + 10;
  return -1;
}
