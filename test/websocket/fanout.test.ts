/**
 * One delivery, many WebSocket recipients: every recipient gets the same frames (built once), whatever
 * the payload's size, in both subprotocols; ws (an independent client) reads them; slow WebSocket
 * consumers are cut off at --max-pending while the others keep receiving.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { once } from "node:events";
import { afterEach, describe, test } from "node:test";
import fc from "fast-check";
import { encodeFrame, type Frame, FrameDecoder } from "../../src/protocol/frames.js";
import { encodeWsFrame, WsOpcode, wsFrameHeader } from "../../src/protocol/websocket.js";
import type { ClientInfo } from "../../src/server/session.js";
import { SHARED_COPY_LIMIT, SharedFrames } from "../../src/transport/websocket-shared.js";
import { FramedClient } from "../helpers/framed.js";
import { drain } from "../protocol/drain.js";
import { clientFrame, GUEST_HELLO } from "./frames.js";
import { handshake, RawPeer, startServer, WsPeer, type WsTestServer } from "./helpers.js";

interface RawFrame {
  readonly opcode: number;
  readonly payload: Buffer;
  /** The frame as it came: header and payload. */
  readonly bytes: Buffer;
}

/** The complete server frames (unmasked) after the 101 answer's head. */
function rawFrames(received: Buffer): RawFrame[] {
  const body = received.subarray(received.indexOf("\r\n\r\n") + 4);
  const frames: RawFrame[] = [];
  let at = 0;
  while (at + 2 <= body.length) {
    let length = body[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (at + 4 > body.length) break;
      length = body.readUInt16BE(at + 2);
      start += 2;
    } else if (length === 127) {
      if (at + 10 > body.length) break;
      length = Number(body.readBigUInt64BE(at + 2));
      start += 8;
    }
    if (start + length > body.length) break;
    frames.push({
      opcode: body[at]! & 0x0f,
      payload: body.subarray(start, start + length),
      bytes: body.subarray(at, start + length),
    });
    at = start + length;
  }
  return frames;
}

/** The framed protocol's frames carried by the binary messages (a frame may span messages). */
function framedFrames(frames: readonly RawFrame[]): Frame[] {
  const decoder = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
  for (const frame of frames) if (frame.opcode === WsOpcode.BINARY) decoder.push(frame.payload);
  return [...drain(decoder)];
}

const SUB = encodeFrame({ type: "SUB", sid: 1, pattern: "news.>", responder: false });
const PING = encodeFrame({ type: "PING" });

/** An enchufe.v1 peer (ws) subscribed to news.>, its MSG payloads collected in order. */
async function wsSubscriber(url: string): Promise<{ peer: WsPeer; payloads: Buffer[] }> {
  const peer = await WsPeer.open(url, "enchufe.v1");
  const decoder = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
  const payloads: Buffer[] = [];
  let ponged: () => void = () => {};
  const pong = new Promise<void>((resolve) => {
    ponged = resolve;
  });
  peer.socket.on("message", (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    decoder.push(data);
    for (const frame of drain(decoder)) {
      if (frame.type === "PONG") ponged();
      if (frame.type === "MSG") payloads.push(Buffer.from(frame.payload));
    }
  });
  peer.send(Buffer.concat([GUEST_HELLO, SUB, PING]));
  await pong;
  return { peer, payloads };
}

/** An enchufe.v1 peer on a raw socket (its bytes as they came), subscribed to news.>. */
async function rawSubscriber(port: number): Promise<RawPeer> {
  const peer = await RawPeer.connect(port);
  const head = await handshake(peer, { "Sec-WebSocket-Protocol": "enchufe.v1" });
  assert.match(head, /^HTTP\/1\.1 101/);
  peer.write(clientFrame(WsOpcode.BINARY, Buffer.concat([GUEST_HELLO, SUB, PING])));
  await peer.until(
    (received) => framedFrames(rawFrames(received)).some((frame) => frame.type === "PONG"),
    "the PONG",
  );
  return peer;
}

/** The raw bytes of the frames from the first one that satisfies `first` on. */
function bytesFrom(peer: RawPeer, first: (frame: RawFrame) => boolean): Buffer {
  const frames = rawFrames(peer.received);
  const start = frames.findIndex(first);
  assert.ok(start >= 0, "the first delivery's frame");
  return Buffer.concat(frames.slice(start).map((frame) => frame.bytes));
}

/** Payload sizes around every WebSocket length form, and around the shared-copy limit. */
function mixedSizes(overhead: number): number[] {
  const exact = [125, 126, 127, 65_535, 65_536, 65_537, SHARED_COPY_LIMIT, SHARED_COPY_LIMIT + 1]
    .map((size) => size - overhead)
    .filter((size) => size >= 0);
  return [0, 1, 125, 126, 65_535, 65_536, 200_000, ...exact];
}

