// protocolo.py in TypeScript: each message is 4 bytes of length (unsigned, big-endian) and then its
// bytes. Node gives us chunks of any size, so MessageReader keeps what has arrived and hands out whole
// messages. servidor.ts and cliente.ts use it.
export const MAX_BYTES = 1024 * 1024; // a longer message is an error: memory is never unbounded

export function encode(message: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(message.length);
  return Buffer.concat([header, message]);
}

export class MessageReader {
  #buffered = Buffer.alloc(0);

  /** Adds a chunk and returns the messages it completed (none, one or several). */
  push(chunk: Buffer): Buffer[] {
    this.#buffered = Buffer.concat([this.#buffered, chunk]);
    const messages: Buffer[] = [];
    while (this.#buffered.length >= 4) {
      const length = this.#buffered.readUInt32BE(0);
      if (length > MAX_BYTES) throw new Error(`a message of ${length} bytes: the maximum is ${MAX_BYTES}`);
      if (this.#buffered.length < 4 + length) break; // the rest has not arrived yet
      messages.push(this.#buffered.subarray(4, 4 + length));
      this.#buffered = this.#buffered.subarray(4 + length);
    }
    return messages;
  }

  /** True when no half message is waiting (so a close now is a clean one). */
  get empty(): boolean {
    return this.#buffered.length === 0;
  }
}
