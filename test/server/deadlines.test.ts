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

  test("answered in the order asked, nothing cancelled is held; an answer out of order goes with the head", () => {
    const { deadlines } = recorder();
    const items = Array.from({ length: 10 }, (_, i) => deadlines.add(String(i), 5000));
    deadlines.cancel(items[0]!);
    deadlines.cancel(items[1]!);
    assert.equal(deadlines.retained, 8);
    deadlines.cancel(items[3]!);
    deadlines.cancel(items[4]!);
    assert.equal(deadlines.retained, 8, "not at the head: kept until the head goes");
    deadlines.cancel(items[2]!);
    assert.equal(deadlines.retained, 5);
    for (const item of items.slice(5)) deadlines.cancel(item);
    assert.equal(deadlines.retained, 0);
    assert.equal(deadlines.size, 0);
    deadlines.add("after", 5000);
    assert.equal(deadlines.retained, 1);
    deadlines.clear();
  });

  test("property: waits that alternate, cancelled in any order, expire exactly the ones left, in order", async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const { deadlines, expired, expiredCount } = recorder();
    const waits = [5, 15, 25];
    const live: Named[] = [];
    const kept = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      // Runs of one wait, then another: the FIFO found without the map changes often.
      const wait = waits[Math.floor(i / 7) % waits.length]!;
      live.push(deadlines.add(String(i), wait));
      kept.set(String(i), wait);
      if (live.length > 40 || random() < 0.3) {
        // Mostly the oldest (in order), sometimes any other.
        const at = random() < 0.7 ? 0 : Math.floor(random() * live.length);
        const [item] = live.splice(at, 1);
        deadlines.cancel(item!);
        kept.delete(item!.name);
      }
      assert.equal(deadlines.size, kept.size);
    }
    assert.ok(deadlines.retained <= kept.size + 3 * 1024, `${deadlines.retained} entries held`);
    await expiredCount(kept.size);
    // Exactly the ones left, and within one wait in the order they came.
    const byName = (a: string, b: string) => Number(a) - Number(b);
    assert.deepEqual([...expired].sort(byName), [...kept.keys()].sort(byName));
    for (const wait of waits) {
      const ofWait = expired.filter((name) => kept.get(name) === wait);
      assert.deepEqual(ofWait, [...ofWait].sort(byName), `wait ${wait}`);
    }
    assert.equal(deadlines.size, 0);
    assert.equal(deadlines.retained, 0);
  });
});
