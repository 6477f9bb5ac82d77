/**
 * The history log's record codec and segment scanner (pure): round trips, every prefix of a record is
 * "short", every flipped byte is "damaged", bytes after a record are left alone, and the scanner's
 * torn tails and damaged middles. Also the CRC-32 fallback against zlib's.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { crc32Range, tableCrc32 } from "../../src/store/crc32.js";
import { decodeRecord, encodeRecord, recordSize, type StoredMessage } from "../../src/store/record.js";
import { type ScanStep, SegmentScanner } from "../../src/store/scan.js";
import { docExample } from "./helpers.js";

function record(message: StoredMessage): Buffer {
  return encodeRecord(
    message,
    recordSize(message.topic, message.from, message.headers, message.payload.byteLength),
  );
}

function message(position: number, text = `m${position}`): StoredMessage {
  return {
    position,
    time: 1_700_000_000_000 + position,
    topic: "t.x",
    from: "ana",
    headers: [],
    payload: Buffer.from(text),
  };
}

function plain(found: StoredMessage): unknown {
  return { ...found, payload: Buffer.from(found.payload).toString("hex") };
}

const arbitraryMessage = fc.record({
  position: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  topic: fc.string({ maxLength: 30 }),
  from: fc.string({ maxLength: 10 }),
  headers: fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), { maxLength: 3 }),
  payload: fc.uint8Array({ maxLength: 200 }),
});

test("crc32Range - slicing by 8 gives zlib's values for every range, short and long", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const start = a % (bytes.length + 1);
      const end = start + (b % (bytes.length - start + 1));
      return crc32Range(bytes, start, end) === zlib.crc32(bytes.subarray(start, end));
    }),
    { numRuns: 2000 },
  );
});

test("crc32 - the table version gives zlib's values", () => {
  assert.equal(tableCrc32(Buffer.from("123456789")), 0xcbf43926);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => tableCrc32(bytes) === zlib.crc32(bytes)),
  );
});

test("record - round trip of random messages, and bytes after it are left intact", () => {
  fc.assert(
    fc.property(arbitraryMessage, fc.uint8Array({ maxLength: 20 }), (original, trailing) => {
      const bytes = Buffer.concat([record(original), trailing]);
      const found = decodeRecord(bytes, 0);
      assert.notEqual(typeof found, "string");
      if (typeof found === "string" || found.message === undefined) return assert.fail("not a message");
      assert.equal(found.end, bytes.length - trailing.length);
      assert.deepEqual(plain(found.message), plain({ ...original, payload: Buffer.from(original.payload) }));
    }),
  );
});

function assertShortAndDamaged(bytes: Buffer): void {
  for (let length = 0; length < bytes.length; length++) {
    assert.equal(decodeRecord(bytes.subarray(0, length), 0), "short", `prefix ${length}`);
  }
  for (let index = 4; index < bytes.length; index++) {
    const copy = Buffer.from(bytes);
    copy[index]! ^= 0x40;
    assert.equal(decodeRecord(copy, 0), "damaged", `byte ${index}`);
  }
}

test('record - every prefix is "short", every flipped byte is "damaged"', () => {
  const bytes = record({ ...message(7), headers: [["k", "v"]] });
  assertShortAndDamaged(bytes);
  const tooSmall = Buffer.from(bytes);
  tooSmall.writeUInt32BE(3, 0);
  assert.equal(decodeRecord(tooSmall, 0), "damaged");
  assert.equal(decodeRecord(Buffer.alloc(64), 0), "damaged", "zeros are no record");
});

function steps(buffer: Buffer): ScanStep[] {
  const scanner = new SegmentScanner(buffer);
  const found: ScanStep[] = [];
  for (;;) {
    const step = scanner.next();
    found.push(step);
    if (step.kind === "end") return found;
  }
}

function kinds(found: ScanStep[]): string[] {
  return found.map((step) =>
    step.kind === "record" ? `record ${step.message.position}` : `${step.kind} ${step.offset}-${step.end}`,
  );
}

test("scan - good records, then a torn tail cut mid-record", () => {
  const records = [1, 2, 3].map((position) => record(message(position)));
  const good = Buffer.concat(records);
  const torn = Buffer.concat([good, record(message(4)).subarray(0, 13)]);
  assert.deepEqual(kinds(steps(torn)), [
    "record 1",
    "record 2",
    "record 3",
    `torn ${good.length}-${torn.length}`,
    `end ${torn.length}-${torn.length}`,
  ]);
  const zeros = Buffer.concat([good, Buffer.alloc(100)]);
  assert.deepEqual(kinds(steps(zeros)).slice(3, 4), [`torn ${good.length}-${zeros.length}`]);
});

test("scan - a damaged record in the middle is skipped and the ones after it are read", () => {
  const records = [1, 2, 3, 4].map((position) => record(message(position, "x".repeat(position * 10))));
  const bytes = Buffer.concat(records);
  const start = records[0]!.length;
  bytes[start + 20]! ^= 0xff;
  const end = start + records[1]!.length;
  assert.deepEqual(kinds(steps(bytes)), [
    "record 1",
    `damaged ${start}-${end}`,
    "record 3",
    "record 4",
    `end ${bytes.length}-${bytes.length}`,
  ]);
  const badLength = Buffer.concat(records);
  badLength.writeUInt32BE(0xffffff, start);
  assert.deepEqual(kinds(steps(badLength)).slice(0, 3), ["record 1", `damaged ${start}-${end}`, "record 3"]);
});

test("docs/HISTORY.md - the record example decodes to its message and encodes to its bytes", () => {
  const { fields, bytes } = docExample<Omit<StoredMessage, "payload"> & { payload: string }>(
    "record-example",
  );
  const expected = { ...fields, payload: Buffer.from(fields.payload) };
  assert.deepEqual(record(expected), bytes);
  const found = decodeRecord(bytes, 0);
  assert.ok(typeof found !== "string" && found.message !== undefined);
  assert.deepEqual(plain(found.message), plain(expected));
});
