/**
 * The batch record (one record, one CRC for a batch's messages): its codec (round trips, every prefix
 * "short", flipped bytes "damaged"), and the file store on real files: a batch is one record, a torn or
 * damaged batch is reported and skipped whole, and a log written before batch records is still read.
 */
import assert from "node:assert/strict";
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import fc from "fast-check";
import type { Headers } from "../../src/protocol/wire.js";
import {
  batchBase,
  batchShare,
  keyShare,
  RECORD_KIND_BATCH,
  RECORD_KIND_KEYED_BATCH,
  writeBatch,
} from "../../src/store/batch-record.js";
import { crc32Range } from "../../src/store/crc32.js";
import { openFileHistoryStore } from "../../src/store/index.js";
import type { FileStoreOptions } from "../../src/store/options.js";
import { decodeRecord, encodeRecord, recordNames, recordSize } from "../../src/store/record.js";
import { type ScanStep, SegmentScanner } from "../../src/store/scan.js";
import { docExample, temporaryDirectory, text } from "./helpers.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Batch {
  readonly first: number;
  readonly time: number;
  readonly topic: string;
  readonly from: string;
  readonly headers: readonly Headers[];
  readonly payloads: readonly Uint8Array[];
}

function encode(batch: Batch, keys?: readonly (string | undefined)[]): Buffer {
  const names = recordNames(batch.topic, batch.from);
  let size = batchBase(batch.topic, batch.from);
  batch.payloads.forEach((payload, i) => {
    size += batchShare(batch.headers[i] ?? [], payload.length) + (keys === undefined ? 0 : keyShare(keys[i]));
  });
  const out = Buffer.alloc(size);
  const bounds: number[] = [];
  writeBatch(
    out,
    0,
    size,
    batch.first,
    batch.time,
    names,
    batch.payloads,
    batch.headers,
    0,
    batch.payloads.length,
    bounds,
    keys,
  );
  batch.payloads.forEach((payload, i) => {
    assert.deepEqual(
      out.subarray(bounds[2 * i], bounds[2 * i + 1]),
      Buffer.from(payload),
      "bounds point at payloads",
    );
  });
  return out;
}

const arbitraryBatch = fc
  .record({
    first: fc.integer({ min: 1, max: 2 ** 40 }),
    time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    topic: fc.string({ maxLength: 30 }),
    from: fc.string({ maxLength: 10 }),
    count: fc.integer({ min: 1, max: 12 }),
  })
  .chain((base) =>
    fc.record({
      first: fc.constant(base.first),
      time: fc.constant(base.time),
      topic: fc.constant(base.topic),
      from: fc.constant(base.from),
      headers: fc.array(
        fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 2 }),
        {
          minLength: base.count,
          maxLength: base.count,
        },
      ),
      payloads: fc.array(fc.uint8Array({ maxLength: 120 }), { minLength: base.count, maxLength: base.count }),
    }),
  );

test("batch record - round trip of random batches: every message, its position, and shares that sum to the record", () => {
  fc.assert(
    fc.property(arbitraryBatch, fc.uint8Array({ maxLength: 20 }), (batch, trailing) => {
      const bytes = Buffer.concat([encode(batch), trailing]);
      const found = decodeRecord(bytes, 0);
      if (typeof found === "string" || found.batch === undefined) return assert.fail(`not a batch: ${found}`);
      assert.equal(found.end, bytes.length - trailing.length);
      assert.equal(
        found.batch.sizes.reduce((a, b) => a + b, 0),
        found.end,
      );
      assert.deepEqual(
        found.batch.messages.map((m) => ({ ...m, payload: Buffer.from(m.payload).toString("hex") })),
        batch.payloads.map((payload, i) => ({
          position: batch.first + i,
          time: batch.time,
          topic: batch.topic,
          from: batch.from,
          headers: batch.headers[i],
          payload: Buffer.from(payload).toString("hex"),
        })),
      );
    }),
    { numRuns: 300 },
  );
});

