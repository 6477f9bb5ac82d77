/**
 * The file store on real files: what a restart keeps, a torn tail and a damaged middle record found on
 * open (reported, never a crash), retention removing whole segments, the epoch rule, every fsync policy,
 * and a directory that cannot be used.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import fs, {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { open as fsOpen } from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { isEnchufeError } from "../../src/errors.js";
import { type FileHistoryStore, openFileHistoryStore, type StoreWarning } from "../../src/store/index.js";
import { expectedRead, fileStoreFixture, type ModelMessage, text } from "./helpers.js";

const fixture = fileStoreFixture();
const { directory, open } = fixture;

async function fill(
  store: FileHistoryStore,
  count: number,
  topic = (i: number) => `t.${i % 3}`,
): Promise<void> {
  for (let i = 0; i < count; i++) store.append(topic(i), Buffer.from(`m${store.stats.nextPosition}`), "ana");
  await store.committed();
}

function segments(path: string): string[] {
  return readdirSync(path)
    .filter((name) => name.endsWith(".log"))
    .sort();
}

function payloads(store: FileHistoryStore, from = 1): string[] {
  return store.read(">", { from }).messages.map((m) => text(m.payload));
}

test("open - a new directory gets an epoch file and a first segment", async () => {
  const path = join(directory(), "data");
  const { store, report } = await open(path);
  assert.equal(report.newEpoch, "created");
  assert.equal(readFileSync(join(path, "epoch"), "utf8").trim(), store.epoch);
  assert.deepEqual(segments(path), ["00000000000000000001.log"]);
  assert.deepEqual([report.segments, report.records, report.skipped, report.truncated], [0, 0, [], []]);
});

test("restart - every message comes back over many segments, in order, and the sequence goes on", async () => {
  const path = directory();
  const first = await open(path, { segmentBytes: 4096 });
  await fill(first.store, 500);
  await first.store.close();
  assert.ok(segments(path).length > 3, `segments: ${segments(path).length}`);
  const { store, report } = await open(path, { segmentBytes: 4096 });
  assert.equal(report.newEpoch, undefined);
  assert.equal(store.epoch, first.store.epoch);
  assert.deepEqual([report.records, report.kept, report.skipped, report.truncated], [500, 500, [], []]);
  assert.deepEqual(
    payloads(store),
    Array.from({ length: 500 }, (_, i) => `m${i + 1}`),
  );
  assert.equal(store.read(">", { from: 1 }).complete, true);
  assert.equal(store.append("t.0", Buffer.from("next")), 501);
});

test("appendBatch - a batch that passes segmentBytes is split across segment files; one writev; all back after a restart", async () => {
  const path = directory();
  const first = await open(path, { segmentBytes: 4096 });
  const batch = Array.from({ length: 30 }, (_, i) => Buffer.from(`m${i + 1}`.padEnd(400, ".")));
  assert.equal(first.store.appendBatch("t", "ana", batch, [[["k", "v"]]]), 1);
  assert.equal(await first.store.committed(), 30);
  assert.ok(segments(path).length >= 3, `segments: ${segments(path).length}`);
  for (const file of segments(path)) {
    assert.ok(statSync(join(path, file)).size <= 4096, `${file}: ${statSync(join(path, file)).size} bytes`);
  }
  await first.store.close();
  const { store, report } = await open(path, { segmentBytes: 4096 });
  assert.deepEqual([report.records, report.kept, report.skipped, report.truncated], [30, 30, [], []]);
  const read = store.read("t", { from: 1 });
  assert.deepEqual(
    read.messages.map((m) => text(m.payload).replace(/\.+$/, "")),
    batch.map((_, i) => `m${i + 1}`),
  );
  assert.deepEqual(read.messages[0]!.headers, [["k", "v"]]);
  assert.deepEqual(read.messages[1]!.headers, []);
  assert.ok(read.messages.every((m) => m.from === "ana" && m.time === read.messages[0]!.time));
});

test("recovery - a torn tail is truncated at the last good record, reported, and its positions are never reused", async () => {
  const path = directory();
  const first = await open(path);
  await fill(first.store, 10);
  await first.store.close();
  const file = join(path, segments(path)[0]!);
  const goodSize = statSync(file).size;
  // The first 20 bytes of a record: a write cut short by a crash.
  appendFileSync(file, readFileSync(file).subarray(0, 20));
  const { store, report } = await open(path);
  assert.deepEqual(report.truncated, [{ file: segments(path)[0], offset: goodSize, bytes: 20 }]);
  assert.equal(statSync(file).size, goodSize);
  assert.equal(payloads(store).length, 10);
  const next = store.append("t.0", Buffer.from("after"));
  assert.ok(next > 11, `a position that torn record may have had is not given again (${next})`);
  assert.equal(store.read(">", { from: 11 }).complete, false, "what the torn bytes held is reported lost");
  assert.equal(store.read(">", { from: next }).complete, true);
});

test("recovery - a torn tail in an older segment is truncated; the newer segments are all served", async () => {
  const path = directory();
  const first = await open(path, { segmentBytes: 4096 });
  await fill(first.store, 300);
  await first.store.close();
  const names = segments(path);
  assert.ok(names.length >= 2);
  const older = join(path, names[0]!);
  const size = statSync(older).size;
  appendFileSync(older, Buffer.from([0, 0, 0, 40, 1, 2, 3]));
  const { store, report } = await open(path, { segmentBytes: 4096 });
  assert.deepEqual(report.truncated, [{ file: names[0], offset: size, bytes: 7 }]);
  assert.equal(report.outOfOrder, 0);
  assert.deepEqual(
    payloads(store),
    Array.from({ length: 300 }, (_, i) => `m${i + 1}`),
  );
  assert.equal(store.read(">", { from: 1 }).complete, true, "no position is missing");
  assert.equal(store.append("t.0", Buffer.from("m301")), 301);
});

test("recovery - a damaged record in the middle is skipped and reported; the rest is served", async () => {
  const path = directory();
  const first = await open(path);
  await fill(first.store, 9, () => "room");
  await first.store.close();
  const file = join(path, segments(path)[0]!);
  const bytes = readFileSync(file);
  const recordBytes = bytes.length / 9;
  bytes[4 * recordBytes + 12]! ^= 0xff; // inside the fifth record
  writeFileSync(file, bytes);
  const { store, report } = await open(path);
  assert.deepEqual(report.skipped, [
    { file: segments(path)[0], offset: 4 * recordBytes, bytes: recordBytes },
  ]);
  assert.deepEqual(report.truncated, []);
  assert.deepEqual(payloads(store), ["m1", "m2", "m3", "m4", "m6", "m7", "m8", "m9"]);
  assert.equal(store.read("room", { from: 1 }).complete, false);
  assert.equal(store.read("room", { from: 6 }).complete, true);
  assert.equal(store.append("room", Buffer.from("m10")), 10);
});

test("recovery - zeros after the last record (a file extended but never written) are a torn tail", async () => {
  const path = directory();
  const first = await open(path);
  await fill(first.store, 3);
  await first.store.close();
  const file = join(path, segments(path)[0]!);
  const size = statSync(file).size;
  appendFileSync(file, Buffer.alloc(4096));
  const { store, report } = await open(path);
  assert.deepEqual(report.truncated, [{ file: segments(path)[0], offset: size, bytes: 4096 }]);
  assert.deepEqual(payloads(store), ["m1", "m2", "m3"]);
});

test("retention - whole segments are removed once the limits keep nothing in them, also on open", async () => {
  const path = directory();
  const { store } = await open(path, { segmentBytes: 4096, perTopic: 20 });
  await fill(store, 2000, () => "busy");
  await store.close();
  const kept = segments(path);
  assert.ok(kept.length <= 3, `segments left: ${kept.join(" ")}`);
  const again = await open(path, { segmentBytes: 4096, perTopic: 20 });
  assert.deepEqual(
    payloads(again.store, 1),
    Array.from({ length: 20 }, (_, i) => `m${1981 + i}`),
  );
  assert.equal(again.store.read("busy", { from: 1 }).complete, false);
  await again.store.close();
  const smaller = await open(path, { segmentBytes: 4096, perTopic: 1 });
  assert.equal(smaller.report.kept, 1);
  await smaller.store.close();
  assert.ok(smaller.report.removedSegments >= 1 || segments(path).length === 1);
  assert.equal(segments(path).length, 1);
});

test("retention - a segment that cannot be removed is a warning event, not a crash", async () => {
  const path = directory();
  const { store } = await open(path, { segmentBytes: 4096, perTopic: 1 });
  store.append("quiet", Buffer.from("keeps the first segment"));
  await fill(store, 300, () => "busy");
  const first = segments(path)[0]!;
  assert.equal(first, "00000000000000000001.log");
  // Something put a directory where the segment was: unlink fails (EISDIR) when retention removes it.
  rmSync(join(path, first));
  mkdirSync(join(path, first));
  const warned = once(store, "warning");
  store.append("quiet", Buffer.from("drops the old one"));
  const [warning] = (await warned) as [StoreWarning];
  assert.equal(warning.kind, "remove-segment");
  assert.equal(warning.file, first);
  assert.ok(isEnchufeError(warning.error, "ESTORE"));
  assert.equal(await store.committed(), 302);
  assert.equal(store.read("quiet", { last: 1 }).messages[0]!.position, 302);
});

test("retention - maxBytes bounds the disk used to about the limit plus one segment", async () => {
  const path = directory();
  const { store } = await open(path, { segmentBytes: 8192, maxBytes: 32_768 });
  for (let i = 0; i < 30; i++) await fill(store, 50, (n) => `t.${n}`);
  await store.close();
  const used = segments(path).reduce((sum, name) => sum + statSync(join(path, name)).size, 0);
  assert.ok(used <= 32_768 + 8192, `bytes on disk: ${used}`);
  assert.ok(store.stats.bytes <= 32_768);
});

test("epoch - a wiped history (segments gone) gets a new epoch; a lost epoch file too, keeping the records", async () => {
  const path = directory();
  const first = await open(path);
  await fill(first.store, 3);
  await first.store.close();
  rmSync(join(path, "epoch"));
  const second = await open(path);
  assert.equal(second.report.newEpoch, "missing-epoch");
  assert.notEqual(second.store.epoch, first.store.epoch);
  assert.equal(payloads(second.store).length, 3);
  await second.store.close();
  for (const name of segments(path)) rmSync(join(path, name));
  const third = await open(path);
  assert.equal(third.report.newEpoch, "missing-segments");
  assert.notEqual(third.store.epoch, second.store.epoch);
  assert.equal(third.store.append("t", Buffer.from("again")), 1);
});

type FileHandleMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Counts the writes (node:fs writevSync, the log writer's one write call) or the fdatasyncs (FileHandle's
 * datasync, on its prototype: every handle) with `observe`, until the test ends; the real call still
 * runs. The file system itself is never faked.
 */
