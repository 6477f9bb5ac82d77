/**
 * The HistoryStore contract, run against both stores: the memory one and the file one (real files in a
 * temporary directory). The property test checks random appends (one message or a batch) and reads
 * against a plain model.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import fc from "fast-check";
import { isEnchufeError } from "../../src/errors.js";
import { encodeMessages } from "../../src/protocol/frames.js";
import type { HistoryStart, HistoryStore } from "../../src/store/index.js";
import { expectedRead, fileKind, type ModelMessage, memoryKind, type StoreKind, text } from "./helpers.js";

for (const kind of [memoryKind(), fileKind()] as StoreKind[]) {
  describe(`${kind.name} history store`, () => {
    afterEach(() => kind.cleanup());

    test("append - gives positions 1, 2, 3 and keeps topic, sender, headers, payload and time", async () => {
      const store = await kind.open({ now: () => 1_700_000_000_000 });
      assert.equal(store.append("chat", Buffer.from("hola"), "ana", [["k", "v"]]), 1);
      assert.equal(store.append("chat", Buffer.from("qué tal"), "luis"), 2);
      assert.equal(store.append("news", Buffer.alloc(0), "", [], 1_700_000_000_500), 3);
      assert.equal(await store.committed(), 3);
      const read = store.read("chat", { from: 1 });
      assert.deepEqual(
        read.messages.map((m) => [m.position, m.topic, m.from, m.headers, text(m.payload), m.time]),
        [
          [1, "chat", "ana", [["k", "v"]], "hola", 1_700_000_000_000],
          [2, "chat", "luis", [], "qué tal", 1_700_000_000_000],
        ],
      );
      assert.equal(read.complete, true);
      assert.equal(read.more, false);
      assert.deepEqual(store.stats.nextPosition, 4);
      assert.equal(store.stats.topics, 2);
    });

    test("append - copies the payload: the caller may reuse its buffer", async () => {
      const store = await kind.open();
      const buffer = Buffer.from("first");
      store.append("t", buffer);
      buffer.write("XXXXX");
      assert.equal(text(store.read("t", { last: 1 }).messages[0]!.payload), "first");
    });

    test("appendBatch - one call: consecutive positions, one time, headers per message, payloads copied", async () => {
      let clock = 1_700_000_000_000;
      const store = await kind.open({ now: () => clock++ });
      assert.equal(store.append("chat", Buffer.from("before")), 1);
      const payloads = [Buffer.from("uno"), Buffer.from(""), Buffer.from("tres")];
      assert.equal(store.appendBatch("chat", "ana", payloads, [[], [["k", "v"]]]), 2);
      payloads[0]!.write("XXX");
      assert.equal(store.appendBatch("news", "luis", [Buffer.from("n")]), 5);
      assert.equal(store.appendBatch("news", "luis", []), 6, "an empty batch appends nothing");
      assert.equal(await store.committed(), 5);
      const read = store.read(">", { from: 2 });
      assert.deepEqual(
        read.messages.map((m) => [m.position, m.topic, m.from, m.headers, text(m.payload), m.time]),
        [
          [2, "chat", "ana", [], "uno", 1_700_000_000_001],
          [3, "chat", "ana", [["k", "v"]], "", 1_700_000_000_001],
          [4, "chat", "ana", [], "tres", 1_700_000_000_001],
          [5, "news", "luis", [], "n", 1_700_000_000_002],
        ],
      );
      assert.deepEqual(
        store.read("chat", { from: 3 }, 1).messages.map((m) => m.position),
        [3],
      );
      assert.deepEqual(
        store.read("chat", { last: 2 }).messages.map((m) => m.position),
        [3, 4],
      );
      assert.deepEqual(store.stats.messages, 5);
    });

    test("appendBatch - payloads that are views of one buffer (in order, or not) are copied", async () => {
      const store = await kind.open();
      const input = Buffer.from("..uno..dos..tres..");
      const views = [input.subarray(2, 5), input.subarray(7, 10), input.subarray(12, 16)];
      assert.equal(store.appendBatch("t", "", views), 1);
      assert.equal(store.appendBatch("t", "", [views[2]!, views[0]!, Buffer.from("x")]), 4);
      input.fill(0x58);
      assert.deepEqual(
        store.read("t", { from: 1 }).messages.map((m) => text(m.payload)),
        ["uno", "dos", "tres", "tres", "uno", "x"],
      );
    });

    test("appendBatch - shared bytes (a plain batch's MSG frames): every payload reads back, from any message on; a memory store keeps them, a wrong size is copied", async () => {
      const store = await kind.open({ perTopic: 25 });
      const payloads = Array.from({ length: 30 }, (_, i) => Buffer.from(`payload ${i} `.repeat(i % 4)));
      const frames = encodeMessages({ private: false, topic: "t", from: "ana" }, undefined, payloads);
      const total = payloads.reduce((sum, payload) => sum + payload.length, 0);
      const gap = (frames.length - total) / payloads.length;
      assert.ok(Number.isInteger(gap) && gap > 0);
      assert.equal(
        store.appendBatch("t", "ana", payloads, undefined, undefined, undefined, { bytes: frames, gap }),
        1,
      );
      // A shared buffer whose size does not fit its gap is not kept: the payloads are copied.
      const other = encodeMessages({ private: false, topic: "u", from: "" }, undefined, payloads.slice(0, 3));
      store.appendBatch("u", "", payloads.slice(0, 3), undefined, undefined, undefined, {
        bytes: other,
        gap: gap + 1,
      });
      await store.committed();
      // perTopic 25: the 5 oldest of "t" are gone; the rest read back from the middle of the run on.
      for (const from of [1, 6, 17, 30]) {
        const read = store.read("t", { from });
        const first = Math.max(from, 6);
        assert.deepEqual(
          read.messages.map((m) => [m.position, m.from, text(m.payload)]),
          payloads.slice(first - 1).map((payload, i) => [first + i, "ana", payload.toString()]),
        );
      }
      // Text lines: the prefix before each payload, a newline after it.
      const prefix = "[sala] ana: ";
      const lines = Buffer.from(payloads.map((payload) => `${prefix}${payload}\n`).join(""));
      const around = { bytes: lines, gap: prefix.length, after: 1 };
      const at = store.appendBatch("v", "ana", payloads, undefined, undefined, undefined, around);
      for (const from of [at, at + 1, at + 29]) {
        assert.deepEqual(
          store.read("v", { from }).messages.map((m) => text(m.payload)),
          payloads.slice(Math.max(from, at + 5) - at).map(String),
        );
      }
      // Small Buffers share Node's pool: "inside" means within that buffer's own bytes.
      const inside = (view: Uint8Array, bytes: Buffer) =>
        view.buffer === bytes.buffer &&
        view.byteOffset >= bytes.byteOffset &&
        view.byteOffset + view.length <= bytes.byteOffset + bytes.length;
      const kept = store.read("t", { from: 6 }).messages[0]!.payload;
      assert.equal(inside(kept, frames), kind.name === "memory", "the memory store keeps the frames");
      const copied = store.read("u", { from: 1 }).messages;
      assert.deepEqual(
        copied.map((m) => text(m.payload)),
        payloads.slice(0, 3).map(String),
      );
      assert.ok(!inside(copied[1]!.payload, other));
    });

    test("appendBatch - property: every payload and its headers read back as given (senders, headers or none)", async () => {
      const message = fc.record({
        payload: fc.uint8Array({ maxLength: 70 }),
        headers: fc.oneof(fc.constant([]), fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 2 })),
      });
      const batch = fc.record({
        topic: fc.constantFrom("t", "sala.ñandú"),
        from: fc.constantFrom("", "ana", "josé-ñ"),
        messages: fc.array(message, { minLength: 1, maxLength: 6 }),
        withHeaders: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 5 }), async (batches) => {
          const store = await kind.open();
          try {
            const expected: Array<[string, string, unknown, string]> = [];
            for (const { topic, from, messages, withHeaders } of batches) {
              // The payloads as views of one buffer with gaps between them (as a read chunk holds them).
              const joined = Buffer.concat(messages.flatMap((m) => [Buffer.from("--"), m.payload]));
              let at = 0;
              const views = messages.map((m) => {
                at += 2 + m.payload.length;
                return joined.subarray(at - m.payload.length, at);
              });
              const headers = withHeaders ? messages.map((m) => m.headers) : undefined;
              store.appendBatch(topic, from, views, headers);
              for (const m of messages)
                expected.push([
                  topic,
                  from,
                  withHeaders ? m.headers : [],
                  Buffer.from(m.payload).toString("hex"),
                ]);
            }
            const read = store.read(">", { from: 1 });
            assert.deepEqual(
              read.messages.map((m) => [m.topic, m.from, m.headers, Buffer.from(m.payload).toString("hex")]),
              expected,
            );
          } finally {
            await kind.cleanup();
          }
        }),
        { numRuns: 60 },
      );
    });

    test("appendBatch - the limits drop part of a batch: per topic and by bytes", async () => {
      const store = await kind.open({ perTopic: 3 });
      store.appendBatch(
        "t",
        "",
        [1, 2, 3, 4, 5].map((i) => Buffer.from(`m${i}`)),
      );
      const read = store.read("t", { from: 1 });
      assert.deepEqual(
        read.messages.map((m) => text(m.payload)),
        ["m3", "m4", "m5"],
      );
      assert.equal(read.complete, false);
      assert.equal(store.read("t", { from: 3 }).complete, true);
      assert.equal(store.stats.messages, 3);
      const small = await kind.open({ maxBytes: 1000 });
      small.appendBatch(
        "u",
        "",
        Array.from({ length: 20 }, (_, i) => Buffer.alloc(100, i)),
      );
      assert.ok(small.stats.bytes <= 1000 && small.stats.bytes > 800, `bytes ${small.stats.bytes}`);
      const kept = small.read("u", { from: 1 });
      assert.equal(kept.complete, false);
      assert.equal(kept.messages.at(-1)!.position, 20);
      assert.equal(kept.messages.length, small.stats.messages);
      assert.equal(kept.messages[0]!.payload[0], kept.messages[0]!.position - 1);
    });

    test("appendBatch - a message too large for a record fails the whole batch; nothing of it is kept", async () => {
      const store = await kind.open();
      const long = "k".repeat(70_000);
      assert.throws(
        () => store.appendBatch("t", "", [Buffer.from("a"), Buffer.from("b")], [[], [[long, "v"]]]),
        (error) => isEnchufeError(error, "ETOOLARGE"),
      );
      assert.equal(store.stats.messages, 0);
      assert.equal(store.appendBatch("t", "", [Buffer.from("a")]), 1);
    });

    test("read - a pattern gets every matching topic in position order; last N and since a time", async () => {
      let clock = 1000;
      const store = await kind.open({ now: () => clock });
      const topics = ["room.a", "room.b", "other", "room.a.deep", "room.b"];
      for (const topic of topics) {
        store.append(topic, Buffer.from(topic));
        clock += 10;
      }
      const positions = (pattern: string, start: HistoryStart, limit?: number) =>
        store.read(pattern, start, limit).messages.map((m) => m.position);
      assert.deepEqual(positions("room.*", { from: 1 }), [1, 2, 5]);
      assert.deepEqual(positions("room.>", { from: 2 }), [2, 4, 5]);
      assert.deepEqual(positions(">", { last: 2 }), [4, 5]);
      assert.deepEqual(positions("room.b", { last: 10 }), [2, 5]);
      assert.deepEqual(positions("room.*", { sinceTime: 1010 }), [2, 5]);
      assert.deepEqual(positions("room.b", { sinceTime: 1011 }), [5]);
      assert.deepEqual(positions("nothing.here", { from: 1 }), []);
      assert.equal(store.read("nothing.here", { last: 5 }).complete, true);
    });

    test("read - limit cuts the answer and says there is more", async () => {
      const store = await kind.open();
      for (let i = 0; i < 10; i++) store.append("t", Buffer.from(String(i)));
      const first = store.read("t", { from: 1 }, 4);
      assert.deepEqual(
        first.messages.map((m) => m.position),
        [1, 2, 3, 4],
      );
      assert.equal(first.more, true);
      const rest = store.read(">", { from: 5 }, 100);
      assert.equal(rest.messages.length, 6);
      assert.equal(rest.more, false);
      const last = store.read("t", { last: 5 }, 2);
      assert.deepEqual(
        last.messages.map((m) => m.position),
        [6, 7],
      );
      assert.equal(last.more, true);
    });

    test("limits - keeps the last N per topic and says a read from before them is incomplete", async () => {
      const store = await kind.open({ perTopic: 3 });
      for (let i = 1; i <= 10; i++) store.append(i % 2 === 0 ? "even" : "odd", Buffer.from(String(i)));
      await store.committed();
      const even = store.read("even", { from: 1 });
      assert.deepEqual(
        even.messages.map((m) => m.position),
        [6, 8, 10],
      );
      assert.equal(even.complete, false);
      assert.equal(store.read("even", { from: 5 }).complete, true);
      assert.equal(store.read(">", { from: 4 }).complete, false, "even lost 4 to its limit");
      assert.equal(store.read(">", { from: 5 }).complete, true);
      assert.equal(store.read("even", { last: 3 }).complete, true);
      assert.equal(store.read("even", { last: 4 }).complete, false);
      assert.equal(store.stats.messages, 6);
    });

    test("limits - maxBytes drops the oldest messages of any topic", async () => {
      const store = await kind.open({ maxBytes: 1000 });
      for (let i = 0; i < 40; i++) store.append(`t${i % 4}`, Buffer.alloc(100, i));
      assert.ok(store.stats.bytes <= 1000, `bytes ${store.stats.bytes}`);
      const all = store.read(">", { from: 1 });
      assert.equal(all.complete, false);
      assert.equal(all.messages.at(-1)!.position, 40);
      assert.equal(store.read(">", { from: all.messages[0]!.position }).complete, true);
    });

    test("limits - maxAgeMs drops messages older than the age, also when reading", async () => {
      let clock = 10_000;
      const store = await kind.open({ maxAgeMs: 1000, now: () => clock });
      store.append("t", Buffer.from("old"));
      clock += 600;
      store.append("t", Buffer.from("newer"));
      clock += 600;
      const read = store.read("t", { from: 1 });
      assert.deepEqual(
        read.messages.map((m) => text(m.payload)),
        ["newer"],
      );
      assert.equal(read.complete, false);
      assert.equal(store.read("t", { sinceTime: 10_001 }).complete, true);
    });

    test("append - the time never goes back, even when the clock does", async () => {
      let clock = 5000;
      const store = await kind.open({ now: () => clock });
      store.append("t", Buffer.from("a"));
      clock = 4000;
      store.append("t", Buffer.from("b"));
      assert.deepEqual(
        store.read("t", { from: 1 }).messages.map((m) => m.time),
        [5000, 5000],
      );
    });

    test("committed - one promise for the appends of one turn", async () => {
      const store = await kind.open();
      store.append("t", Buffer.from("a"));
      const first = store.committed();
      store.append("t", Buffer.from("b"));
      if (kind.durable) assert.equal(store.committed(), first);
      assert.equal(await first, kind.durable ? 2 : 1);
    });

    test("committedPosition - stays at the last resolved commit while appends wait for theirs", async () => {
      const store = await kind.open();
      assert.equal(store.committedPosition, 0);
      store.append("t", Buffer.from("a"));
      store.append("t", Buffer.from("b"));
      assert.equal(store.committedPosition, kind.durable ? 0 : 2);
      await store.committed();
      assert.equal(store.committedPosition, 2);
    });

    test("close - an append after close fails with ECLOSED", async () => {
      const store = await kind.open();
      await store.close();
      assert.throws(
        () => store.append("t", Buffer.from("x")),
        (error) => isEnchufeError(error, "ECLOSED"),
      );
    });

    test(`reopen - ${kind.durable ? "keeps every message, the epoch and the sequence" : "starts empty with a new epoch"}`, async () => {
      let store = await kind.open();
      for (let i = 0; i < 5; i++) store.append(`t.${i % 2}`, Buffer.from(`m${i}`));
      await store.committed();
      const epoch = store.epoch;
      store = await kind.reopen(store);
      if (kind.durable) {
        assert.equal(store.epoch, epoch);
        assert.deepEqual(
          store.read(">", { from: 1 }).messages.map((m) => text(m.payload)),
          ["m0", "m1", "m2", "m3", "m4"],
        );
        assert.equal(store.append("t.0", Buffer.from("m5")), 6);
      } else {
        assert.notEqual(store.epoch, epoch);
        assert.equal(store.stats.messages, 0);
        assert.equal(store.append("t.0", Buffer.from("m5")), 1);
      }
    });

    test("property - random appends, reads and restarts agree with a plain model", async () => {
      const topics = ["a", "a.b", "a.c", "b.b"];
      const patterns = [...topics, "a.*", "*.b", ">", "a.>"];
      const operation = fc.oneof(
        fc.record({
          op: fc.constant("append" as const),
          topic: fc.constantFrom(...topics),
          size: fc.nat(40),
          count: fc.integer({ min: 1, max: 4 }),
        }),
        fc.record({
          op: fc.constant("read" as const),
          pattern: fc.constantFrom(...patterns),
          start: fc.oneof(
            fc.record({ from: fc.integer({ min: 1, max: 60 }) }),
            fc.record({ last: fc.integer({ min: 1, max: 8 }) }),
            fc.record({ sinceTime: fc.integer({ min: 0, max: 60 }) }),
          ),
          limit: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        }),
        fc.record({ op: fc.constant("restart" as const) }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(operation, { minLength: 20, maxLength: 60 }),
          fc.integer({ min: 1, max: 5 }),
          async (ops, perTopic) => {
            let clock = 0;
            const limits = { perTopic, now: () => clock };
            let store: HistoryStore = await kind.open(limits);
            let model: ModelMessage[] = [];
            try {
              for (const step of ops) {
                if (step.op === "append") {
                  // One message, or a batch of them (one time for the batch).
                  clock++;
                  const payloads = Array.from({ length: step.count }, (_, i) => "x".repeat(step.size + i));
                  const first =
                    step.count === 1
                      ? store.append(step.topic, Buffer.from(payloads[0]!))
                      : store.appendBatch(
                          step.topic,
                          "",
                          payloads.map((p) => Buffer.from(p)),
                        );
                  payloads.forEach((payload, i) => {
                    model.push({ position: first + i, topic: step.topic, time: clock, payload });
                  });
                } else if (step.op === "restart") {
                  await store.committed();
                  store = await kind.reopen(store, limits);
                  if (!kind.durable) model = [];
                } else {
                  checkRead(store, model, perTopic, step.pattern, step.start, step.limit);
                }
              }
            } finally {
              await kind.cleanup();
            }
          },
        ),
        { numRuns: Number(process.env.RUNS ?? (kind.durable ? 40 : 150)) },
      );
    });
  });
}

function checkRead(
  store: HistoryStore,
  model: readonly ModelMessage[],
  perTopic: number,
  pattern: string,
  start: HistoryStart,
  limit: number | undefined,
): void {
  const expected = expectedRead(model, perTopic, pattern, start, limit);
  const read = store.read(pattern, start, limit);
  const label = `${pattern} ${JSON.stringify(start)} limit ${limit}`;
  assert.deepEqual(
    read.messages.map((m) => [m.position, m.topic, text(m.payload)]),
    expected.messages.map((m) => [m.position, m.topic, m.payload]),
    label,
  );
  assert.equal(read.complete, expected.complete, `complete: ${label}`);
  assert.equal(read.more, expected.more, `more: ${label}`);
}
