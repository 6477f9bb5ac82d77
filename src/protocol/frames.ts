// TEMPORARY stand-in written by the server engineer until the codec branch lands (take the codec's version on merge).
import { isUtf8 } from "node:buffer";
import { EnchufeError } from "../errors.js";

export type Headers = ReadonlyArray<readonly [string, string]>;
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

const TYPES = [
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

class Writer {
  parts: Buffer[] = [];
  u8(v: number): void {
    this.parts.push(Buffer.from([v]));
  }
  u16(v: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    this.parts.push(b);
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    this.parts.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.u16(b.length);
    this.parts.push(b);
  }
  headers(h: Headers): void {
    this.u16(h.length);
    for (const [k, v] of h) {
      this.str(k);
      this.str(v);
    }
  }
  bytes(p: Uint8Array): void {
    this.parts.push(Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  }
}

export function encodeFrame(frame: Frame): Buffer {
  const w = new Writer();
  let flags = 0;
  switch (frame.type) {
    case "HELLO":
      w.u8(frame.version);
      w.str(frame.clientName);
      w.str(frame.user);
      w.str(frame.password);
      w.str(frame.token);
      break;
    case "WELCOME":
      w.u8(frame.version);
      w.str(frame.clientId);
      w.str(frame.nick);
      w.str(frame.serverName);
      w.u32(frame.maxPayload);
      w.u32(frame.maxPending);
      w.u32(frame.pingIntervalMs);
      w.u32(frame.idleTimeoutMs);
      break;
    case "PUB":
      w.str(frame.topic);
      w.headers(frame.headers);
      w.bytes(frame.payload);
      break;
    case "MSG":
      flags = frame.private ? 1 : 0;
      w.str(frame.topic);
      w.str(frame.from);
      w.headers(frame.headers);
      w.bytes(frame.payload);
      break;
    case "SUB":
      flags = frame.responder ? 1 : 0;
      w.u32(frame.sid);
      w.str(frame.pattern);
      break;
    case "UNSUB":
      w.u32(frame.sid);
      break;
    case "REQ":
      w.u32(frame.reqId);
      w.str(frame.name);
      w.u32(frame.timeoutMs);
      w.headers(frame.headers);
      w.bytes(frame.payload);
      break;
    case "REQMSG":
      w.str(frame.token);
      w.str(frame.name);
      w.str(frame.from);
      w.headers(frame.headers);
      w.bytes(frame.payload);
      break;
    case "RESPOND":
      w.str(frame.token);
      w.u8(frame.status);
      w.headers(frame.headers);
      w.bytes(frame.payload);
      break;
    case "REPLY":
      w.u32(frame.reqId);
      w.u8(frame.status);
      w.headers(frame.headers);
      w.bytes(frame.payload);
      break;
    case "DIRECT":
      w.str(frame.target);
      w.headers(frame.headers);
      w.bytes(frame.payload);
      break;
    case "PING":
    case "PONG":
      break;
    case "ERR":
      w.u16(frame.code);
      w.u32(frame.ref);
      w.str(frame.message);
      break;
    case "CLOSE":
      w.u8(frame.reason);
      w.str(frame.message);
      break;
  }
  const body = Buffer.concat(w.parts);
  const header = Buffer.alloc(6);
  header[0] = TYPES.indexOf(frame.type);
  header[1] = flags;
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

class Reader {
  offset = 0;
  constructor(readonly body: Buffer) {}
  need(n: number): void {
    if (this.offset + n > this.body.length) throw new EnchufeError("EPROTOCOL", "truncated body");
  }
  u8(): number {
    this.need(1);
    return this.body[this.offset++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.body.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.body.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  str(): string {
    const n = this.u16();
    this.need(n);
    if (!isUtf8(this.body.subarray(this.offset, this.offset + n)))
      throw new EnchufeError("EPROTOCOL", "invalid UTF-8 in a string field");
    const s = this.body.toString("utf8", this.offset, this.offset + n);
    this.offset += n;
    return s;
  }
  headers(): Headers {
    const n = this.u16();
    const out: [string, string][] = [];
    for (let i = 0; i < n; i++) out.push([this.str(), this.str()]);
    return out;
  }
  rest(): Uint8Array {
    const p = this.body.subarray(this.offset);
    this.offset = this.body.length;
    return p;
  }
  end(): void {
    if (this.offset !== this.body.length) throw new EnchufeError("EPROTOCOL", "trailing bytes");
  }
}

function decodeBody(type: number, flags: number, body: Buffer): Frame {
  const allowedFlags = type === 4 || type === 5 ? 1 : 0;
  if ((flags & ~allowedFlags) !== 0)
    throw new EnchufeError("EPROTOCOL", `unknown flag bits ${flags} for type ${type}`);
  const r = new Reader(body);
  let frame: Frame;
  switch (TYPES[type]) {
    case "HELLO":
      frame = {
        type: "HELLO",
        version: r.u8(),
        clientName: r.str(),
        user: r.str(),
        password: r.str(),
        token: r.str(),
      };
      break;
    case "WELCOME":
      frame = {
        type: "WELCOME",
        version: r.u8(),
        clientId: r.str(),
        nick: r.str(),
        serverName: r.str(),
        maxPayload: r.u32(),
        maxPending: r.u32(),
        pingIntervalMs: r.u32(),
        idleTimeoutMs: r.u32(),
      };
      break;
    case "PUB":
      frame = { type: "PUB", topic: r.str(), headers: r.headers(), payload: r.rest() };
      break;
    case "MSG":
      frame = {
        type: "MSG",
        private: (flags & 1) === 1,
        topic: r.str(),
        from: r.str(),
        headers: r.headers(),
        payload: r.rest(),
      };
      break;
    case "SUB":
      frame = { type: "SUB", responder: (flags & 1) === 1, sid: r.u32(), pattern: r.str() };
      break;
    case "UNSUB":
      frame = { type: "UNSUB", sid: r.u32() };
      break;
    case "REQ":
      frame = {
        type: "REQ",
        reqId: r.u32(),
        name: r.str(),
        timeoutMs: r.u32(),
        headers: r.headers(),
        payload: r.rest(),
      };
      break;
    case "REQMSG":
      frame = {
        type: "REQMSG",
        token: r.str(),
        name: r.str(),
        from: r.str(),
        headers: r.headers(),
        payload: r.rest(),
      };
      break;
    case "RESPOND":
      frame = { type: "RESPOND", token: r.str(), status: r.u8(), headers: r.headers(), payload: r.rest() };
      break;
    case "REPLY":
      frame = { type: "REPLY", reqId: r.u32(), status: r.u8(), headers: r.headers(), payload: r.rest() };
      break;
    case "DIRECT":
      frame = { type: "DIRECT", target: r.str(), headers: r.headers(), payload: r.rest() };
      break;
    case "PING":
      frame = { type: "PING" };
      break;
    case "PONG":
      frame = { type: "PONG" };
      break;
    case "ERR":
      frame = { type: "ERR", code: r.u16(), ref: r.u32(), message: r.str() };
      break;
    case "CLOSE":
      frame = { type: "CLOSE", reason: r.u8(), message: r.str() };
      break;
    default:
      throw new EnchufeError("EPROTOCOL", `unknown frame type ${type}`);
  }
  r.end();
  return frame;
}

export class FrameDecoder {
  readonly #max: number;
  readonly #onFrame: (frame: Frame) => void;
  #pending: Buffer = Buffer.alloc(0);
  #failed = false;
  constructor(options: { maxFrameBytes: number; onFrame: (frame: Frame) => void }) {
    this.#max = options.maxFrameBytes;
    this.#onFrame = options.onFrame;
  }
  get buffered(): number {
    return this.#pending.length;
  }
  push(chunk: Buffer): void {
    if (this.#failed) throw new EnchufeError("EPROTOCOL", "decoder failed");
    let data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    try {
      while (data.length >= 6) {
        const length = data.readUInt32BE(2);
        if (length > this.#max) throw new EnchufeError("ETOOLARGE", `frame of ${length} bytes`);
        if (data.length < 6 + length) break;
        const frame = decodeBody(data[0]!, data[1]!, data.subarray(6, 6 + length));
        data = data.subarray(6 + length);
        this.#onFrame(frame);
      }
    } catch (error) {
      this.#failed = true;
      throw error;
    }
    this.#pending = data;
  }
}
