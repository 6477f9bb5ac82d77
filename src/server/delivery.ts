/**
 * One published (or direct) message on its way to many recipients. Each wire form is built at most
 * once, lazily, and the same Buffer is written to every recipient: the MSG frame for programs and
 * the text lines for people.
 */
import { encodeFrame, type Headers } from "../protocol/frames.js";
import { decodeUtf8, sanitizeLine } from "../protocol/sanitize.js";

export class Delivery {
  readonly topic: string;
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Uint8Array;
  readonly isPrivate: boolean;
  /** The label shown to text users for private messages, e.g. "private" / "privado". */
  readonly #privateLabel: string;
  #frame: Buffer | undefined;
  #text: Buffer | null | undefined;

  constructor(
    topic: string,
    from: string,
    headers: Headers,
    payload: Uint8Array,
    isPrivate: boolean,
    privateLabel: string,
  ) {
    this.topic = topic;
    this.from = from;
    this.headers = headers;
    this.payload = payload;
    this.isPrivate = isPrivate;
    this.#privateLabel = privateLabel;
  }

  /** The MSG frame, encoded once. */
  frame(): Buffer {
    this.#frame ??= encodeFrame({
      type: "MSG",
      private: this.isPrivate,
      topic: this.topic,
      from: this.from,
      headers: this.headers,
      payload: this.payload,
    });
    return this.#frame;
  }

  /**
   * The text-mode lines, built once: `[<room>] <from>: <line>` (or `[private] <from>: <line>`), one
   * line per line of the payload, each sanitized. null when the payload is not valid UTF-8 (binary
   * payloads are not shown to people).
   */
  text(): Buffer | null {
    if (this.#text !== undefined) return this.#text;
    const { text, valid } = decodeUtf8(this.payload);
    if (!valid) {
      this.#text = null;
      return null;
    }
    const prefix = `[${this.isPrivate ? this.#privateLabel : this.topic}] ${sanitizeLine(this.from)}: `;
    const lines = text.split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    let out = "";
    for (const line of lines) out += `${prefix}${sanitizeLine(line)}\n`;
    this.#text = Buffer.from(out, "utf8");
    return this.#text;
  }
}
