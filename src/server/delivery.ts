/**
 * Messages on their way to many recipients: one or more consecutive messages from one sender to one
 * topic (or one private message). Each wire form is built at most once, lazily, into one Buffer, and
 * that same Buffer is written to every recipient: the MSG frames for programs and the text lines for
 * people. A batch of N messages therefore costs each recipient one write, not N.
 */
import { encodeMessages, type Headers } from "../protocol/frames.js";
import { decodeUtf8, isPlainText, sanitizeLine } from "../protocol/sanitize.js";
import type { Session } from "./session.js";

export class Delivery {
  readonly topic: string;
  readonly from: string;
  readonly isPrivate: boolean;
  /** The session that published (excluded from its own text room), if any. */
  readonly sender: Session | undefined;
  /** The label shown to text users for private messages, e.g. "private" / "privado". */
  readonly #privateLabel: string;
  readonly #headers: Headers[] = [];
  readonly #payloads: Uint8Array[] = [];
  #frame: Buffer | undefined;
  #text: Buffer | null | undefined;

  constructor(
    topic: string,
    from: string,
    isPrivate: boolean,
    privateLabel: string,
    sender: Session | undefined,
  ) {
    this.topic = topic;
    this.from = from;
    this.isPrivate = isPrivate;
    this.#privateLabel = privateLabel;
    this.sender = sender;
  }

  /** Adds one message (before the first frame() or text() call). */
  add(headers: Headers, payload: Uint8Array): void {
    this.#headers.push(headers);
    this.#payloads.push(payload);
  }

  /** How many messages the batch holds. */
  get count(): number {
    return this.#payloads.length;
  }

  /** The payload of message `index`. */
  payload(index: number): Uint8Array {
    return this.#payloads[index]!;
  }

  /** Every MSG frame of the batch, encoded once, back to back in one Buffer. */
  frame(): Buffer {
    this.#frame ??= encodeMessages(
      { private: this.isPrivate, topic: this.topic, from: this.from },
      this.#headers,
      this.#payloads,
    );
    return this.#frame;
  }

  /**
   * The text-mode lines, built once: `[<room>] <from>: <line>` (or `[private] <from>: <line>`), one
   * line per line of each payload, each sanitized. Payloads that are not valid UTF-8 are left out
   * (binary payloads are not shown to people); null when nothing is left.
   */
  text(): Buffer | null {
    if (this.#text !== undefined) return this.#text;
    const prefix = Buffer.from(
      `[${this.isPrivate ? this.#privateLabel : this.topic}] ${sanitizeLine(this.from)}: `,
      "utf8",
    );
    const payloads = this.#payloads;
    // Pass 1: sizes. Plain printable text (the common case) is copied as it is; anything else is
    // decoded, checked and sanitized line by line.
    let size = 0;
    // special[i]: the sanitized lines of a payload that is not plain text, null when it is not UTF-8.
    let special: Array<Buffer | null | undefined> | undefined;
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i]!;
      if (isPlainText(payload)) {
        size += prefix.length + payload.length + 1;
        continue;
      }
      special ??= new Array<Buffer | null | undefined>(payloads.length).fill(undefined);
      const lines = sanitizedLines(payload, prefix);
      special[i] = lines;
      if (lines !== null) size += lines.length;
    }
    if (size === 0) {
      this.#text = null;
      return null;
    }
    // Pass 2: one allocation, one copy per piece.
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    for (let i = 0; i < payloads.length; i++) {
      const lines = special?.[i];
      if (lines === null) continue;
      if (lines !== undefined) {
        offset += lines.copy(out, offset);
        continue;
      }
      offset += prefix.copy(out, offset);
      out.set(payloads[i]!, offset);
      offset += payloads[i]!.length;
      out[offset++] = 0x0a;
    }
    this.#text = out;
    return out;
  }
}

/** `prefix + line + "\n"` for each line of a payload that is not plain text; null if not UTF-8. */
function sanitizedLines(payload: Uint8Array, prefix: Buffer): Buffer | null {
  const { text, valid } = decodeUtf8(payload);
  if (!valid) return null;
  const start = prefix.toString("utf8");
  const lines = text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  let out = "";
  for (const line of lines) out += `${start}${sanitizeLine(line)}\n`;
  return Buffer.from(out, "utf8");
}
