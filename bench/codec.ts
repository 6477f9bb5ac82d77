/**
 * `node --import tsx bench/codec.ts [--iterations N] [--repetitions R] [--json]`: the codec alone, ns per
 * operation for each frame type (encodeFrame; FrameDecoder push + next over a buffer of many frames), a
 * 64-message MSG batch (encodeMessages, per message) and text lines (LineDecoder, per line). No sockets, no
 * server: changes to src/protocol/ are measured the same way each time (docs/PERFORMANCE.md). Medians of R
 * repetitions after a warm-up run; each repetition does N operations.
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
    repetitions: { type: "string", default: "5" },
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

/** ns per operation of `body(n)`, which does n operations: the median of REPETITIONS after a warm-up. */
function measure(body: (n: number) => number): number {
  body(Math.min(ITERATIONS, 10_000));
  const runs: number[] = [];
  let sink = 0;
  for (let r = 0; r < REPETITIONS; r++) {
    const start = process.hrtime.bigint();
    sink += body(ITERATIONS);
    runs.push(Number(process.hrtime.bigint() - start) / ITERATIONS);
  }
  if (sink === -1) console.log(sink); // keeps the work observable
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)]!;
}

function encode(frame: Frame): number {
  return measure((n) => {
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += encodeFrame(frame).length;
    return bytes;
  });
}

/** Decoding as a session does: chunks of 64 KiB holding many frames, next() until NEED_DATA. */
function decode(frame: Frame): number {
  const one = encodeFrame(frame);
  const perChunk = Math.max(1, Math.floor(65_536 / one.length));
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => one));
  return measure((n) => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    let frames = 0;
    while (frames < n) {
      decoder.push(chunk); // never changed, so the same chunk may be pushed again
      for (let next = decoder.next(); next !== NEED_DATA; next = decoder.next()) frames++;
    }
    return frames;
  });
}

function batch(): number {
  const headers = Array.from({ length: 64 }, (): Headers => []);
  const payloads = Array.from({ length: 64 }, () => PAYLOAD);
  const message = { private: false, topic: "sensors.kitchen", from: "guest-1" };
  return measure((n) => {
    let bytes = 0;
    for (let i = 0; i < n; i += 64) bytes += encodeMessages(message, headers, payloads).length;
    return bytes;
  });
}

function lines(): number {
  const line = Buffer.from(`${"a".repeat(63)}\n`);
  const chunk = Buffer.concat(Array.from({ length: 1024 }, () => line));
  return measure((n) => {
    const decoder = new LineDecoder({ maxLineBytes: 65_536 });
    let count = 0;
    while (count < n) {
      decoder.push(chunk);
      for (let next = decoder.next(); next !== undefined; next = decoder.next()) count++;
    }
    return count;
  });
}

const rows: { operation: string; nsPerOp: number }[] = [];
for (const frame of SAMPLES) {
  rows.push({ operation: `encode ${label(frame)} (${encodeFrame(frame).length} B)`, nsPerOp: encode(frame) });
  rows.push({ operation: `decode ${label(frame)}`, nsPerOp: decode(frame) });
}
rows.push({ operation: "encodeMessages, 64 MSG of 64 B, per message", nsPerOp: batch() });
rows.push({ operation: "LineDecoder, 64-byte lines, per line", nsPerOp: lines() });

if (values.json) {
  console.log(
    JSON.stringify({ node: process.version, iterations: ITERATIONS, repetitions: REPETITIONS, rows }),
  );
} else {
  console.log(`Node ${process.version}, ${ITERATIONS} operations per repetition, median of ${REPETITIONS}\n`);
  console.log("| operation | ns/op |\n| --- | --- |");
  for (const row of rows) console.log(`| ${row.operation} | ${row.nsPerOp.toFixed(1)} |`);
}