describe("websocket fan-out: one delivery, the same frames for every recipient", () => {
  let server: WsTestServer | undefined;
  const open: { close(): void }[] = [];
  function track<T extends { close(): void }>(peer: T): T {
    open.push(peer);
    return peer;
  }
  afterEach(async () => {
    for (const peer of open.splice(0)) peer.close();
    await server?.close();
    server = undefined;
  });

  test("enchufe.v1: N ws peers get every payload intact and raw peers get byte-identical frames", {
    timeout: 30_000,
  }, async () => {
    server = await startServer();
    const subscribers = await Promise.all([1, 2, 3, 4].map(() => wsSubscriber(server!.url)));
    for (const { peer } of subscribers) track(peer);
    const raws = await Promise.all([1, 2].map(() => rawSubscriber(server!.port)));
    for (const raw of raws) track(raw);
    const publisher = track(await FramedClient.connect(server.port, "pub"));
    const from = publisher.welcome!.nick;
    const empty = { type: "MSG", private: false, topic: "news.a", from, headers: [] } as const;
    // The MSG frame's own bytes: a payload of size - overhead makes a WebSocket message of exactly size.
    const overhead = encodeFrame({ ...empty, payload: Buffer.alloc(0) }).length;
    const sizes = mixedSizes(overhead);
    const payloads = sizes.map((size, i) => Buffer.alloc(size, 97 + (i % 26)));
    for (const payload of payloads) {
      publisher.publish("news.a", payload);
      // One delivery per publish: each WebSocket message is exactly one MSG frame.
      await publisher.flush();
    }
    // A batch: many publishes in one write make one delivery, one WebSocket message of many frames.
    const batch = Array.from({ length: 20 }, (_, i) => Buffer.from(`batched ${i}`));
    publisher.socket.write(
      Buffer.concat(
        batch.map((payload) => encodeFrame({ type: "PUB", topic: "news.b", headers: [], payload })),
      ),
    );
    const expected = [...payloads, ...batch].map((payload) => payload.toString("hex"));
    for (const { peer, payloads: got } of subscribers) {
      while (got.length < expected.length) await peer.binary.next(() => true, 10_000);
      assert.deepEqual(
        got.map((payload) => payload.toString("hex")),
        expected,
      );
    }
    for (const raw of raws) {
      await raw.until(
        (received) =>
          framedFrames(rawFrames(received)).filter((f) => f.type === "MSG").length === expected.length,
        "every MSG",
      );
    }
    const isMsg = (frame: RawFrame) => frame.opcode === WsOpcode.BINARY && frame.payload[0] === 0x04;
    const [first, second] = raws.map((raw) => bytesFrom(raw, isMsg));
    assert.ok(first!.equals(second!), "both raw peers received the same bytes");
    // Each size-aligned delivery is one message of exactly that size.
    const lengths = rawFrames(raws[0]!.received)
      .filter(isMsg)
      .map((frame) => frame.payload.length);
    for (const size of [125, 126, 65_535, 65_536])
      assert.ok(lengths.includes(size), `a ${size}-byte message`);
  });

  test("enchufe.text: a delivery's lines are the same text frames for every WebSocket user", {
    timeout: 30_000,
  }, async () => {
    server = await startServer();
    const publisher = track(await FramedClient.connect(server.port, "pub"));
    const from = publisher.welcome!.nick;
    const peers = await Promise.all([1, 2, 3].map(() => WsPeer.open(server!.url, "enchufe.text")));
    for (const peer of peers) track(peer);
    const raws: RawPeer[] = [];
    for (let i = 0; i < 2; i++) {
      const raw = track(await RawPeer.connect(server.port));
      assert.match(await handshake(raw, {}), /^HTTP\/1\.1 101/);
      raws.push(raw);
    }
    // Everyone is in general once a sync line reaches them all.
    publisher.publish("general", "sync");
    const prefix = `[general] ${from}: `;
    await Promise.all(peers.map((peer) => peer.nextStarting(`${prefix}sync`)));
    const isSync = (frame: RawFrame) => frame.payload.toString() === `${prefix}sync`;
    for (const raw of raws) await raw.until((received) => rawFrames(received).some(isSync), "the sync line");
    const lines: string[] = [];
    const size = fc.oneof(
      fc.constantFrom(0, 125, 126, 65_535, 65_536).map((bytes) => Math.max(0, bytes - prefix.length)),
      fc.integer({ min: 0, max: 70_000 }),
    );
    for (const sizes of fc.sample(fc.array(size, { minLength: 1, maxLength: 3 }), 15)) {
      // One payload of several lines (none empty but a lone one): one delivery, a text message per line.
      const parts = sizes.map((bytes, i) =>
        String.fromCharCode(97 + ((lines.length + i) % 26)).repeat(
          sizes.length > 1 ? Math.max(1, bytes) : bytes,
        ),
      );
      publisher.publish("general", parts.join("\n"));
      await publisher.flush();
      lines.push(...parts.map((part) => `${prefix}${part}`));
    }
    publisher.publish("general", "done");
    lines.push(`${prefix}done`);
    for (const peer of peers) {
      await peer.nextStarting(`${prefix}done`);
      const got = peer.lines.items.splice(0).filter((line) => line.startsWith(prefix));
      // The last line was taken by nextStarting().
      assert.deepEqual([...got, `${prefix}done`], lines);
    }
    const isDone = (frame: RawFrame) => frame.payload.toString() === `${prefix}done`;
    for (const raw of raws) await raw.until((received) => rawFrames(received).some(isDone), "the last line");
    const [first, second] = raws.map((raw) => bytesFrom(raw, isSync));
    assert.ok(first!.equals(second!), "both raw users received the same bytes");
    const texts = rawFrames(raws[0]!.received)
      .filter((frame) => frame.opcode === WsOpcode.TEXT)
      .map((frame) => frame.payload.toString());
    assert.deepEqual(texts.slice(texts.indexOf(`${prefix}sync`) + 1), lines);
  });

  test("a WebSocket client that never reads is cut off at --max-pending; the others keep receiving", {
    timeout: 30_000,
  }, async () => {
    server = await startServer({ maxPendingBytes: 256 * 1024, maxPayloadBytes: 64 * 1024 });
    const cut: ClientInfo[] = [];
    server.handler.on("slowConsumer", (info: ClientInfo) => cut.push(info));
    const stuckBinary = track(await rawSubscriber(server.port));
    const stuckText = track(await RawPeer.connect(server.port));
    await handshake(stuckText, {});
    const reader = await wsSubscriber(server.url);
    track(reader.peer);
    const publisher = track(await FramedClient.connect(server.port, "pub"));
    // stuckText is in general once the sync line reached it.
    publisher.publish("general", "sync");
    await stuckText.until((received) => rawFrames(received).some((f) => f.payload.includes("sync")), "sync");
    stuckBinary.socket.pause();
    stuckText.socket.pause();
    const chunk = Buffer.alloc(60 * 1024, "x");
    const total = 300;
    for (let n = 0; n < total; n++) {
      publisher.publish(n % 2 === 0 ? "news.a" : "general", chunk);
      publisher.publish(n % 2 === 0 ? "general" : "news.a", chunk);
      if (n % 20 === 19) {
        await publisher.flush();
        // Paced by the reader: on a busy machine a burst could otherwise pass its --max-pending too, while
        // the stuck clients, who read nothing, pass theirs whatever the pace.
        while (reader.payloads.length < n + 1) await reader.peer.binary.next(() => true, 20_000);
      }
    }
    while (reader.payloads.length < total) await reader.peer.binary.next(() => true, 20_000);
    assert.ok(reader.payloads.every((payload) => payload.equals(chunk)));
    while (cut.length < 2) await once(server.handler, "slowConsumer");
    assert.deepEqual(
      cut.map((info) => info.mode).sort(),
      ["framed", "text"],
      "both stuck WebSocket clients were cut off as slow consumers",
    );
  });
});

