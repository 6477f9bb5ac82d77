import fc from "fast-check";
import type { Frame } from "../../src/protocol/frames.js";

const bytes = (text: string) => Buffer.from(text, "utf8");

/** One frame of every type, with UTF-8, binary, empty and maximal fields. */
export const SAMPLES: Frame[] = [
  { type: "HELLO", version: 1, clientName: "sensor-ñ", user: "ana", password: "secreto", token: "" },
  {
    type: "WELCOME",
    version: 1,
    clientId: "c1",
    nick: "ana",
    serverName: "enchufe",
    maxPayload: 1 << 20,
    maxPending: 8 << 20,
    pingIntervalMs: 15000,
    idleTimeoutMs: 30000,
  },
  {
    type: "PUB",
    topic: "a.b",
    headers: [
      ["content-type", "text/plain"],
      ["x", "1"],
    ],
    payload: bytes("hola"),
  },
  {
    type: "MSG",
    private: true,
    topic: "beto",
    from: "ana",
    headers: [],
    payload: new Uint8Array([0, 255, 10, 13]),
  },
  { type: "SUB", sid: 4_000_000_000, pattern: "a.*.>", responder: true },
  { type: "UNSUB", sid: 9 },
  { type: "REQ", reqId: 1, name: "echo", timeoutMs: 0, headers: [], payload: new Uint8Array(0) },
  { type: "REQMSG", token: "t", name: "math", from: "x", headers: [], payload: bytes("21") },
  { type: "RESPOND", token: "t", status: 3, headers: [], payload: bytes("boom") },
  { type: "REPLY", reqId: 2, status: 0, headers: [["k", ""]], payload: bytes("42") },
  { type: "DIRECT", target: "beto", headers: [], payload: bytes("psst") },
  { type: "PING" },
  { type: "PONG" },
  { type: "ERR", code: 7, ref: 0, message: "no such user" },
  { type: "CLOSE", reason: 1, message: "adiós" },
  { type: "GSUB", sid: 4_000_000_001, pattern: "jobs.*", group: "workers-ñ" },
  { type: "GMSG", sid: 7, topic: "jobs.resize", from: "ana", headers: [["k", "v"]], payload: bytes("") },
  { type: "APUB", id: "k3x9:1", topic: "chat", headers: [], payload: bytes("hola") },
  { type: "PUBACK", id: "k3x9:1", status: 2, position: 0, code: 15, message: "disk full ñ" },
  {
    type: "PMSG",
    private: true,
    position: 2 ** 53 - 1,
    topic: "beto",
    from: "ana",
    headers: [["k", "v"]],
    payload: bytes("hi"),
  },
  { type: "RSUB", sid: 3, pattern: "chat.>", start: 2, value: 4_294_967_297, epoch: "9f2c4e0a1b3d5f67" },
  {
    type: "HMSG",
    sid: 1,
    position: 42,
    time: 1_700_000_000_000,
    topic: "chat",
    from: "ana",
    headers: [],
    payload: bytes(""),
  },
  { type: "REPLAYED", recovered: false, sid: 9, epoch: "", position: 0, count: 0 },
];

/** Random frames of the common types, for property tests. */
export const text = fc.string({ maxLength: 20 });
export const payload = fc.uint8Array({ maxLength: 300 });
export const headers = fc.array(fc.tuple(text, text), { maxLength: 3 });
const u32 = fc.nat({ max: 0xffffffff });
const u53 = fc.maxSafeNat();
export const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ type: fc.constant("PUB" as const), topic: text, headers, payload }),
  fc.record({
    type: fc.constant("MSG" as const),
    private: fc.boolean(),
    topic: text,
    from: text,
    headers,
    payload,
  }),
  fc.record({ type: fc.constant("SUB" as const), sid: u32, pattern: text, responder: fc.boolean() }),
  fc.record({
    type: fc.constant("REQ" as const),
    reqId: u32,
    name: text,
    timeoutMs: u32,
    headers,
    payload,
  }),
  fc.record({
    type: fc.constant("RESPOND" as const),
    token: text,
    status: fc.nat({ max: 255 }),
    headers,
    payload,
  }),
  fc.record({ type: fc.constant("ERR" as const), code: fc.nat({ max: 0xffff }), ref: u32, message: text }),
  fc.record({
    type: fc.constant("HELLO" as const),
    version: fc.nat({ max: 255 }),
    clientName: text,
    user: text,
    password: text,
    token: text,
  }),
  fc.record({ type: fc.constant("GSUB" as const), sid: u32, pattern: text, group: text }),
  fc.record({ type: fc.constant("GMSG" as const), sid: u32, topic: text, from: text, headers, payload }),
  fc.record({
    type: fc.constant("PMSG" as const),
    private: fc.boolean(),
    position: u53,
    topic: text,
    from: text,
    headers,
    payload,
  }),
  fc.record({
    type: fc.constant("RSUB" as const),
    sid: u32,
    pattern: text,
    start: fc.nat({ max: 255 }),
    value: u53,
    epoch: text,
  }),
  fc.record({
    type: fc.constant("HMSG" as const),
    sid: u32,
    position: u53,
    time: u53,
    topic: text,
    from: text,
    headers,
    payload,
  }),
  fc.constant({ type: "PING" as const }),
);