test("keyed batch record - round trip: each message's key (or none) at its position, in the same record", () => {
  fc.assert(
    fc.property(arbitraryBatch, (batch) => {
      const keys = batch.payloads.map((_, i) => (i % 3 === 1 ? undefined : `ana\u0000id-${i}-ñ`));
      const bytes = encode(batch, keys);
      assert.equal(bytes[8], RECORD_KIND_KEYED_BATCH);
      const found = decodeRecord(bytes, 0);
      if (typeof found === "string" || found.batch === undefined) return assert.fail(`not a batch: ${found}`);
      assert.equal(found.batch.messages.length, batch.payloads.length);
      assert.equal(
        found.batch.sizes.reduce((a, b) => a + b, 0),
        bytes.length,
      );
      const read = (found.batch.keys ?? []).map((key) =>
        key === undefined ? undefined : `${key.position}:${bytes.toString("utf8", key.keyStart, key.keyEnd)}`,
      );
      assert.deepEqual(
        read,
        keys.map((key, i) => (key === undefined ? undefined : `${batch.first + i}:${key}`)),
      );
      assert.deepEqual(
        found.batch.messages.map((m) => Buffer.from(m.payload).toString("hex")),
        batch.payloads.map((p) => Buffer.from(p).toString("hex")),
      );
    }),
    { numRuns: 200 },
  );
});

test('batch record - every prefix is "short", every flipped byte is "damaged"', () => {
  const bytes = encode({
    first: 7,
    time: 1_700_000_000_000,
    topic: "sala",
    from: "ana",
    headers: [[], [["k", "v"]], []],
    payloads: [Buffer.from("hola"), Buffer.from("qué tal"), Buffer.alloc(0)],
  });
  for (let end = 0; end < bytes.length; end++)
    assert.equal(decodeRecord(bytes, 0, end), "short", `prefix ${end}`);
  for (let i = 0; i < bytes.length; i++) {
    const bad = Buffer.from(bytes);
    bad[i]! ^= 0x40;
    const found = decodeRecord(bad, 0);
    // A flipped length byte may make it "short" instead: either way, no message comes out.
    assert.ok(found === "damaged" || found === "short", `byte ${i}: ${typeof found}`);
  }
});

test("batch record - a CRC that matches over fields that do not parse is damage (a count the body cannot hold)", () => {
  const bytes = encode({
    first: 1,
    time: 1,
    topic: "t",
    from: "",
    headers: [[]],
    payloads: [Buffer.from("x")],
  });
  const countAt = 8 + 1 + 8 + 8 + 2 + 1 + 2;
  bytes.writeUInt32BE(1000, countAt);
  bytes.writeUInt32BE(crc32Range(bytes, 8, bytes.length), 4);
  assert.equal(decodeRecord(bytes, 0), "damaged");
  assert.equal(bytes[8], RECORD_KIND_BATCH);
});

function steps(bytes: Buffer): string[] {
  const scanner = new SegmentScanner(bytes);
  const found: string[] = [];
  for (;;) {
    const step: ScanStep = scanner.next();
    found.push(
      step.kind === "record" ? `record ${step.message.position}` : `${step.kind} ${step.offset}-${step.end}`,
    );
    if (step.kind === "end") return found;
  }
}

test("scan - a batch gives its messages one step each; a damaged batch between good ones is skipped whole", () => {
  const batch = (first: number, count: number): Buffer =>
    encode({
      first,
      time: 5,
      topic: "t",
      from: "ana",
      headers: [],
      payloads: Array.from({ length: count }, (_, i) => Buffer.from(`m${first + i}`)),
    });
  const records = [batch(1, 3), batch(4, 2), batch(6, 3)];
  const bytes = Buffer.concat(records);
  const start = records[0]!.length;
  const end = start + records[1]!.length;
  assert.deepEqual(steps(bytes), [
    "record 1",
    "record 2",
    "record 3",
    "record 4",
    "record 5",
    "record 6",
    "record 7",
    "record 8",
    `end ${bytes.length}-${bytes.length}`,
  ]);
  bytes[start + 30]! ^= 0xff;
  assert.deepEqual(steps(bytes), [
    "record 1",
    "record 2",
    "record 3",
    `damaged ${start}-${end}`,
    "record 6",
    "record 7",
    "record 8",
    `end ${bytes.length}-${bytes.length}`,
  ]);
});

function directory(): string {
  const made = temporaryDirectory();
  cleanups.push(made.remove);
  return made.path;
}

async function open(path: string, options: Partial<FileStoreOptions> = {}) {
  const opened = await openFileHistoryStore({ fsync: "never", ...options, directory: path });
  cleanups.push(() => opened.store.close());
  return opened;
}

function segmentFile(path: string): string {
  const names = readdirSync(path).filter((name) => name.endsWith(".log"));
  assert.equal(names.length, 1);
  return join(path, names[0]!);
}

