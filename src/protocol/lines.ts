/**
 * The text-mode line splitter (pure, no I/O): bytes in, one callback per line out, without the "\n"
 * and without a trailing "\r". Lines inside one chunk are views into it (no copy); only a line split
 * across chunks is joined. A line over `maxLineBytes` throws ELINETOOLONG.
 */
import { EnchufeError } from "../errors.js";

export interface LineDecoderOptions<T> {
  readonly maxLineBytes: number;
  /** Called for each complete line, with `this` set to `target`. */
  readonly onLine: (this: T, line: Buffer) => void;
  /** The object onLine is called on (lets a session pass its own method without binding a closure). */
  readonly target?: T;
}

export class LineDecoder<T = undefined> {
  readonly #max: number;
  readonly #onLine: (this: T, line: Buffer) => void;
  readonly #target: T | undefined;
  /** The start of a line split across chunks (undefined when none: idle connections hold nothing). */
  #parts: Buffer[] | undefined;
  #size = 0;

  constructor(options: LineDecoderOptions<T>) {
    this.#max = options.maxLineBytes;
    this.#onLine = options.onLine;
    this.#target = options.target;
  }

  /** Bytes held waiting for the end of a line. */
  get buffered(): number {
    return this.#size;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      let line = chunk.subarray(start, nl);
      if (this.#parts !== undefined) {
        this.#parts.push(line);
        line = Buffer.concat(this.#parts);
        this.#parts = undefined;
        this.#size = 0;
      }
      if (line.length > this.#max) throw new EnchufeError("ELINETOOLONG", "line too long");
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      start = nl + 1;
      this.#onLine.call(this.#target as T, line);
    }
    if (start < chunk.length) {
      // Copied: a view would keep the whole read buffer alive for a few bytes of a partial line.
      const rest = Buffer.from(chunk.subarray(start));
      if (this.#parts === undefined) this.#parts = [rest];
      else this.#parts.push(rest);
      this.#size += chunk.length - start;
      if (this.#size > this.#max) throw new EnchufeError("ELINETOOLONG", "line too long");
    }
  }
}