async function watchFileHandle(
  path: string,
  method: "writev" | "datasync",
  observe: (args: unknown[]) => void,
) {
  if (method === "writev") {
    const original = fs.writevSync;
    fs.writevSync = (...args: Parameters<typeof fs.writevSync>) => {
      observe([args[1]]);
      return original(...args);
    };
    // The store imports writevSync by name: make its binding see the wrapper, and the original after.
    syncBuiltinESMExports();
    fixture.later(() => {
      fs.writevSync = original;
      syncBuiltinESMExports();
    });
    return;
  }
  const probe = await fsOpen(join(path, "probe"), "w");
  const prototype = Object.getPrototypeOf(probe) as Record<string, FileHandleMethod>;
  await probe.close();
  const original = prototype[method]!;
  prototype[method] = function (this: unknown, ...args: unknown[]) {
    observe(args);
    return original.apply(this, args);
  };
  fixture.later(() => {
    prototype[method] = original;
  });
}

test("group commit - the appends of one turn go to the file in one writev", async () => {
  const path = directory();
  const { store } = await open(path);
  const calls: number[] = [];
  await watchFileHandle(path, "writev", (args) => calls.push((args[0] as unknown[]).length));
  for (let turn = 0; turn < 3; turn++) {
    for (let i = 0; i < 50; i++) store.append("t", Buffer.from("x"));
    await store.committed();
  }
  assert.deepEqual(calls, [50, 50, 50]);
});