const messages = (count: number, from = 1): Buffer[] =>
  Array.from({ length: count }, (_, i) => Buffer.from(`m${from + i}`.padEnd(64, ".")));

test("file store - a batch of 50 is one record on disk, its size the batch record's", async () => {
  const path = directory();
  const { store } = await open(path);
  store.appendBatch("sala", "ana", messages(50));
  await store.committed();
  const bytes = readFileSync(segmentFile(path));
  assert.equal(bytes.length, batchBase("sala", "ana") + 50 * batchShare([], 64));
  const found = decodeRecord(bytes, 0);
  assert.ok(typeof found !== "string" && found.batch !== undefined);
  assert.equal(found.end, bytes.length, "one record");
  assert.equal(store.stats.bytes, bytes.length, "the limits count the bytes the log takes");
});

test("file store - a torn batch at the end drops all of it, is reported, and its positions are never given again", async () => {
  const path = directory();
  const first = await open(path);
  first.store.appendBatch("sala", "ana", messages(10));
  await first.store.committed();
  const file = segmentFile(path);
  const good = statSync(file).size;
  first.store.appendBatch("sala", "ana", messages(20, 11));
  await first.store.committed();
  await first.store.close();
  // A crash in the middle of the second batch's write: only part of its record reached the disk.
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, good + Math.floor((bytes.length - good) / 2)));
  const { store, report } = await open(path);
  assert.equal(report.truncated.length, 1);
  assert.equal(report.truncated[0]!.offset, good);
  assert.equal(statSync(file).size, good);
  assert.deepEqual(
    store.read(">", { from: 1 }).messages.map((m) => text(m.payload).replace(/\.+$/, "")),
    Array.from({ length: 10 }, (_, i) => `m${i + 1}`),
  );
  const next = store.append("sala", Buffer.from("after"));
  assert.ok(next > 30, `the torn batch's positions are skipped (${next})`);
  assert.equal(store.read(">", { from: 11 }).complete, false);
});

test("file store - a log of one-message records (written before batch records) is read, and new batches follow it", async () => {
  const path = directory();
  const made = await open(path);
  await made.store.close();
  // Records as enchufe wrote them before batch records: kind 1, one message each.
  const old = [1, 2, 3].map((position) => {
    const message = {
      position,
      time: 1000 + position,
      topic: "sala",
      from: "ana",
      headers: [],
      payload: Buffer.from(`m${position}`),
    };
    return encodeRecord(message, recordSize("sala", "ana", [], message.payload.length));
  });
  appendFileSync(segmentFile(path), Buffer.concat(old));
  const second = await open(path);
  assert.deepEqual([second.report.records, second.report.skipped, second.report.truncated], [3, [], []]);
  assert.equal(second.store.appendBatch("sala", "bea", [Buffer.from("m4"), Buffer.from("m5")]), 4);
  await second.store.committed();
  await second.store.close();
  const { store, report } = await open(path);
  assert.equal(report.records, 5);
  assert.deepEqual(
    store.read("sala", { from: 1 }).messages.map((m) => `${m.from}:${text(m.payload)}`),
    ["ana:m1", "ana:m2", "ana:m3", "bea:m4", "bea:m5"],
  );
});

interface DocBatch {
  readonly first: number;
  readonly time: number;
  readonly topic: string;
  readonly from: string;
  readonly payloads: readonly string[];
  readonly keys?: readonly string[];
}

for (const name of ["batch-example", "keyed-batch-example"]) {
  test(`docs/HISTORY.md - the ${name} decodes to its messages and encodes to its bytes`, () => {
    const { fields, bytes } = docExample<DocBatch>(name);
    const payloads = fields.payloads.map((payload) => Buffer.from(payload));
    const batch = { ...fields, headers: payloads.map(() => []), payloads };
    assert.deepEqual(encode(batch, fields.keys), bytes);
    const found = decodeRecord(bytes, 0);
    if (typeof found === "string" || found.batch === undefined) return assert.fail("not a batch");
    assert.deepEqual(
      found.batch.messages.map((m) => [m.position, m.time, m.topic, m.from, text(m.payload)]),
      fields.payloads.map((payload, i) => [
        fields.first + i,
        fields.time,
        fields.topic,
        fields.from,
        payload,
      ]),
    );
    assert.deepEqual(
      found.batch.keys?.map((key) => key && bytes.toString("utf8", key.keyStart, key.keyEnd)),
      fields.keys,
    );
  });
}
