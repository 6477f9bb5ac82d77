/**
 * The bytes the RedisBus puts on Redis channels (pure, no I/O). Every field is length-prefixed,
 * so frames and payloads cross nodes untouched, binary included.
 *
 * Topic channel message:  u8 nodeIdLength, nodeId, frame            (the sender skips its own)
 * Node channel message:   u8 kind, then
 *   DIRECT  (1): str nick, frame
 *   REQUEST (2): str token, str name, str from, str replyNode, headers, payload
 *   REPLY   (3): str token, u16 status, headers, payload
 * str = u16 byte length + UTF-8; headers = u16 count + pairs of str; the last field runs to the end.
 */
import type { Headers, IncomingRequest } from "./bus.js";

export const KIND_DIRECT = 1;
export const KIND_REQUEST = 2;
export const KIND_REPLY = 3;

export type NodeMessage =
  | { kind: typeof KIND_DIRECT; nick: string; frame: Buffer }
  | { kind: typeof KIND_REQUEST; request: IncomingRequest }
  | { kind: typeof KIND_REPLY; token: string; status: number; headers: Headers; payload: Buffer };

/** Collects fields, then writes them into one buffer. */
class Writer {
  readonly #parts: Buffer[] = [];

  u8(value: number): this {
    this.#parts.push(Buffer.from([value]));
    return this;
  }

  u16(value: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeUInt16BE(value);
    this.#parts.push(b);
    return this;
  }

  str(value: string): this {
    const bytes = Buffer.from(value, "utf8");
    if (bytes.length > 0xffff)
      throw new RangeError(`bus field is longer than 65535 bytes. Received ${bytes.length}`);
    this.u16(bytes.length);
    this.#parts.push(bytes);
    return this;
  }

  headers(headers: Headers): this {
    this.u16(headers.length);
    for (const [key, value] of headers) this.str(key).str(value);
    return this;
  }

  rest(bytes: Buffer): Buffer {
    this.#parts.push(bytes);
    return Buffer.concat(this.#parts);
  }
}

/** Reads fields; any overrun throws, and the caller drops the message. */
class Reader {
  #offset = 0;
  constructor(readonly buffer: Buffer) {}

  u8(): number {
    if (this.#offset + 1 > this.buffer.length) throw new RangeError("truncated");
    return this.buffer[this.#offset++]!;
  }

  u16(): number {
    if (this.#offset + 2 > this.buffer.length) throw new RangeError("truncated");
    const value = this.buffer.readUInt16BE(this.#offset);
    this.#offset += 2;
    return value;
  }

  str(): string {
    const length = this.u16();
    if (this.#offset + length > this.buffer.length) throw new RangeError("truncated");
    const value = this.buffer.toString("utf8", this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }

  headers(): Headers {
    const count = this.u16();
    const headers: Array<readonly [string, string]> = [];
    for (let i = 0; i < count; i++) headers.push([this.str(), this.str()]);
    return headers;
  }

  rest(): Buffer {
    return this.buffer.subarray(this.#offset);
  }
}

export function encodeTopicMessage(nodeId: Buffer, frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + nodeId.length + frame.length);
  out[0] = nodeId.length;
  nodeId.copy(out, 1);
  frame.copy(out, 1 + nodeId.length);
  return out;
}

/** Splits a topic channel message; undefined when malformed. */
export function decodeTopicMessage(message: Buffer): { nodeId: Buffer; frame: Buffer } | undefined {
  if (message.length < 1) return undefined;
  const length = message[0]!;
  if (message.length < 1 + length) return undefined;
  return { nodeId: message.subarray(1, 1 + length), frame: message.subarray(1 + length) };
}

export function encodeDirect(nick: string, frame: Buffer): Buffer {
  return new Writer().u8(KIND_DIRECT).str(nick).rest(frame);
}

export function encodeRequest(request: IncomingRequest): Buffer {
  return new Writer()
    .u8(KIND_REQUEST)
    .str(request.token)
    .str(request.name)
    .str(request.from)
    .str(request.replyNode)
    .headers(request.headers)
    .rest(request.payload);
}

export function encodeReply(token: string, status: number, headers: Headers, payload: Buffer): Buffer {
  return new Writer().u8(KIND_REPLY).str(token).u16(status).headers(headers).rest(payload);
}

/** Decodes a node channel message; undefined when malformed or of an unknown kind. */
export function decodeNodeMessage(message: Buffer): NodeMessage | undefined {
  try {
    const reader = new Reader(message);
    const kind = reader.u8();
    if (kind === KIND_DIRECT) return { kind, nick: reader.str(), frame: reader.rest() };
    if (kind === KIND_REQUEST) {
      const token = reader.str();
      const name = reader.str();
      const from = reader.str();
      const replyNode = reader.str();
      const headers = reader.headers();
      return { kind, request: { token, name, from, replyNode, headers, payload: reader.rest() } };
    }
    if (kind === KIND_REPLY) {
      const token = reader.str();
      const status = reader.u16();
      const headers = reader.headers();
      return { kind, token, status, headers, payload: reader.rest() };
    }
    return undefined;
  } catch {
    return undefined;
  }
}