test("fsync always - each commit is fdatasynced before it resolves", async () => {
  const path = directory();
  const { store } = await open(path, { fsync: "always" });
  const events: string[] = [];
  await watchFileHandle(path, "writev", () => events.push("write"));
  await watchFileHandle(path, "datasync", () => events.push("sync"));
  for (let turn = 0; turn < 2; turn++) {
    store.append("t", Buffer.from("x"));
    await store.committed();
    events.push("resolved");
  }
  assert.deepEqual(events, ["write", "sync", "resolved", "write", "sync", "resolved"]);
});

test("fsync <ms> - a commit resolves after the write, and an fdatasync follows within the interval", async () => {
  const path = directory();
  const { store } = await open(path, { fsync: 20 });
  const events: string[] = [];
  let synced: () => void = () => {};
  const sync = new Promise<void>((resolve) => {
    synced = resolve;
  });
  await watchFileHandle(path, "writev", () => events.push("write"));
  await watchFileHandle(path, "datasync", () => {
    events.push("sync");
    synced();
  });
  // The store's sync timer is unref'd (it never keeps a process alive); this one keeps the test's.
  const keepAlive = setInterval(() => {}, 60_000);
  fixture.later(() => clearInterval(keepAlive));
  store.append("t", Buffer.from("x"));
  await store.committed();
  events.push("resolved");
  await sync;
  assert.deepEqual(events, ["write", "resolved", "sync"]);
});

