/**
 * The framed protocol's codec (docs/PROTOCOL.md §2): pure, no I/O. One field schema per frame type
 * drives both the encoder and the decoder, so there is exactly one definition of every frame's layout.
 */
import { EnchufeError } from "../errors.js";
import { type Headers, strSize, WireReader, writeStr } from "./wire.js";

export type { Headers } from "./wire.js";
export const ReplyStatus = { OK: 0, NO_RESPONDERS: 1, TIMEOUT: 2, HANDLER_ERROR: 3, DENIED: 4 } as const;
export const CloseReason = {
  NORMAL: 0,
  SHUTDOWN: 1,
  IDLE: 2,
  SLOW_CONSUMER: 3,
  PROTOCOL_ERROR: 4,
  TOO_LARGE: 5,
  AUTH_FAILED: 6,
  HANDSHAKE_TIMEOUT: 7,
  RATE_LIMIT: 8,
  SERVER_FULL: 9,
} as const;
export const ErrCode = {
  PROTOCOL: 1,
  TOO_LARGE: 2,
  INVALID_TOPIC: 3,
  DENIED: 4,
  AUTH_FAILED: 5,
  AUTH_REQUIRED: 6,
  NO_SUCH_USER: 7,
  RATE_LIMIT: 8,
  NOT_READY: 9,
  DUPLICATE_SID: 10,
  INVALID_NICK: 11,
  PLAINTEXT_AUTH: 12,
} as const;
export const PROTOCOL_VERSION = 1;
export const PREFACE: Buffer = Buffer.from([0x00, 0x45, 0x4e, 0x43]);
export const FRAME_HEADER_BYTES = 6;

export type Frame =
  | { type: "HELLO"; version: number; clientName: string; user: string; password: string; token: string }
  | {
      type: "WELCOME";
      version: number;
      clientId: string;
      nick: string;
      serverName: string;
      maxPayload: number;
      maxPending: number;
      pingIntervalMs: number;
      idleTimeoutMs: number;
    }
  | { type: "PUB"; topic: string; headers: Headers; payload: Uint8Array }
  | { type: "MSG"; private: boolean; topic: string; from: string; headers: Headers; payload: Uint8Array }
  | { type: "SUB"; sid: number; pattern: string; responder: boolean }
  | { type: "UNSUB"; sid: number }
  | { type: "REQ"; reqId: number; name: string; timeoutMs: number; headers: Headers; payload: Uint8Array }
  | { type: "REQMSG"; token: string; name: string; from: string; headers: Headers; payload: Uint8Array }
  | { type: "RESPOND"; token: string; status: number; headers: Headers; payload: Uint8Array }
  | { type: "REPLY"; reqId: number; status: number; headers: Headers; payload: Uint8Array }
  | { type: "DIRECT"; target: string; headers: Headers; payload: Uint8Array }
  | { type: "PING" }
  | { type: "PONG" }
  | { type: "ERR"; code: number; ref: number; message: string }
  | { type: "CLOSE"; reason: number; message: string };
export type FrameOf<T extends Frame["type"]> = Extract<Frame, { type: T }>;

/** Frame type numbers on the wire, in order (index = type byte). */
export const FRAME_TYPES = [
  "",
  "HELLO",
  "WELCOME",
  "PUB",
  "MSG",
  "SUB",
  "UNSUB",
  "REQ",
  "REQMSG",
  "RESPOND",
  "REPLY",
  "DIRECT",
  "PING",
  "PONG",
  "ERR",
  "CLOSE",
] as const;

/** Frame type name to its number on the wire (the inverse of FRAME_TYPES). */
const FRAME_TYPE_NUMBER = Object.fromEntries(FRAME_TYPES.map((name, index) => [name, index])) as Readonly<
  Record<Frame["type"], number>
>;

/** "PUB frame" and so on by type number, for error messages (built once, not per frame). */
const FRAME_LABELS: readonly string[] = FRAME_TYPES.map((name) => `${name} frame`);

type FieldKind = "u8" | "u16" | "u32" | "str" | "headers" | "payload";
type Field = readonly [name: string, kind: FieldKind];

