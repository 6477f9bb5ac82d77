/**
 * The router's history following a cluster's shared log (src/server/routing/history.ts, docs/HISTORY.md
 * §10), at its seam: a SharedLog that holds what was appended until the test hands it back, as the log
 * would, through logged(). Nothing goes out before the log positions it; a replay from a position this
 * node's copy has not reached waits for it; a new log epoch starts the copy anew; a failed append goes
 * out live and its publisher is told.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SubStart } from "../../src/protocol/frames.js";
import { Delivery } from "../../src/server/routing/delivery.js";
import { RoutedHistory } from "../../src/server/routing/history.js";
import type { AckOutcome, HistoryMessage, ReplayTarget } from "../../src/server/routing/history-types.js";
import type { SharedLog } from "../../src/server/routing/interfaces.js";
import { MemoryHistoryStore } from "../../src/store/index.js";

class HeldLog implements SharedLog {
  epoch = "aaaaaaaaaaaaaaaa";
  readonly appended: Array<{ delivery: Delivery; failed: (error: unknown) => void }> = [];
  append(delivery: Delivery, failed: (error: unknown) => void): void {
    this.appended.push({ delivery, failed });
  }
  settled(): Promise<void> | undefined {
    return this.appended.length === 0 ? undefined : Promise.resolve();
  }
}

class Target implements ReplayTarget {
  readonly isOpen = true;
  readonly pendingBytes = 0;
  readonly replayedMessages: HistoryMessage[] = [];
  done: { recovered: boolean; epoch: string; position: number; count: number } | undefined;
  replaying(): boolean {
    return this.done === undefined;
  }
  replayMessage(_sid: number, message: HistoryMessage): void {
    this.replayedMessages.push(message);
  }
  replayed(_sid: number, recovered: boolean, epoch: string, position: number, count: number): void {
    this.done = { recovered, epoch, position, count };
  }
  whenDrained(then: () => void): void {
    then();
  }
}

function batch(topic: string, ...payloads: string[]): Delivery {
  const delivery = new Delivery(topic, "ana", false, undefined);
  for (const payload of payloads) delivery.add([], Buffer.from(payload));
  return delivery;
}

function routed(log: HeldLog): { history: RoutedHistory; store: MemoryHistoryStore } {
  const store = new MemoryHistoryStore();
  const history = new RoutedHistory(store, {
    dedupe: { windowMs: 60_000, maxIds: 100 },
    replayPauseBytes: 1 << 20,
    log,
  });
  return { history, store };
}

describe("RoutedHistory on a shared log", () => {
  test("a batch goes out only once the log gave it its positions; its publisher is acked then", () => {
    const log = new HeldLog();
    const { history, store } = routed(log);
    assert.ok(history.followsLog);
    const sent: number[] = [];
    const acks: AckOutcome[] = [];
    const delivery = batch("chat", "hola", "adiós");
    delivery.acks = [
      { index: 1, id: "x", key: "\u0000x", to: { isOpen: true, acked: (_id, o) => acks.push(o) } },
    ];
    history.keep(delivery, (d) => sent.push(d.position));
    assert.equal(sent.length, 0, "nothing before the log answers");
    assert.equal(log.appended.length, 1);
    history.logged(delivery, 41, 5000, log.epoch, (d) => sent.push(d.position));
    assert.deepEqual(sent, [41]);
    assert.deepEqual(acks, [{ status: "ok", position: 42 }]);
    assert.equal(store.epoch, log.epoch, "the copy takes the log's epoch");
    assert.deepEqual(history.view(), {
      enabled: true,
      shared: true,
      epoch: log.epoch,
      position: 42,
      messages: 2,
      bytes: store.stats.bytes,
      topics: 1,
    });
    assert.deepEqual(
      store.read("chat", { from: 1 }).messages.map((m) => [m.position, m.time]),
      [
        [41, 5000],
        [42, 5000],
      ],
    );
  });

  test("a replay from a position this node's copy has not read yet waits for it", () => {
    const log = new HeldLog();
    const { history } = routed(log);
    history.logged(batch("chat", "1"), 1, 1000, log.epoch, () => {});
    const target = new Target();
    // The client saw position 3 on another node; this copy has 1.
    history.replay(target, 7, {}, "chat", SubStart.POSITION, 4, log.epoch);
    assert.equal(target.done, undefined, "waiting");
    history.logged(batch("chat", "2"), 2, 1001, log.epoch, () => {});
    assert.equal(target.done, undefined, "still below 3");
    history.logged(batch("chat", "3", "4"), 3, 1002, log.epoch, () => {});
    assert.deepEqual(
      target.replayedMessages.map((m) => m.position),
      [4],
    );
    assert.deepEqual(target.done, { recovered: true, epoch: log.epoch, position: 4, count: 1 });
  });

  test("an entry in a new epoch (the log was lost) starts this node's copy anew", () => {
    const log = new HeldLog();
    const { history, store } = routed(log);
    history.logged(batch("chat", "old"), 1, 1000, log.epoch, () => {});
    log.epoch = "bbbbbbbbbbbbbbbb";
    history.logged(batch("chat", "new"), 5, 2000, log.epoch, () => {});
    assert.equal(history.epoch, "bbbbbbbbbbbbbbbb");
    assert.deepEqual(
      store.read("chat", { from: 1 }).messages.map((m) => Buffer.from(m.payload).toString()),
      ["new"],
    );
    assert.equal(store.read("chat", { from: 1 }).complete, false, "what came before 5 is not here");
  });

  test("after a new epoch, a client that had live messages of it resumes; one from before it starts over", () => {
    const log = new HeldLog();
    const { history } = routed(log);
    const old = log.epoch;
    history.logged(batch("chat", "a", "b"), 1, 1000, old, () => {});
    log.epoch = "bbbbbbbbbbbbbbbb";
    // The log was lost; its positions go on above what the nodes had seen.
    history.logged(batch("chat", "c", "d", "e"), 3, 2000, log.epoch, () => {});
    const resumed = new Target();
    // Delivered live up to 4 (c, d) while it still knew the old epoch: it resumes at 5.
    history.replay(resumed, 1, {}, "chat", SubStart.POSITION, 5, old);
    assert.deepEqual(
      resumed.replayedMessages.map((m) => m.position),
      [5],
    );
    assert.equal(resumed.done?.recovered, true);
    assert.equal(resumed.done?.epoch, log.epoch);
    const before = new Target();
    history.replay(before, 2, {}, "chat", SubStart.POSITION, 3, old);
    assert.deepEqual(
      before.replayedMessages.map((m) => m.position),
      [3, 4, 5],
    );
    assert.equal(before.done?.recovered, false, "it may have missed what the lost log had");
    const foreign = new Target();
    history.replay(foreign, 3, {}, "chat", SubStart.POSITION, 5, "cccccccccccccccc");
    assert.equal(foreign.done?.recovered, false, "another history entirely");
    assert.equal(foreign.replayedMessages.length, 3);
  });

  test("a batch the log cannot take goes out live with no position; its publisher gets an error", () => {
    const log = new HeldLog();
    const { history } = routed(log);
    const sent: number[] = [];
    const acks: AckOutcome[] = [];
    const delivery = batch("chat", "hola");
    delivery.acks = [
      { index: 0, id: "y", key: "\u0000y", to: { isOpen: true, acked: (_id, o) => acks.push(o) } },
    ];
    history.keep(delivery, (d) => sent.push(d.position));
    log.appended[0]!.failed(new Error("the cluster's shared log (Redis) is not reachable"));
    assert.deepEqual(sent, [0]);
    assert.equal(acks.length, 1);
    assert.equal(acks[0]!.status, "error");
    assert.match(
      (acks[0] as { message: string }).message,
      /not kept in the history: the cluster's shared log/,
    );
  });

  test("a history that is not a memory store cannot follow a shared log (a clear EOPTION)", () => {
    const store = new MemoryHistoryStore();
    const notMemory = Object.assign(Object.create(store), { appendAt: undefined });
    assert.throws(
      () =>
        new RoutedHistory(notMemory, {
          dedupe: { windowMs: 1, maxIds: 1 },
          replayPauseBytes: 1,
          log: new HeldLog(),
        }),
      { code: "EOPTION", message: /must be a memory store/ },
    );
  });
});
