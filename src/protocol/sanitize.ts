/**
 * Text made safe for another person's terminal (pure, no I/O).
 * What one user types is shown on other users' terminals: no byte they send may move a cursor,
 * change colours, set a window title, reorder text (bidi overrides) or start a new line.
 */
import { isUtf8 } from "node:buffer";

// ESC sequences: CSI (ESC [ ... final), OSC / DCS / SOS / PM / APC strings (ended by BEL or ESC \ or
// the end of the text), and two-character escapes (ESC + one char).
const ESCAPE_SEQUENCE =
  /\u001b\[[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[\s\S]?|\u009b[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g;
// Line breaks become one space so the text stays one line.
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/g;
// C0 controls except tab, DEL, C1 controls, bidi embeddings/overrides/isolates.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Decodes UTF-8, reporting whether it was valid (invalid sequences become U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): { text: string; valid: boolean } {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { text: buffer.toString("utf8"), valid: isUtf8(buffer) };
}

/**
 * True when every byte is printable ASCII or a tab: such text needs no decoding or sanitizing to be
 * shown on a terminal (the fast path for chat lines). PlainTextScanner answers the same, faster.
 */
export function isPlainText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (!isPlainByte(bytes[i]!)) return false;
  return true;
}

/**
 * isPlainText() reading lines of 16 bytes or more 4 bytes at a time, through a 32-bit view of their
 * ArrayBuffer that it keeps for the last buffer (a read chunk holds many lines: one scanner per renderer).
 * A word with a tab or anything not plain sends the line to the byte loop, which decides.
 */
export class PlainTextScanner {
  #of: ArrayBufferLike | undefined;
  #words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  test(bytes: Uint8Array): boolean {
    return this.testRange(bytes, bytes.buffer, bytes.byteOffset, 0, bytes.length);
  }

  /**
   * test() of bytes[from, to), where `bytes` lies at `byteOffset` of `buffer` (its `buffer` and `byteOffset`,
   * which a caller testing many ranges of one Uint8Array reads once: the getters cost ~20 ns a call).
   */
  testRange(
    bytes: Uint8Array,
    buffer: ArrayBufferLike,
    byteOffset: number,
    from: number,
    to: number,
  ): boolean {
    const length = to - from;
    if (length < 16) return isPlainRange(bytes, from, to);
    if (buffer !== this.#of) {
      this.#of = buffer;
      this.#words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    }
    const words = this.#words;
    const start = byteOffset + from;
    const first = (start + 3) >>> 2;
    const last = (start + length) >>> 2;
    // Bit 7 of a byte of `bad` is set when some byte is below 0x20 or above 0x7e (exact for "any": a
    // borrow or carry only ever comes from a byte that is itself flagged).
    let bad = 0;
    for (let w = first; w < last; w++) {
      const word = words[w]!;
      bad |= ((word - 0x20202020) & ~word) | ((word + 0x01010101) | word);
    }
    if ((bad & 0x80808080) !== 0) return isPlainRange(bytes, from, to);
    const head = first * 4 - start;
    for (let i = 0; i < head; i++) if (!isPlainByte(bytes[from + i]!)) return false;
    for (let i = last * 4 - start; i < length; i++) if (!isPlainByte(bytes[from + i]!)) return false;
    return true;
  }
}

function isPlainRange(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isPlainByte(bytes[i]!)) return false;
  return true;
}

function isPlainByte(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === 0x09;
}

/**
 * Text safe to show on another person's terminal: invalid UTF-8 becomes U+FFFD; ESC sequences,
 * C0/C1 controls (tab is kept), DEL and bidi overrides are removed; line breaks become one space.
 */
export function sanitizeLine(text: string | Uint8Array): string {
  const decoded = typeof text === "string" ? text : decodeUtf8(text).text;
  return decoded.replace(LINE_BREAK, " ").replace(ESCAPE_SEQUENCE, "").replace(CONTROL, "");
}
