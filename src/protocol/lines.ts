// TEMPORARY stand-in written by the server engineer until the codec branch lands (take the codec's version on merge).
import { EnchufeError } from "../errors.js";

export class LineDecoder {
  readonly #max: number;
  readonly #onLine: (line: Buffer) => void;
  #parts: Buffer[] = [];
  #size = 0;
  constructor(options: { maxLineBytes: number; onLine: (line: Buffer) => void }) {
    this.#max = options.maxLineBytes;
    this.#onLine = options.onLine;
  }
  get buffered(): number {
    return this.#size;
  }
  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      let line = chunk.subarray(start, nl);
      if (this.#parts.length > 0) {
        this.#parts.push(line);
        line = Buffer.concat(this.#parts);
        this.#parts = [];
        this.#size = 0;
      }
      if (line.length > this.#max) throw new EnchufeError("ELINETOOLONG", "line too long");
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      start = nl + 1;
      this.#onLine(line);
    }
    if (start < chunk.length) {
      this.#parts.push(chunk.subarray(start));
      this.#size += chunk.length - start;
      if (this.#size > this.#max) throw new EnchufeError("ELINETOOLONG", "line too long");
    }
  }
}
