/**
 * The dedupe keys in the history log on real files (docs/HISTORY.md §4, §5): keys written with their
 * messages come back on open within the window (at most maxIds, the newest); a key is in its message's
 * record, so a torn or damaged record loses both and never one without the other.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { SegmentScanner } from "../../src/store/scan.js";
import { fileStoreFixture, text } from "./helpers.js";

const { directory, open } = fileStoreFixture();

test("file store - the keys written with their messages come back on open, oldest first, once; the messages read as before", async () => {
  const path = directory();
  const first = await open(path, { segmentBytes: 4096 });
  const payloads = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => Buffer.from(`m${from + i}-${"x".repeat(40)}`));
  // Batches with a key on some messages (a turn may mix PUB and APUB), one without, and one over segments.
  first.store.appendBatch("t.a", "ana", payloads(0, 3), undefined, undefined, [
    { index: 0, key: "\u0000a0" },
    { index: 2, key: "\u0000a2" },
  ]);
  first.store.appendBatch("t.b", "beto", payloads(3, 2));
  const many = Array.from({ length: 100 }, (_, index) => ({ index, key: `u\u0000b${index}` }));
  first.store.appendBatch("t.c", "cleo", payloads(5, 100), undefined, undefined, many);
  await first.store.committed();
  assert.deepEqual(first.store.takeRecoveredKeys(), [], "a new directory has none");
  const before = first.store.read(">", { from: 1 }).messages.map((m) => [m.position, text(m.payload)]);
  await first.store.close();
  assert.ok(readdirSync(path).filter((name) => name.endsWith(".log")).length > 1, "more than one segment");

  const { store, report } = await open(path, { segmentBytes: 4096 });
  assert.equal(report.records, 105);
  assert.equal(report.dedupeKeys, 102);
  assert.deepEqual(
    store.read(">", { from: 1 }).messages.map((m) => [m.position, text(m.payload)]),
    before,
  );
  const keys = store.takeRecoveredKeys();
  assert.deepEqual(
    keys.map(({ key, position }) => [key, position]),
    [["\u0000a0", 1], ["\u0000a2", 3], ...many.map(({ index, key }) => [key, 6 + index])],
  );
  const times = store.read(">", { from: 1 }).messages.map((m) => m.time);
  assert.ok(
    keys.every((key) => key.time === times[key.position - 1]),
    "each key has its message's time",
  );
  assert.deepEqual(store.takeRecoveredKeys(), [], "taken once");
  // The sequence goes on after them.
  assert.equal(store.append("t.a", Buffer.from("next")), 106);
});

test("file store - only keys younger than the window come back, at most maxIds of them (the newest)", async () => {
  const path = directory();
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  const first = await open(path, clock);
  for (let i = 0; i < 6; i++) {
    first.store.appendBatch("t", "", [Buffer.from(`m${i}`)], undefined, undefined, [
      { index: 0, key: `k${i}` },
    ]);
    now += 30_000;
  }
  await first.store.close();
  // Now is 180 s after the first key: with a window of 120 s, k0..k2 (180, 150 and 120 s old) are out
  // (a key exactly as old as the window is forgotten, as in the server's window).
  const windowed = await open(path, { ...clock, dedupeWindowMs: 120_000 });
  assert.deepEqual(
    windowed.store.takeRecoveredKeys().map((key) => key.key),
    ["k3", "k4", "k5"],
  );
  assert.equal(windowed.report.kept, 6, "the messages are kept whatever the keys' age");
  await windowed.store.close();
  const bounded = await open(path, { ...clock, dedupeWindowMs: 1_000_000, dedupeMaxIds: 2 });
  assert.deepEqual(
    bounded.store.takeRecoveredKeys().map((key) => key.key),
    ["k4", "k5"],
  );
  await bounded.store.close();
  const none = await open(path, { ...clock, dedupeMaxIds: 0 });
  assert.deepEqual(none.store.takeRecoveredKeys(), []);
});

/** The segment's records as [first position, offset, end], in order (a batch record once). */
function records(bytes: Buffer): Array<[number, number, number]> {
  const scanner = new SegmentScanner(bytes);
  const found: Array<[number, number, number]> = [];
  for (let step = scanner.next(); step.kind !== "end"; step = scanner.next()) {
    assert.equal(step.kind, "record");
    if (step.kind !== "record") continue;
    if (found.at(-1)?.[1] !== step.offset) found.push([step.message.position, step.offset, step.end]);
  }
  return found;
}

test("recovery - a torn keyed batch loses its messages and their keys together: a key never names a message that is not there", async () => {
  for (const cut of ["in a key", "in a payload", "one byte short"] as const) {
    const path = directory();
    const first = await open(path);
    first.store.appendBatch("t", "", [Buffer.from("one")], undefined, undefined, [{ index: 0, key: "k1" }]);
    first.store.appendBatch("t", "", [Buffer.from("two"), Buffer.from("three")], undefined, undefined, [
      { index: 0, key: "k2" },
      { index: 1, key: "k3" },
    ]);
    await first.store.close();
    const file = join(path, "00000000000000000001.log");
    const bytes = readFileSync(file);
    const found = records(bytes);
    assert.deepEqual(
      found.map(([position]) => position),
      [1, 2],
      "one record per batch",
    );
    const [, start, end] = found[1]!;
    const keyAt = bytes.indexOf("k3", start);
    const at =
      cut === "in a key" ? keyAt + 1 : cut === "in a payload" ? bytes.indexOf("three", start) + 2 : end - 1;
    truncateSync(file, at);
    const { store, report } = await open(path);
    assert.deepEqual(
      report.truncated.map((range) => range.offset),
      [start],
      cut,
    );
    assert.deepEqual(
      store.takeRecoveredKeys().map(({ key, position }) => [key, position]),
      [["k1", 1]],
      cut,
    );
    assert.deepEqual(
      store.read("t", { from: 1 }).messages.map((m) => text(m.payload)),
      ["one"],
    );
    await store.close();
  }
});

test("recovery - a damaged keyed batch in the middle is reported and skipped with its keys; the records around it are kept", async () => {
  const path = directory();
  const first = await open(path);
  for (let i = 1; i <= 3; i++) {
    first.store.appendBatch("t", "", [Buffer.from(`m${i}`)], undefined, undefined, [
      { index: 0, key: `k${i}` },
    ]);
  }
  await first.store.close();
  const file = join(path, "00000000000000000001.log");
  const bytes = readFileSync(file);
  const [, start, end] = records(bytes)[1]!;
  bytes[bytes.indexOf("k2", start)]! ^= 0xff;
  writeFileSync(file, bytes);
  const { store, report } = await open(path);
  assert.deepEqual(report.skipped, [{ file: "00000000000000000001.log", offset: start, bytes: end - start }]);
  assert.deepEqual(
    store.read("t", { from: 1 }).messages.map((m) => text(m.payload)),
    ["m1", "m3"],
  );
  assert.deepEqual(
    store.takeRecoveredKeys().map(({ key, position }) => [key, position]),
    [
      ["k1", 1],
      ["k3", 3],
    ],
  );
});
