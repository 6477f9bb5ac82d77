/**
 * A batch that a version-1 subscriber takes as MSG frames is kept by the memory history in those frames'
 * bytes instead of a copy (Delivery.sharedFrames, SharedPayloads). What later reads give back must be the
 * same as ever: every payload, in order, byte for byte, from any position on; a batch with headers, or one
 * nobody takes as MSG frames, is copied as before.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { encodeFrame, type Frame, type Headers, SubStart } from "../../src/protocol/frames.js";
import { MemoryHistoryStore, type SharedPayloads } from "../../src/store/index.js";
import {
  closeAll,
  FramedClient,
  startTestServer,
  type TestServer,
  TextClient,
  text,
} from "../helpers/framed.js";

type FrameOf<T extends Frame["type"]> = Extract<Frame, { type: T }>;

/** A memory store that counts the batches that came with shared bytes. */
class CountingStore extends MemoryHistoryStore {
  shared = 0;
  copied = 0;

  override appendBatch(
    topic: string,
    from: string,
    payloads: readonly Uint8Array[],
    headers?: readonly Headers[],
    time?: number,
    keys?: readonly { index: number; key: string }[],
    shared?: SharedPayloads,
  ): number {
    if (shared === undefined) this.copied++;
    else this.shared++;
    return super.appendBatch(topic, from, payloads, headers, time, keys, shared);
  }
}

/** `count` distinct payloads of 64 bytes. */
function payloadsOf(count: number, tag: string): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`${tag}-${i}-`.padEnd(64, "x")));
}

/** Every PUB in one write: the server reads them as few chunks, so they make big batches. */
function publishAll(
  client: FramedClient,
  topic: string,
  payloads: readonly Buffer[],
  headers: Headers = [],
): void {
  client.socket.write(
    Buffer.concat(payloads.map((payload) => encodeFrame({ type: "PUB", topic, headers, payload }))),
  );
}

/** The payloads of a v2 replay of `pattern` from position `from`, until REPLAYED. */
async function replayed(client: FramedClient, sid: number, pattern: string, from: number): Promise<string[]> {
  client.send({ type: "RSUB", sid, pattern, start: SubStart.POSITION, value: from, epoch: "" });
  await client.next("REPLAYED", (frame) => frame.sid === sid);
  return client.frames.items
    .splice(0)
    .filter((frame): frame is FrameOf<"HMSG"> => frame.type === "HMSG" && frame.sid === sid)
    .map((frame) => text(frame.payload));
}

describe("the memory history keeps a batch's MSG frames", () => {
  let server: TestServer;
  const store = new CountingStore({ perTopic: 10_000 });
  const open: Array<FramedClient | TextClient> = [];
  before(async () => {
    server = await startTestServer({ history: store });
  });
  after(() => closeAll(open, server, store));

  async function framed(name: string, version = 1): Promise<FramedClient> {
    const client = await FramedClient.connect(server.port, name, true, version);
    open.push(client);
    return client;
  }

  test("a big batch to a version-1 subscriber is kept in its frames; replays from any position give every payload", async () => {
    const subscriber = await framed("sub");
    subscriber.subscribe(1, "big");
    await subscriber.flush();
    const publisher = await framed("pub");
    const payloads = payloadsOf(2000, "big");
    publishAll(publisher, "big", payloads);
    const last = text(payloads.at(-1)!);
    await subscriber.next("MSG", (frame) => text(frame.payload) === last);
    assert.ok(store.shared > 0, "at least one batch came with its frames");
    const reader = await framed("reader", 2);
    const first = store.read("big", { from: 1 }).messages[0]!.position;
    assert.deepEqual(await replayed(reader, 1, "big", first), payloads.map(String));
    assert.deepEqual(await replayed(reader, 2, "big", first + 1234), payloads.slice(1234).map(String));
    // The subscriber got the same bytes live.
    const live = subscriber.frames.items.filter((frame) => frame.type === "MSG").map((f) => text(f.payload));
    assert.deepEqual([...live, last], payloads.map(String));
  });

  test("a batch with headers, or one no subscriber takes as MSG frames, is copied and reads back the same", async () => {
    const before = store.shared;
    const publisher = await framed("pub2");
    const watcher = await framed("watcher", 2);
    watcher.subscribe(1, "plain.*");
    await watcher.flush();
    const noFrames = payloadsOf(1000, "v2only");
    publishAll(publisher, "plain.v2", noFrames);
    await watcher.next("PMSG", (frame) => text(frame.payload) === text(noFrames.at(-1)!));
    const v1 = await framed("v1");
    v1.subscribe(1, "plain.*");
    await v1.flush();
    const withHeaders = payloadsOf(1000, "headers");
    publishAll(publisher, "plain.h", withHeaders, [["k", "v"]]);
    await v1.next("MSG", (frame) => text(frame.payload) === text(withHeaders.at(-1)!));
    assert.equal(store.shared, before, "neither batch came with its frames");
    const reader = await framed("reader2", 2);
    const at = (topic: string) => store.read(topic, { from: 1 }).messages[0]!.position;
    assert.deepEqual(await replayed(reader, 1, "plain.v2", at("plain.v2")), noFrames.map(String));
    assert.deepEqual(await replayed(reader, 2, "plain.h", at("plain.h")), withHeaders.map(String));
  });

  test("a text user's /history reads a shared batch like any other", async () => {
    const subscriber = await framed("sub3");
    subscriber.subscribe(1, "general");
    await subscriber.flush();
    const before = store.shared;
    const publisher = await framed("pub3");
    const payloads = payloadsOf(1500, "room");
    publishAll(publisher, "general", payloads);
    await subscriber.next("MSG", (frame) => text(frame.payload) === text(payloads.at(-1)!));
    assert.ok(store.shared > before);
    const { client: ana } = await TextClient.connect(server.port);
    open.push(ana);
    ana.send("/history 3");
    for (const payload of payloads.slice(-3)) {
      // A kept line shows its time: `[general HH:MM] pub3: ...`.
      const line = await ana.next((candidate) => candidate.includes(text(payload)));
      assert.match(line, new RegExp(`^\\[general \\d\\d:\\d\\d\\] pub3: ${text(payload)}$`));
    }
  });

  test("a room's text lines, rendered plain, are kept in those lines; a batch with a line that is not plain keeps what was sent", async () => {
    const { client: listener } = await TextClient.connect(server.port);
    const { client: talker } = await TextClient.connect(server.port);
    const { client: other } = await TextClient.connect(server.port);
    open.push(listener, talker, other);
    // A room of text users only (no framed subscriber takes its MSG frames).
    for (const client of [listener, talker, other]) {
      client.send("/join sala");
      await client.next((line) => line.startsWith("* ") && line.includes("sala"));
    }
    const before = store.shared;
    const lines = payloadsOf(900, "line").map(String);
    talker.socket.write(lines.map((line) => `${line}\n`).join(""));
    await listener.next((line) => line.endsWith(lines.at(-1)!));
    assert.ok(store.shared > before, "at least one batch kept in its rendered lines");
    // One line with an escape: its batch is shown sanitized, and kept as it was sent.
    const mixed = payloadsOf(900, "mixed").map(String);
    mixed[450] = `red \u001b[31m${mixed[450]}`;
    other.socket.write(mixed.map((line) => `${line}\n`).join(""));
    await listener.next((line) => line.endsWith(mixed.at(-1)!));
    const reader = await framed("reader3", 2);
    const start = store.read("sala", { from: 1 }).messages[0]!.position;
    assert.deepEqual(await replayed(reader, 1, "sala", start), [...lines, ...mixed]);
  });
});
