/**
 * The framed protocol's schema (docs/PROTOCOL.md §2): frame types, constants and the one field layout
 * per frame type that drives both the encoder (frame-encoder.ts) and the decoder (frame-decoder.ts), so
 * there is exactly one definition of every frame's layout.
 */
import type { Headers } from "./wire.js";

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
  /** The server failed while handling the client's frame: a bug of ours, not the client's fault. */
  SERVER_ERROR: 10,
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
  /** The server failed while handling the frame: a bug of ours, not the client's fault. */
  SERVER_ERROR: 13,
  /** The server has as many clients as it allows (sent before CLOSE SERVER_FULL). */
  SERVER_FULL: 14,
  /** The history could not keep a message: the disk is full (PUBACK ERROR; the message went out live). */
  STORE_FULL: 15,
  /** The history could not keep a message: another write error (PUBACK ERROR; it went out live). */
  STORE_ERROR: 16,
} as const;
/** PUBACK's status (docs/PROTOCOL.md §2.5). */
export const PubAckStatus = { OK: 0, DUPLICATE: 1, ERROR: 2 } as const;
/** RSUB's start (docs/PROTOCOL.md §2.5): where the replay from the history begins. */
export const SubStart = { NEW: 0, LAST: 1, POSITION: 2, TIME: 3 } as const;
/** The newest version this code speaks; a server answers a HELLO of version 1 or 2 in that version. */
export const PROTOCOL_VERSION = 2;
/** Versions a server accepts in HELLO. */
export const MIN_PROTOCOL_VERSION = 1;
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
  | { type: "CLOSE"; reason: number; message: string }
  | { type: "GSUB"; sid: number; pattern: string; group: string }
  | { type: "GMSG"; sid: number; topic: string; from: string; headers: Headers; payload: Uint8Array }
  | { type: "APUB"; id: string; topic: string; headers: Headers; payload: Uint8Array }
  | { type: "PUBACK"; id: string; status: number; position: number; code: number; message: string }
  | {
      type: "PMSG";
      private: boolean;
      position: number;
      topic: string;
      from: string;
      headers: Headers;
      payload: Uint8Array;
    }
  | { type: "RSUB"; sid: number; pattern: string; start: number; value: number; epoch: string }
  | {
      type: "HMSG";
      sid: number;
      position: number;
      time: number;
      topic: string;
      from: string;
      headers: Headers;
      payload: Uint8Array;
    }
  | { type: "REPLAYED"; recovered: boolean; sid: number; epoch: string; position: number; count: number };
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
  "GSUB",
  "GMSG",
  "APUB",
  "PUBACK",
  "PMSG",
  "RSUB",
  "HMSG",
  "REPLAYED",
] as const;

/** Frame type name to its number on the wire (the inverse of FRAME_TYPES). */
export const FRAME_TYPE_NUMBER = Object.fromEntries(
  FRAME_TYPES.map((name, index) => [name, index]),
) as Readonly<Record<Frame["type"], number>>;

/** "PUB frame" and so on by type number, for error messages (built once, not per frame). */
export const FRAME_LABELS: readonly string[] = FRAME_TYPES.map((name) => `${name} frame`);

/** `u53`: 8 bytes big-endian, below 2^53 (a position or a time in ms: a JavaScript number holds it exactly). */
export type FieldKind = "u8" | "u16" | "u32" | "u53" | "str" | "headers" | "payload";
export type Field = readonly [name: string, kind: FieldKind];

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
  // Queue groups (docs/PROTOCOL.md §2.4): opt-in, a client that never sends GSUB never gets a GMSG.
  GSUB: {
    fields: [
      ["sid", "u32"],
      ["pattern", "str"],
      ["group", "str"],
    ],
  },
  GMSG: {
    fields: [
      ["sid", "u32"],
      ["topic", "str"],
      ["from", "str"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  // Version 2 (docs/PROTOCOL.md §2.5): history, positions and acknowledged publishes.
  APUB: {
    fields: [
      ["id", "str"],
      ["topic", "str"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  PUBACK: {
    fields: [
      ["id", "str"],
      ["status", "u8"],
      ["position", "u53"],
      ["code", "u16"],
      ["message", "str"],
    ],
  },
  PMSG: {
    flag: "private",
    fields: [
      ["position", "u53"],
      ["topic", "str"],
      ["from", "str"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  RSUB: {
    fields: [
      ["sid", "u32"],
      ["pattern", "str"],
      ["start", "u8"],
      ["value", "u53"],
      ["epoch", "str"],
    ],
  },
  HMSG: {
    fields: [
      ["sid", "u32"],
      ["position", "u53"],
      ["time", "u53"],
      ["topic", "str"],
      ["from", "str"],
      ["headers", "headers"],
      ["payload", "payload"],
    ],
  },
  REPLAYED: {
    flag: "recovered",
    fields: [
      ["sid", "u32"],
      ["epoch", "str"],
      ["position", "u53"],
      ["count", "u32"],
    ],
  },
};

// The schema reads and writes frames by field name; frames are plain objects of these field kinds.
export type FrameRecord = Record<string, unknown>;
