/**
 * `node --import tsx bench/ws-cache.ts`: what finding a delivery's WebSocket frame costs per recipient, three
 * ways (docs/PERFORMANCE.md, WebSocket): SharedFrames (one entry per subprotocol, compared by identity), a
 * WeakMap keyed by the delivery's Buffer, and a header allocated per recipient (the code before SharedFrames).
 * Only the lookup or the allocation is timed, not the socket write that follows it.
 */
import { Buffer } from "node:buffer";
import { encodeWsFrame, WsOpcode, wsFrameHeader } from "../src/protocol/websocket.js";
import { SharedFrames } from "../src/transport/websocket-shared.js";

const RECIPIENTS = 100;
const DELIVERIES = 200_000;
const PAYLOADS = Array.from({ length: 1000 }, (_, i) => Buffer.alloc(64 + (i % 7), 0x61));

/** A new Buffer per delivery, as the router makes them (so no cache can keep one across deliveries). */
function delivery(index: number): Buffer {
  return Buffer.from(PAYLOADS[index % PAYLOADS.length]!);
}

function sharedFrames(): number {
  const shared = new SharedFrames();
  let bytes = 0;
  for (let d = 0; d < DELIVERIES; d++) {
    const payload = delivery(d);
    for (let r = 0; r < RECIPIENTS; r++) bytes += shared.binary(payload).length;
  }
  return bytes;
}

function weakMap(): number {
  const frames = new WeakMap<Uint8Array, Buffer>();
  let bytes = 0;
  for (let d = 0; d < DELIVERIES; d++) {
    const payload = delivery(d);
    for (let r = 0; r < RECIPIENTS; r++) {
      let frame = frames.get(payload);
      if (frame === undefined) {
        frame = encodeWsFrame(WsOpcode.BINARY, payload);
        frames.set(payload, frame);
      }
      bytes += frame.length;
    }
  }
  return bytes;
}

function headerPerRecipient(): number {
  let bytes = 0;
  for (let d = 0; d < DELIVERIES; d++) {
    const payload = delivery(d);
    for (let r = 0; r < RECIPIENTS; r++) bytes += wsFrameHeader(WsOpcode.BINARY, payload.length).length;
  }
  return bytes;
}

const WAYS: readonly [string, () => number][] = [
  ["SharedFrames (a field, by identity)", sharedFrames],
  ["WeakMap<Buffer, Buffer>", weakMap],
  ["a header per recipient (before)", headerPerRecipient],
];

for (const [name, run] of WAYS) {
  run(); // warm-up: let the JIT optimize it
  const started = process.hrtime.bigint();
  const bytes = run();
  const nanoseconds = Number(process.hrtime.bigint() - started) / (DELIVERIES * RECIPIENTS);
  process.stdout.write(`${name}: ${nanoseconds.toFixed(1)} ns per recipient (${bytes} bytes)\n`);
}