for (const fsync of ["always", 5, "never"] as const) {
  test(`fsync ${fsync} - acknowledged appends are in the files after close and reopen`, async () => {
    const path = directory();
    const { store } = await open(path, { fsync, segmentBytes: 4096 });
    for (let turn = 0; turn < 20; turn++) {
      for (let i = 0; i < 10; i++) store.append("t", Buffer.from(`m${store.stats.nextPosition}`));
      assert.equal(await store.committed(), (turn + 1) * 10);
    }
    await store.close();
    const again = await open(path, { fsync, segmentBytes: 4096 });
    assert.equal(payloads(again.store).length, 200);
  });
}

test("lock - a second writer of a directory in use fails with ESTORELOCKED; after close it opens", async () => {
  const path = directory();
  const { store } = await open(path);
  await assert.rejects(
    openFileHistoryStore({ directory: path }),
    (error) => isEnchufeError(error, "ESTORELOCKED") && error.details.pid === process.pid,
  );
  await store.close();
  const again = await open(path);
  assert.equal(again.report.staleLock, undefined);
});

test("lock - a lock left by a process that no longer runs is taken over and reported", async () => {
  const path = directory();
  await (await open(path)).store.close();
  const ended = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  const pid = Number(ended.stdout);
  writeFileSync(join(path, "lock"), `${pid}\n`);
  const { report } = await open(path);
  assert.equal(report.staleLock, pid);
  assert.equal(readFileSync(join(path, "lock"), "utf8").trim(), String(process.pid));
});

test("open - a path that is a file fails with ESTORE naming it; bad options fail with EOPTION", async () => {
  const path = join(directory(), "not-a-directory");
  writeFileSync(path, "x");
  await assert.rejects(
    openFileHistoryStore({ directory: path }),
    (error) => isEnchufeError(error, "ESTORE") && error.details.directory === path,
  );
  await assert.rejects(openFileHistoryStore({ directory: directory(), fsync: 0 }), (error) =>
    isEnchufeError(error, "EOPTION"),
  );
  await assert.rejects(openFileHistoryStore({ directory: directory(), perTopic: 0 }), (error) =>
    isEnchufeError(error, "EOPTION"),
  );
});

test("property - small segments, retention and restarts: reads give the model's kept messages, never complete over a gap", async () => {
  const topics = ["a", "a.b", "b"];
  const operation = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant("append" as const),
        topic: fc.constantFrom(...topics),
        size: fc.nat(1200),
        count: fc.integer({ min: 1, max: 5 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("restart" as const) }) },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(operation, { minLength: 40, maxLength: 100 }),
      fc.integer({ min: 1, max: 3 }),
      async (ops, perTopic) => {
        const path = directory();
        let clock = 0;
        const options = { perTopic, segmentBytes: 4096, now: () => clock };
        let { store } = await open(path, options);
        const model: ModelMessage[] = [];
        for (const step of ops) {
          if (step.op === "append") {
            // A batch may cross into a new segment file (4096 bytes).
            clock++;
            const payloads = Array.from({ length: step.count }, () => "y".repeat(step.size));
            const first = store.appendBatch(
              step.topic,
              "",
              payloads.map((payload) => Buffer.from(payload)),
            );
            payloads.forEach((payload, i) => {
              model.push({ position: first + i, topic: step.topic, time: clock, payload });
            });
          } else {
            await store.close();
            ({ store } = await open(path, options));
          }
          for (const pattern of [...topics, ">", "a.*"]) {
            for (const from of [1, Math.max(1, model.length - 3)]) {
              const expected = expectedRead(model, perTopic, pattern, { from }, undefined);
              const read = store.read(pattern, { from });
              assert.deepEqual(
                read.messages.map((m) => [m.position, text(m.payload)]),
                expected.messages.map((m) => [m.position, m.payload]),
              );
              if (read.complete) assert.ok(expected.complete, `${pattern} from ${from}: complete over a gap`);
            }
          }
        }
        await store.close();
      },
    ),
    { numRuns: 25 },
  );
});
