/** The dedupe window of acknowledged publishes (src/server/routing/dedupe.ts), on its own. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Dedupe } from "../../src/server/routing/dedupe.js";
import type { AckOutcome } from "../../src/server/routing/history-types.js";

const ok = (position: number): AckOutcome => ({ status: "ok", position });

/** Claims and settles `key` at `now` with position `position`; true when it was new. */
function publish(dedupe: Dedupe, key: string, now: number, position: number): boolean {
  const fresh = dedupe.claim(key, now, () => {});
  if (fresh) dedupe.settle(key, ok(position));
  return fresh;
}

/** The outcome a claim of `key` gets when it is a duplicate (undefined: it was new, or still waits). */
function duplicateOf(dedupe: Dedupe, key: string, now: number): AckOutcome | undefined {
  let outcome: AckOutcome | undefined;
  dedupe.claim(key, now, (answer) => {
    outcome = answer;
  });
  return outcome;
}

describe("dedupe window", () => {
  test("dedupe - an id seen in the window is a duplicate with the first one's position", () => {
    const dedupe = new Dedupe({ windowMs: 1000, maxIds: 10 });
    assert.equal(publish(dedupe, "a", 0, 7), true);
    assert.deepEqual(duplicateOf(dedupe, "a", 500), { status: "duplicate", position: 7 });
  });

  test("dedupe - ids older than the window are forgotten", () => {
    const dedupe = new Dedupe({ windowMs: 1000, maxIds: 10 });
    publish(dedupe, "a", 0, 1);
    publish(dedupe, "b", 600, 2);
    assert.equal(publish(dedupe, "a", 1001, 3), true, "a expired");
    assert.deepEqual(duplicateOf(dedupe, "b", 1001), { status: "duplicate", position: 2 });
  });

  test("dedupe - over maxIds the oldest settled ids go first, a publish still being written stays", () => {
    const dedupe = new Dedupe({ windowMs: 60_000, maxIds: 3 });
    assert.equal(
      dedupe.claim("pending", 0, () => {}),
      true,
    );
    publish(dedupe, "b", 1, 2);
    publish(dedupe, "c", 2, 3);
    publish(dedupe, "d", 3, 4); // over the limit: b goes, not the pending one
    assert.equal(dedupe.size, 3);
    let waited: AckOutcome | undefined;
    assert.equal(
      dedupe.claim("pending", 4, (answer) => {
        waited = answer;
      }),
      false,
    );
    dedupe.settle("pending", ok(1));
    assert.deepEqual(waited, { status: "duplicate", position: 1 });
    assert.equal(publish(dedupe, "b", 5, 5), true, "b was dropped");
  });

  test("dedupe - a publish that failed is forgotten, and its id may be published again", () => {
    const dedupe = new Dedupe({ windowMs: 60_000, maxIds: 2 });
    assert.equal(
      dedupe.claim("a", 0, () => {}),
      true,
    );
    dedupe.settle("a", { status: "error", code: 16, message: "store error" });
    assert.equal(publish(dedupe, "a", 1, 9), true);
    publish(dedupe, "b", 2, 10);
    publish(dedupe, "c", 3, 11);
    assert.equal(publish(dedupe, "a", 4, 12), true, "the retried a was the oldest and went first");
    assert.deepEqual(duplicateOf(dedupe, "c", 5), { status: "duplicate", position: 11 });
  });

  test("dedupe - a long run past maxIds keeps exactly the newest maxIds ids", () => {
    const dedupe = new Dedupe({ windowMs: 60_000, maxIds: 1000 });
    for (let i = 1; i <= 5000; i++) publish(dedupe, `k${i}`, 0, i);
    assert.equal(dedupe.size, 1000);
    assert.equal(duplicateOf(dedupe, "k4001", 0)?.status, "duplicate");
    assert.equal(publish(dedupe, "k4000", 0, 0), true, "k4000 was forgotten");
  });

  test("dedupe - an id remembered from another node is a duplicate here, counted in the window and its bound", () => {
    const dedupe = new Dedupe({ windowMs: 1000, maxIds: 2 });
    dedupe.remember("elsewhere", 0, 12);
    assert.deepEqual(duplicateOf(dedupe, "elsewhere", 10), { status: "duplicate", position: 12 });
    // Known here already: remembering it again changes nothing.
    dedupe.remember("elsewhere", 20, 99);
    assert.deepEqual(duplicateOf(dedupe, "elsewhere", 30), { status: "duplicate", position: 12 });
    assert.equal(publish(dedupe, "b", 40, 13), true);
    assert.equal(publish(dedupe, "c", 50, 14), true);
    assert.equal(dedupe.size, 2, "the oldest went first");
    assert.equal(duplicateOf(dedupe, "elsewhere", 60), undefined);
    dedupe.remember("late", 2000, 15);
    assert.equal(duplicateOf(dedupe, "b", 2100), undefined, "past the window");
  });
});
