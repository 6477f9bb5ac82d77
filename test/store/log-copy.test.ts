/**
 * A memory store as a node's copy of a cluster's shared log (docs/HISTORY.md §10): batches kept at the
 * positions the log gave, a jump over positions read as a loss, and a restart with the log's new epoch.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemoryHistoryStore } from "../../src/store/index.js";

const bytes = (text: string) => Buffer.from(text);
const texts = (store: MemoryHistoryStore, from: number) =>
  store.read("t", { from }).messages.map((m) => [m.position, Buffer.from(m.payload).toString(), m.time]);

describe("MemoryHistoryStore as a copy of a shared log", () => {
  test("appendAt keeps the log's positions and times; a jump marks what came before it as lost", () => {
    const store = new MemoryHistoryStore();
    store.appendAt(1, 1000, "t", "ana", [bytes("a"), bytes("b")]);
    store.appendAt(3, 1001, "t", "ana", [bytes("c")]);
    assert.deepEqual(texts(store, 1), [
      [1, "a", 1000],
      [2, "b", 1000],
      [3, "c", 1001],
    ]);
    assert.equal(store.read("t", { from: 1 }).complete, true);
    assert.equal(store.committedPosition, 3);
    // Positions 4..9 never reached this copy (trimmed from the log before it read them).
    store.appendAt(10, 1002, "t", "bea", [bytes("j")]);
    assert.equal(store.read("t", { from: 1 }).complete, false, "a read over the jump is not complete");
    assert.equal(store.read("t", { from: 10 }).complete, true);
    // A batch's time never goes back, even if the log's clock did.
    store.appendAt(11, 900, "t", "bea", [bytes("k")]);
    assert.deepEqual(texts(store, 11), [[11, "k", 1002]]);
    assert.throws(() => store.appendAt(11, 1003, "t", "bea", [bytes("again")]), { code: "ESTORE" });
  });

  test("restart forgets everything and takes the log's epoch", () => {
    const store = new MemoryHistoryStore();
    store.appendAt(5, 1000, "t", "ana", [bytes("old")]);
    store.restart("0123456789abcdef");
    assert.equal(store.epoch, "0123456789abcdef");
    assert.deepEqual(store.stats, { messages: 0, bytes: 0, topics: 0, nextPosition: 1 });
    assert.equal(store.read("t", { from: 1 }).complete, true);
    store.appendAt(1, 2000, "t", "ana", [bytes("new")]);
    assert.deepEqual(texts(store, 1), [[1, "new", 2000]]);
  });
});