/** Each frame type's body fields in wire order, and the boolean its flag bit 0 carries (if any). */
export const FRAME_SCHEMA: Readonly<Record<Frame["type"], { fields: readonly Field[]; flag?: string }>> = {
  HELLO: {
    fields: [
      ["version", "u8"],
      ["clientName", "str"],
      ["user", "str"],
      ["password", "str"],
      ["token", "str"],
    ],
  },
  WELCOME: {
    fields: [
      ["version", "u8"],
      ["clientId", "str"],
      ["nick", "str"],
      ["serverName", "str"],
      ["maxPayload", "u32"],
      ["maxPending", "u32"],
      ["pingIntervalMs", "u32"],
      ["idleTimeoutMs", "u32"],
    ],
  },
  PUB: {
    fields: [
      ["topic", "str"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  MSG: {
    flag: "private",
    fields: [
      ["topic", "str"],
      ["from", "str"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  SUB: {
    flag: "responder",
    fields: [
      ["sid", "u32"],
      ["pattern", "str"],
    ],
  },
  UNSUB: { fields: [["sid", "u32"]] },
  REQ: {
    fields: [
      ["reqId", "u32"],
      ["name", "str"],
      ["timeoutMs", "u32"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  REQMSG: {
    fields: [
      ["token", "str"],
      ["name", "str"],
      ["from", "str"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  RESPOND: {
    fields: [
      ["token", "str"],
      ["status", "u8"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  REPLY: {
    fields: [
      ["reqId", "u32"],
      ["status", "u8"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  DIRECT: {
    fields: [
      ["target", "str"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  PING: { fields: [] },
  PONG: { fields: [] },
  ERR: {
    fields: [
      ["code", "u16"],
      ["ref", "u32"],
      ["message", "str"],
    ],
  },
  CLOSE: {
    fields: [
      ["reason", "u8"],
      ["message", "str"],
    ],
  },
};

// The schema reads and writes frames by field name; frames are plain objects of these field kinds.
type FrameRecord = Record<string, unknown>;

function strBytes(value: unknown, type: string, name: string): number {
  return strSize(value as string, `${type}.${name}`);
}

/** The exact number of bytes `frame` takes on the wire, header included. */
export function encodedFrameSize(frame: Frame): number {
  const schema = FRAME_SCHEMA[frame.type];
  const record = frame as unknown as FrameRecord;
  let size = FRAME_HEADER_BYTES;
  for (const [name, kind] of schema.fields) {
    const value = record[name];
    switch (kind) {
      case "u8":
        size += 1;
        break;
      case "u16":
        size += 2;
        break;
      case "u32":
        size += 4;
        break;
      case "str":
        size += strBytes(value, frame.type, name);
        break;
      case "headers":
        size += 2;
        for (const [key, headerValue] of value as Headers) {
          size += strBytes(key, frame.type, "header") + strBytes(headerValue, frame.type, "header");
        }
        break;
      case "payload":
        size += (value as Uint8Array).byteLength;
        break;
    }
  }
  return size;
}

/**
 * The one encoder: writes `frame` into `out` at `offset` (which must have encodedFrameSize(frame)
 * bytes free) and returns the offset just past it. Many frames can so share one allocation.
 */
export function encodeFrameInto(frame: Frame, out: Buffer, start: number): number {
  const schema = FRAME_SCHEMA[frame.type];
  const record = frame as unknown as FrameRecord;
  out[start] = FRAME_TYPE_NUMBER[frame.type];
  out[start + 1] = schema.flag !== undefined && record[schema.flag] === true ? 1 : 0;
  let offset = start + FRAME_HEADER_BYTES;
  for (const [name, kind] of schema.fields) {
    const value = record[name];
    switch (kind) {
      case "u8":
        out[offset++] = value as number;
        break;
      case "u16":
        out.writeUInt16BE(value as number, offset);
        offset += 2;
        break;
      case "u32":
        out.writeUInt32BE(value as number, offset);
        offset += 4;
        break;
      case "str":
        offset = writeStr(out, offset, value as string);
        break;
      case "headers":
        out.writeUInt16BE((value as Headers).length, offset);
        offset += 2;
        for (const [key, headerValue] of value as Headers) {
          offset = writeStr(out, offset, key);
          offset = writeStr(out, offset, headerValue);
        }
        break;
      case "payload":
        out.set(value as Uint8Array, offset);
        offset += (value as Uint8Array).byteLength;
        break;
    }
  }
  out.writeUInt32BE(offset - start - FRAME_HEADER_BYTES, start + 2);
  return offset;
}

/** A frame to its exact bytes, in one allocation (encodeFrameInto on a buffer of the right size). */
export function encodeFrame(frame: Frame): Buffer {
  const out = Buffer.allocUnsafe(encodedFrameSize(frame));
  encodeFrameInto(frame, out, 0);
  return out;
}

const NO_PAYLOAD = new Uint8Array(0);

/**
 * MSG frames that share topic, sender and flag (one sender's messages to one topic), back to back in one
 * Buffer. Each frame is what encodeFrame would make; the bytes before the payload are encoded once by
 * encodeFrameInto and copied for every further message with the same (or no) headers.
 */
export function encodeMessages(
  message: { readonly private: boolean; readonly topic: string; readonly from: string },
  headers: readonly Headers[],
  payloads: readonly Uint8Array[],
): Buffer {
  const head = {
    type: "MSG" as const,
    private: message.private,
    topic: message.topic,
    from: message.from,
    headers: headers[0] ?? [],
    payload: NO_PAYLOAD,
  };
  const firstHeaders = head.headers;
  const headSize = encodedFrameSize(head);
  const sameHead = (index: number) => {
    const own = headers[index]!;
    return own === firstHeaders || (own.length === 0 && firstHeaders.length === 0);
  };
  let size = 0;
  for (let i = 0; i < payloads.length; i++) {
    if (sameHead(i)) size += headSize;
    else size += encodedFrameSize({ ...head, headers: headers[i]! });
    size += payloads[i]!.byteLength;
  }
  const out = Buffer.allocUnsafe(size);
  encodeFrameInto(head, out, 0);
  let offset = 0;
  for (let i = 0; i < payloads.length; i++) {
    const payload = payloads[i]!;
    if (sameHead(i)) {
      if (offset > 0) out.copyWithin(offset, 0, headSize);
      out.writeUInt32BE(headSize - FRAME_HEADER_BYTES + payload.byteLength, offset + 2);
      offset += headSize;
      out.set(payload, offset);
      offset += payload.byteLength;
    } else {
      offset = encodeFrameInto({ ...head, headers: headers[i]!, payload }, out, offset);
    }
  }
  return out;
}

/**
 * Decodes one frame body (the header already read): `body` from `start` to `end`. Throws EPROTOCOL on any
 * malformed field. Payloads are views into `body`.
 */
export function decodeFrameBody(
  typeByte: number,
  flags: number,
  body: Buffer,
  start = 0,
  end = body.length,
): Frame {
  const type = FRAME_TYPES[typeByte];
  if (type === undefined || type === "")
    throw new EnchufeError("EPROTOCOL", `unknown frame type 0x${typeByte.toString(16)}`);
  const schema = FRAME_SCHEMA[type];
  if ((flags & ~(schema.flag === undefined ? 0 : 1)) !== 0) {
    throw new EnchufeError("EPROTOCOL", `${type} frame has unknown flag bits 0x${flags.toString(16)}`);
  }
  const reader = new WireReader(body, FRAME_LABELS[typeByte]!, start, end);
  const frame: FrameRecord = { type };
  if (schema.flag !== undefined) frame[schema.flag] = (flags & 1) === 1;
  for (const [name, kind] of schema.fields) {
    switch (kind) {
      case "u8":
        frame[name] = reader.u8(name);
        break;
      case "u16":
        frame[name] = reader.u16(name);
        break;
      case "u32":
        frame[name] = reader.u32(name);
        break;
      case "str":
        frame[name] = reader.str(name);
        break;
      case "headers":
        frame[name] = reader.headers(name);
        break;
      case "payload":
        frame[name] = reader.rest();
        break;
    }
  }
  if (reader.offset !== end) {
    throw new EnchufeError("EPROTOCOL", `${type} frame has ${end - reader.offset} trailing bytes`);
  }
  return frame as unknown as Frame;
}

/**
 * The streaming decoder. States: HEADER (waiting for 6 header bytes) and BODY (waiting for `length`
 * body bytes). Partial input is normal; bytes are buffered as a list of chunks and joined once, when
 * the unit they belong to is complete (never re-copied per push). Frames inside one chunk are parsed
 * in place: their payloads are views into the chunk, so callers must not reuse pushed buffers.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #onFrame: (frame: Frame) => void;
  #state: "HEADER" | "BODY" | "FAILED" = "HEADER";
  #type = 0;
  #flags = 0;
  #length = 0;
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(options: { maxFrameBytes: number; onFrame: (frame: Frame) => void }) {
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#onFrame = options.onFrame;
  }

  /** Bytes held waiting for the rest of a header or body. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): void {
    if (this.#state === "FAILED") throw new EnchufeError("EPROTOCOL", "the decoder failed earlier");
    let data = chunk;
    if (this.#buffered > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#buffered < (this.#state === "HEADER" ? FRAME_HEADER_BYTES : this.#length)) return;
      data = Buffer.concat(this.#chunks, this.#buffered);
      this.#chunks = [];
      this.#buffered = 0;
    }
    let offset = 0;
    try {
      for (;;) {
        const remaining = data.length - offset;
        if (this.#state === "HEADER") {
          if (remaining < FRAME_HEADER_BYTES) break;
          this.#type = data[offset]!;
          this.#flags = data[offset + 1]!;
          this.#length = data.readUInt32BE(offset + 2);
          if (this.#type === 0 || this.#type >= FRAME_TYPES.length) {
            throw new EnchufeError("EPROTOCOL", `unknown frame type 0x${this.#type.toString(16)}`);
          }
          if (this.#length > this.#maxFrameBytes) {
            throw new EnchufeError(
              "ETOOLARGE",
              `a ${FRAME_TYPES[this.#type]} frame of ${this.#length} bytes is over the limit of ${this.#maxFrameBytes}`,
              {
                details: { limit: this.#maxFrameBytes },
              },
            );
          }
          offset += FRAME_HEADER_BYTES;
          this.#state = "BODY";
        } else {
          if (remaining < this.#length) break;
          const start = offset;
          offset += this.#length;
          this.#state = "HEADER";
          this.#onFrame(decodeFrameBody(this.#type, this.#flags, data, start, offset));
        }
      }
    } catch (error) {
      this.#state = "FAILED";
      this.#chunks = [];
      this.#buffered = 0;
      throw error;
    }
    if (offset < data.length) {
      this.#chunks.push(data.subarray(offset));
      this.#buffered = data.length - offset;
    }
  }
}
