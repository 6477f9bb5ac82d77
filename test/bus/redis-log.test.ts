/**
 * The Redis bus's shared log (src/server/bus/redis-log.ts, docs/HISTORY.md §10) on a real redis-server:
 * every node reads every entry in one order with one gapless sequence, a node that starts reads what the
 * stream keeps, and a log that lost its data starts a new epoch above every position a node saw.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { LogEntry } from "../../src/server/bus/bus.js";
import {
  decodeKeys,
  decodeShares,
  encodeKeys,
  encodeLogMeta,
  encodeShares,
} from "../../src/server/bus/codec.js";
import { RedisBus } from "../../src/server/bus/redis.js";
import { decodeEntry } from "../../src/server/bus/redis-log.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";
import { Recorder } from "./helpers.js";

let redis: TestRedis;
let prefixCount = 0;
const open: RedisBus[] = [];

/** Records the log's entries besides everything the Recorder records. */
class LogRecorder extends Recorder {
  readonly entries: LogEntry[] = [];
  onLogEntry(entry: LogEntry): void {
    this.entries.push(entry);
    this.notify();
  }
}

async function node(prefix: string, id: string): Promise<{ bus: RedisBus; events: LogRecorder }> {
  const bus = new RedisBus({ url: redis.url, prefix, nodeId: id, logMaxEntries: 1000 });
  open.push(bus);
  const events = new LogRecorder();
  await bus.start(events);
  return { bus, events };
}

const summary = (entries: readonly LogEntry[]) =>
  entries.map((e) => [e.first, e.count, e.node, e.tag, e.frames.toString(), e.epoch]);

before(async () => {
  redis = await startRedis();
});

after(async () => {
  await Promise.all(open.map((bus) => bus.close()));
  await redis.stop();
});

describe("RedisBus shared log", () => {
  test("two nodes appending at once: both read every entry in one order, positions with no hole", async () => {
    const prefix = `log${++prefixCount}`;
    const a = await node(prefix, "a");
    const b = await node(prefix, "b");
    assert.equal(a.bus.log.epoch, b.bus.log.epoch);
    assert.match(a.bus.log.epoch, /^[0-9a-f]{16}$/);
    const appends: Promise<void>[] = [];
    for (let i = 1; i <= 100; i++) {
      const count = (i % 3) + 1;
      appends.push(a.bus.log.append({ tag: i, count, frames: Buffer.from(`a${i}`) }));
      appends.push(b.bus.log.append({ tag: i, count, frames: Buffer.from(`b${i}`) }));
    }
    await Promise.all(appends);
    await a.events.until(() => a.events.entries.length === 200, "a to read 200 entries");
    await b.events.until(() => b.events.entries.length === 200, "b to read 200 entries");
    assert.deepEqual(summary(b.events.entries), summary(a.events.entries));
    let next = 1;
    for (const entry of a.events.entries) {
      assert.equal(entry.first, next, "no hole, no overlap");
      next += entry.count;
    }
    // Each node's entries in the order it appended them.
    for (const id of ["a", "b"]) {
      const tags = a.events.entries.filter((e) => e.node === id).map((e) => e.tag);
      assert.deepEqual(
        tags,
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
    }
    const times = a.events.entries.map((e) => e.time);
    assert.ok(
      times.every((time, i) => i === 0 || time >= times[i - 1]!),
      "Redis's clock, growing",
    );
  });

  test("a node that starts later reads what the log keeps before start() resolves", async () => {
    const prefix = `log${++prefixCount}`;
    const a = await node(prefix, "a");
    for (let i = 1; i <= 1200; i++)
      await a.bus.log.append({ tag: i, count: 1, frames: Buffer.from(String(i)) });
    const late = await node(prefix, "late");
    // The stream keeps about logMaxEntries (MAXLEN ~): the oldest may be gone, the newest are all there.
    const entries = late.events.entries;
    assert.ok(entries.length >= 1000 && entries.length <= 1200, String(entries.length));
    assert.equal(entries[entries.length - 1]!.first, 1200);
    assert.equal(entries[0]!.first, 1200 - entries.length + 1);
  });

  test("a log that lost its data starts a new epoch, its positions above every one a node read", async () => {
    const prefix = `log${++prefixCount}`;
    const a = await node(prefix, "a");
    for (let i = 1; i <= 5; i++) await a.bus.log.append({ tag: i, count: 2, frames: Buffer.from(String(i)) });
    await a.events.until(() => a.events.entries.length === 5, "a to read 5 entries");
    const before = a.bus.log.epoch;
    const { Redis } = await import("ioredis");
    const admin = new Redis(redis.url);
    await admin.del(`${prefix}:log`, `${prefix}:log:seq`, `${prefix}:log:epoch`);
    await admin.quit();
    await a.bus.log.append({ tag: 6, count: 1, frames: Buffer.from("after") });
    await a.events.until(() => a.events.entries.length === 6, "a to read the entry after the loss");
    const entry = a.events.entries[5]!;
    assert.notEqual(entry.epoch, before, "a new epoch");
    assert.equal(entry.first, 11, "above the 10 positions a read");
    assert.equal(a.bus.log.epoch, entry.epoch);
  });

  test("append rejects with ECLUSTER while the bus is not started; a foreign stream entry is not an entry", async () => {
    const bus = new RedisBus({ url: redis.url, prefix: `log${++prefixCount}`, nodeId: "x" });
    await assert.rejects(bus.log.append({ tag: 1, count: 1, frames: Buffer.from("x") }), {
      code: "ECLUSTER",
    });
    assert.equal(decodeEntry("1-0", [Buffer.from("p"), Buffer.from("1")]), undefined);
    assert.equal(
      decodeEntry("1-0", [Buffer.from("p"), Buffer.from("1"), Buffer.from("m"), Buffer.from([0, 0])]),
      undefined,
      "a cut meta field",
    );
    const fields = [
      ...["p", "3", "e", "abc", "m"].map((f) => Buffer.from(f)),
      encodeLogMeta(2, 7, "node"),
      ...["b", "frames"].map((f) => Buffer.from(f)),
    ];
    assert.deepEqual(decodeEntry("1700000000000-4", fields), {
      epoch: "abc",
      first: 3,
      count: 2,
      time: 1_700_000_000_000,
      node: "node",
      tag: 7,
      frames: Buffer.from("frames"),
      shares: [],
      keys: [],
    });
    // Queue-group shares ride in field g: each for one node, all messages or some.
    const shares = [
      { node: "n1", name: "workers", pattern: "jobs.*", picked: undefined },
      { node: "n2", name: "ñandú", pattern: ">", picked: [0, 2, 70_000] },
    ];
    const withShares = decodeEntry("1-0", [...fields, Buffer.from("g"), encodeShares(shares)]);
    assert.deepEqual(withShares?.shares, shares);
    assert.deepEqual(decodeShares(Buffer.from([0, 1, 0])), [], "a cut list is dropped");
    const keys = [
      { index: 0, key: "\u0000abc-1" },
      { index: 4, key: "ana\u0000ñ-2" },
    ];
    assert.deepEqual(decodeEntry("1-0", [...fields, Buffer.from("k"), encodeKeys(keys)])?.keys, keys);
    assert.deepEqual(decodeKeys(Buffer.from([0, 2, 0, 0])), [], "a cut list is dropped");
  });
});
