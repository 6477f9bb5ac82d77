/**
 * The index over runs (src/store/history-index.ts, history-run.ts) where the stores' contract does not
 * reach easily: a failed write cutting a run in the middle, dead runs piling up behind an old message
 * (compaction), and what the drop listener is told.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { HistoryRun, RunBuilder } from "../../src/store/history-run.js";
import { HistoryIndex, historyLimits } from "../../src/store/index.js";
import { decodeRecord, encodeRecord, recordSize } from "../../src/store/record.js";
import { text } from "./helpers.js";

/** A run of `payloads` on `topic` from position `first` (records of 10 bytes each, for the counts). */
function run(first: number, topic: string, payloads: readonly string[], segment = 0): HistoryRun {
  const bytes = Buffer.from(payloads.join(""));
  const bounds: number[] = [];
  let offset = 0;
  for (const payload of payloads) {
    bounds.push(offset, offset + payload.length);
    offset += payload.length;
  }
  const sizeEnds = payloads.map((_, i) => 10 * (i + 1));
  return new HistoryRun(first, 1000, topic, "", segment, bytes, bounds, sizeEnds, undefined);
}

const positions = (index: HistoryIndex, pattern: string, from = 1) =>
  index.read(pattern, { from }).messages.map((m) => m.position);

test("removeFrom - cuts a run in the middle: the rest is kept, the cut positions are lost and never reused", () => {
  const index = new HistoryIndex(historyLimits());
  index.add(run(1, "a", ["1", "2", "3"]));
  index.add(run(4, "b", ["4", "5", "6", "7"]));
  index.removeFrom(6);
  assert.deepEqual(positions(index, ">"), [1, 2, 3, 4, 5]);
  assert.deepEqual([index.size, index.bytes, index.lastPosition], [5, 50, 7]);
  assert.equal(index.read("b", { from: 4 }).complete, false, "6 and 7 were lost");
  assert.equal(index.read("b", { from: 8 }).complete, true);
  index.removeFrom(2);
  assert.deepEqual(positions(index, ">"), [1]);
  assert.deepEqual([index.size, index.topics], [1, 1]);
  index.add(run(8, "b", ["8"]));
  assert.deepEqual(
    index.read("b", { last: 5 }).messages.map((m) => text(m.payload)),
    ["8"],
  );
});

test("per-topic limit - dead runs behind an old message are compacted; reads skip them", () => {
  const dropped = new Map<number, number>();
  const listener = {
    dropped: (segment: number, count: number) => dropped.set(segment, (dropped.get(segment) ?? 0) + count),
  };
  const index = new HistoryIndex(historyLimits({ perTopic: 10 }), listener);
  index.add(run(1, "keep", ["old"], 1));
  for (let position = 2; position <= 5001; position += 2) {
    index.add(run(position, "busy", [`${position}`, `${position + 1}`], position < 2500 ? 2 : 3));
  }
  assert.deepEqual(positions(index, ">"), [1, ...Array.from({ length: 10 }, (_, i) => 4992 + i)]);
  assert.deepEqual(positions(index, "busy", 4995), [4995, 4996, 4997, 4998, 4999, 5000, 5001]);
  assert.deepEqual(
    index.read(">", { last: 3 }).messages.map((m) => m.position),
    [4999, 5000, 5001],
  );
  assert.deepEqual([index.size, index.bytes, index.topics], [11, 110, 2]);
  assert.equal(dropped.get(2), 2498, "every message of segment 2 dropped");
  assert.equal((dropped.get(2) ?? 0) + (dropped.get(3) ?? 0), 5000 - 10);
  assert.equal(index.read("busy", { from: 4992 }).complete, true);
  assert.equal(index.read(">", { from: 2 }).complete, false);
});

test("RunBuilder - records read back become one run while topic, sender, time and position follow on", () => {
  const messages = [
    { position: 1, time: 5, topic: "t", from: "ana", headers: [], payload: Buffer.from("a") },
    {
      position: 2,
      time: 5,
      topic: "t",
      from: "ana",
      headers: [["k", "v"]] as const,
      payload: Buffer.from("bb"),
    },
    { position: 3, time: 6, topic: "t", from: "ana", headers: [], payload: Buffer.from("c") },
  ];
  const sizes = messages.map((m) => recordSize(m.topic, m.from, m.headers, m.payload.byteLength));
  const segment = Buffer.concat(messages.map((m, i) => encodeRecord(m, sizes[i]!)));
  const builder = new RunBuilder(1, segment);
  const runs: HistoryRun[] = [];
  let offset = 0;
  for (const size of sizes) {
    const decoded = decodeRecord(segment, offset);
    assert.ok(typeof decoded !== "string" && decoded.message !== undefined);
    if (!builder.fits(decoded.message)) {
      const built = builder.build();
      if (built !== undefined) runs.push(built);
    }
    builder.add(decoded.message, size);
    offset += size;
  }
  runs.push(builder.build()!);
  assert.deepEqual(
    runs.map((r) => [r.first, r.count, r.time, r.bytes(0, r.count)]),
    [
      [1, 2, 5, sizes[0]! + sizes[1]!],
      [3, 1, 6, sizes[2]!],
    ],
  );
  assert.deepEqual(
    [runs[0]!.message(1).headers, text(runs[0]!.message(1).payload), runs[0]!.message(0).headers],
    [[["k", "v"]], "bb", []],
  );
});