describe("SharedFrames", () => {
  test("the frames of one Buffer are built once: the same object for every recipient", () => {
    const shared = new SharedFrames();
    const delivery = Buffer.from("one delivery");
    const binary = shared.binary(delivery);
    assert.equal(shared.binary(delivery), binary, "one binary frame for every recipient");
    assert.deepEqual(binary, encodeWsFrame(WsOpcode.BINARY, delivery));
    const text = shared.text(delivery);
    assert.equal(shared.text(delivery), text, "the text frames too, beside the binary one");
    assert.equal(shared.binary(delivery), binary, "the two subprotocols keep their own entry");
    // Another Buffer with the same bytes is another delivery: its frames are built again.
    assert.notEqual(shared.binary(Buffer.from("one delivery")), binary);
  });

  test("a large enchufe.v1 delivery shares only its header (its payload is written uncopied)", () => {
    const shared = new SharedFrames();
    const large = Buffer.alloc(SHARED_COPY_LIMIT + 1, 1);
    assert.deepEqual(shared.binary(large), wsFrameHeader(WsOpcode.BINARY, large.length));
    const limit = Buffer.alloc(SHARED_COPY_LIMIT, 1);
    assert.deepEqual(shared.binary(limit), encodeWsFrame(WsOpcode.BINARY, limit));
  });
});
