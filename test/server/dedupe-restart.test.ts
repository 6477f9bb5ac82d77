/**
 * The router's dedupe window seeded from a data directory (docs/HISTORY.md §5), on real files and real
 * sockets: after a restart a key younger than the window is still a duplicate, one older than it is new
 * again (the window's age limit holds across the restart), and a memory store starts with an empty window.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { type Frame, PubAckStatus } from "../../src/protocol/frames.js";
import { type HistoryStore, MemoryHistoryStore, openFileHistoryStore } from "../../src/store/index.js";
import type { FileStoreOptions } from "../../src/store/options.js";
import { FramedClient, startTestServer } from "../helpers/framed.js";
import { temporaryDirectory } from "../store/helpers.js";

type PubAck = Extract<Frame, { type: "PUBACK" }>;

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server on `history` (closed after its APUBs): the PUBACK of each APUB sent, in order. */
async function publishAcked(history: HistoryStore, ids: readonly string[]): Promise<PubAck[]> {
  const server = await startTestServer({ history });
  const client = await FramedClient.connect(server.port, "publisher", true, 2);
  try {
    for (const id of ids) {
      client.send({ type: "APUB", id, topic: "orders", headers: [], payload: Buffer.from(id) });
    }
    const acks: PubAck[] = [];
    for (const _ of ids) acks.push(await client.next("PUBACK"));
    return acks;
  } finally {
    client.close();
    await server.close();
  }
}

async function openStore(directory: string, options: Partial<FileStoreOptions> = {}) {
  const { store } = await openFileHistoryStore({ fsync: "never", ...options, directory });
  cleanups.push(() => store.close());
  return store;
}

describe("dedupe window across a restart", () => {
  test("dedupe - after a restart on the same data directory a key younger than the window is a duplicate, an older one is new again", async () => {
    const made = temporaryDirectory();
    cleanups.push(made.remove);
    // The first server's clock is 200 s behind: its key is older than the 2-minute window by now.
    const past = await openStore(made.path, { now: () => Date.now() - 200_000 });
    const [old] = await publishAcked(past, ["old"]);
    await past.close();
    const present = await openStore(made.path);
    const [fresh] = await publishAcked(present, ["fresh"]);
    await present.close();
    assert.deepEqual([old!.status, fresh!.status], [PubAckStatus.OK, PubAckStatus.OK]);

    const restarted = await openStore(made.path);
    const [oldAgain, freshAgain] = await publishAcked(restarted, ["old", "fresh"]);
    assert.equal(oldAgain!.status, PubAckStatus.OK, "out of the window: published again");
    assert.ok(oldAgain!.position > fresh!.position);
    assert.deepEqual([freshAgain!.status, freshAgain!.position], [PubAckStatus.DUPLICATE, fresh!.position]);
    const kept = restarted.read("orders", { from: 1 }).messages.map((m) => Buffer.from(m.payload).toString());
    assert.deepEqual(kept, ["old", "fresh", "old"]);
  });

  test("dedupe - a memory store keeps no key across a restart: the same id is new to the next one", async () => {
    const [first] = await publishAcked(new MemoryHistoryStore(), ["same"]);
    const [second] = await publishAcked(new MemoryHistoryStore(), ["same"]);
    assert.deepEqual([first!.status, second!.status], [PubAckStatus.OK, PubAckStatus.OK]);
  });
});
