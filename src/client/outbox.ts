/**
 * Frames written while the client is disconnected, kept in order and sent first on reconnection.
 * Bounded by message count and bytes: past either limit, EBUFFERFULL (never a silent loss).
 */
import { EnchufeError } from "../errors.js";

export class Outbox {
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  #frames: Buffer[] = [];
  #bytes = 0;

  constructor(maxMessages: number, maxBytes: number) {
    this.#maxMessages = maxMessages;
    this.#maxBytes = maxBytes;
  }

  /** Keeps `frame` for later; throws EBUFFERFULL when it would pass a limit. */
  add(frame: Buffer): void {
    if (this.#frames.length >= this.#maxMessages || this.#bytes + frame.length > this.#maxBytes) {
      throw new EnchufeError("EBUFFERFULL", "Too many messages buffered while disconnected", {
        details: { limit: `${this.#maxMessages} / ${this.#maxBytes} bytes` },
      });
    }
    this.#frames.push(frame);
    this.#bytes += frame.length;
  }

  /** Returns the kept frames, oldest first, and empties the outbox. */
  take(): Buffer[] {
    const frames = this.#frames;
    this.#frames = [];
    this.#bytes = 0;
    return frames;
  }
}
