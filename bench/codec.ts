/**
 * `node --import tsx bench/codec.ts [--iterations N] [--repetitions R] [--json]`: the codec alone, ns per
 * operation for each frame type (encodeFrame; FrameDecoder push + next over a buffer of many frames), a
 * 64-message MSG batch (encodeMessages, per message) and text lines (LineDecoder, per line). No sockets, no
 * server: changes to src/protocol/ are measured the same way each time (docs/PERFORMANCE.md). Medians of R
 * rounds (default 7) after a warm-up; a round times every row once, N operations each (default 200,000).
 */
import { Buffer } from "node:buffer";
import { parseArgs } from "node:util";
import {
  encodeFrame,
  encodeMessages,
  type Frame,
  FrameDecoder,
  type Headers,
  NEED_DATA,
} from "../src/protocol/frames.js";
import { LineDecoder } from "../src/protocol/lines.js";

const { values } = parseArgs({
  options: {
    iterations: { type: "string", default: "200000" },
    repetitions: { type: "string", default: "7" },
    json: { type: "boolean", default: false },
  },
});
const ITERATIONS = Number(values.iterations);
const REPETITIONS = Number(values.repetitions);
if (!Number.isInteger(ITERATIONS) || ITERATIONS < 1 || !Number.isInteger(REPETITIONS) || REPETITIONS < 1) {
  console.error("bench/codec: --iterations and --repetitions take positive integers");
  process.exit(2);
}

const PAYLOAD = Buffer.alloc(64, 0x61);
const HEADERS: Headers = [["content-type", "text/plain"]];

/** One frame of each type a busy connection sees, with 64-byte payloads. */
const SAMPLES: readonly Frame[] = [
  { type: "PUB", topic: "sensors.kitchen", headers: [], payload: PAYLOAD },
  { type: "PUB", topic: "sensors.kitchen", headers: HEADERS, payload: PAYLOAD },
  { type: "MSG", private: false, topic: "sensors.kitchen", from: "guest-1", headers: [], payload: PAYLOAD },
  { type: "SUB", sid: 7, pattern: "sensors.>", responder: false },
  { type: "REQ", reqId: 42, name: "svc.echo", timeoutMs: 5000, headers: [], payload: PAYLOAD },
  { type: "REQMSG", token: "t-12345", name: "svc.echo", from: "guest-1", headers: [], payload: PAYLOAD },
  { type: "RESPOND", token: "t-12345", status: 0, headers: [], payload: PAYLOAD },
  { type: "REPLY", reqId: 42, status: 0, headers: [], payload: PAYLOAD },
  { type: "GMSG", sid: 7, topic: "jobs.resize", from: "guest-1", headers: [], payload: PAYLOAD },
  { type: "PING" },
  { type: "HELLO", version: 1, clientName: "bench", user: "", password: "", token: "" },
];

function label(frame: Frame): string {
  return frame.type === "PUB" && frame.headers.length > 0 ? "PUB + 1 header" : frame.type;
}

/** A body does n operations and returns something that depends on them (so none is optimised away). */
type Body = (n: number) => number;

/**
 * ns per operation of each body: every body warmed up, then REPETITIONS rounds that time each body once in
 * turn (interleaved, so a slow moment of the machine or the GC touches every row alike), the median.
 */
function measureAll(bodies: readonly Body[]): number[] {
  for (const body of bodies) body(Math.min(ITERATIONS, 10_000));
  const runs = bodies.map((): number[] => []);
  let sink = 0;
  for (let r = 0; r < REPETITIONS; r++) {
    bodies.forEach((body, index) => {
      const start = process.hrtime.bigint();
      sink += body(ITERATIONS);
      runs[index]!.push(Number(process.hrtime.bigint() - start) / ITERATIONS);
    });
  }
  if (sink === -1) console.log(sink); // keeps the work observable
  return runs.map((times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!);
}

function encode(frame: Frame): Body {
  return (n) => {
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += encodeFrame(frame).length;
    return bytes;
  };
}

/** Decoding as a session does: chunks of 64 KiB holding many frames, next() until NEED_DATA. */
function decode(frame: Frame): Body {
  const one = encodeFrame(frame);
  const perChunk = Math.max(1, Math.floor(65_536 / one.length));
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => one));
  return (n) => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    let frames = 0;
    while (frames < n) {
      decoder.push(chunk); // never changed, so the same chunk may be pushed again
      for (let next = decoder.next(); next !== NEED_DATA; next = decoder.next()) frames++;
    }
    return frames;
  };
}

function batch(): Body {
  const headers = Array.from({ length: 64 }, (): Headers => []);
  const payloads = Array.from({ length: 64 }, () => PAYLOAD);
  const message = { private: false, topic: "sensors.kitchen", from: "guest-1" };
  return (n) => {
    let bytes = 0;
    for (let i = 0; i < n; i += 64) bytes += encodeMessages(message, headers, payloads).length;
    return bytes;
  };
}

function lines(): Body {
  const line = Buffer.from(`${"a".repeat(63)}\n`);
  const chunk = Buffer.concat(Array.from({ length: 1024 }, () => line));
  return (n) => {
    const decoder = new LineDecoder({ maxLineBytes: 65_536 });
    let count = 0;
    while (count < n) {
      decoder.push(chunk);
      for (let next = decoder.next(); next !== undefined; next = decoder.next()) count++;
    }
    return count;
  };
}

const named: [string, Body][] = [];
for (const frame of SAMPLES) {
  named.push([`encode ${label(frame)} (${encodeFrame(frame).length} B)`, encode(frame)]);
  named.push([`decode ${label(frame)}`, decode(frame)]);
}
named.push(["encodeMessages, 64 MSG of 64 B, per message", batch()]);
named.push(["LineDecoder, 64-byte lines, per line", lines()]);
const times = measureAll(named.map(([, body]) => body));
const rows = named.map(([operation], index) => ({ operation, nsPerOp: times[index]! }));

if (values.json) {
  console.log(
    JSON.stringify({ node: process.version, iterations: ITERATIONS, repetitions: REPETITIONS, rows }),
  );
} else {
  console.log(`Node ${process.version}, ${ITERATIONS} operations per repetition, median of ${REPETITIONS}\n`);
  console.log("| operation | ns/op |\n| --- | --- |");
  for (const row of rows) console.log(`| ${row.operation} | ${row.nsPerOp.toFixed(1)} |`);
}
