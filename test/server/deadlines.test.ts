/** The request table's shared timer (src/server/routing/deadlines.ts), on real timers. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Deadlines } from "../../src/server/routing/deadlines.js";

/** An item that carries its deadline fields, as a pending request does. */
interface Named {
  readonly name: string;
  at: number;
  live: boolean;
}

/** Deadlines of named items whose expiries go to a list, with a promise for the next `count` of them. */
function recorder() {
  const expired: string[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const inner = new Deadlines<Named>((item) => {
    expired.push(item.name);
    for (const waiter of waiters.splice(0)) {
      if (expired.length >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  // The deadlines' timer does not hold the process open (unref, as a server's must not): while a test
  // waits for an expiry, this interval does.
  const expiredCount = async (count: number) => {
    const alive = setInterval(() => {}, 1000);
    try {
      if (expired.length < count) await new Promise<void>((resolve) => waiters.push({ count, resolve }));
    } finally {
      clearInterval(alive);
    }
  };
  // `add(name, ms)` returns the item, to cancel it.
  const deadlines = {
    add(name: string, waitMs: number): Named {
      const item = { name, at: 0, live: false };
      inner.add(item, waitMs);
      return item;
    },
    cancel: (item: Named) => inner.cancel(item),
    clear: () => inner.clear(),
    get size() {
      return inner.size;
    },
    get retained() {
      return inner.retained;
    },
  };
  return { deadlines, expired, expiredCount };
}

describe("Deadlines: many timeouts on one timer", () => {
  test("items expire in deadline order across waits, in insertion order within one; cancelled ones never", async () => {
    const { deadlines, expired, expiredCount } = recorder();
    deadlines.add("slow", 60);
    const cancelled = deadlines.add("cancelled", 5);
    deadlines.add("fast-1", 10);
    deadlines.add("fast-2", 10);
    deadlines.cancel(cancelled);
    deadlines.cancel(cancelled); // twice is once
    assert.equal(deadlines.size, 3);
    await expiredCount(3);
    assert.deepEqual(expired, ["fast-1", "fast-2", "slow"]);
    assert.equal(deadlines.size, 0);
    assert.equal(deadlines.retained, 0);
  });

  test("an earlier deadline added later re-arms the timer; one added during an expiry is kept", async () => {
    const { deadlines, expired, expiredCount } = recorder();
    deadlines.add("late", 5000);
    deadlines.add("soon", 5);
    await expiredCount(1);
    assert.deepEqual(expired, ["soon"]);
    deadlines.add("again", 5);
    await expiredCount(2);
    assert.deepEqual(expired, ["soon", "again"]);
    assert.equal(deadlines.size, 1);
    deadlines.clear();
    assert.equal(deadlines.size, 0);
  });

  test("answered items do not pile up: 100,000 added and cancelled keep a bounded number of entries", () => {
    const { deadlines, expired } = recorder();
    const inFlight = [];
    for (let i = 0; i < 100_000; i++) {
      inFlight.push(deadlines.add(String(i), 5000));
      if (inFlight.length > 64) deadlines.cancel(inFlight.shift()!);
    }
    assert.equal(deadlines.size, 64);
    assert.ok(deadlines.retained <= 64 + 3 * 1024, `${deadlines.retained} entries held`);
    deadlines.clear();
    assert.deepEqual(expired, []);
  });
});
