/**
 * Deadlines for many waiting items with one timer (the request table's: a timer per request costs more
 * than the request). Items with the same wait expire in the order they were added, so each wait keeps a
 * FIFO and the timer is armed for the earliest live head. A cancelled item is only marked; it is dropped
 * when it reaches the head (at once when it is the head of the last add()'s FIFO: answers mostly come in
 * the order asked), or when cancelled items outnumber the live ones (then every FIFO is compacted), so
 * memory stays proportional to the items waiting. The items carry their own deadline
 * fields (a pending request is its own entry: no object per item besides the item).
 */

/** An item's deadline fields, set by Deadlines.add(): `cancel()` the item once it no longer waits. */
export interface Deadline {
  at: number;
  live: boolean;
}

interface Fifo<T> {
  entries: T[];
  head: number;
}

/** Cancelled entries kept at most: past it (and past twice the live ones), the FIFOs are compacted. */
const COMPACT_AFTER = 1024;

export class Deadlines<T extends Deadline> {
  readonly #expire: (item: T) => void;
  readonly #now: () => number;
  readonly #fifos = new Map<number, Fifo<T>>();
  /** The FIFO of the last add()'s wait: nearly every item has the same wait, so it is found without the map. */
  #lastWait = -1;
  #lastFifo: Fifo<T> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  #live = 0;
  #cancelled = 0;

  constructor(expire: (item: T) => void, now: () => number = Date.now) {
    this.#expire = expire;
    this.#now = now;
  }

  /** Items still waiting. */
  get size(): number {
    return this.#live;
  }

  /** Entries held, cancelled ones included (what the compaction keeps bounded). */
  get retained(): number {
    let count = 0;
    for (const fifo of this.#fifos.values()) count += fifo.entries.length - fifo.head;
    return count;
  }

  /** `entry` expires (is given to `expire`) `waitMs` from now unless cancelled first. */
  add(entry: T, waitMs: number): void {
    entry.at = this.#now() + waitMs;
    entry.live = true;
    let fifo = this.#lastFifo;
    if (waitMs !== this.#lastWait || fifo === undefined) {
      fifo = this.#fifos.get(waitMs);
      if (fifo === undefined) {
        fifo = { entries: [], head: 0 };
        this.#fifos.set(waitMs, fifo);
      }
      this.#lastWait = waitMs;
      this.#lastFifo = fifo;
    }
    fifo.entries.push(entry);
    this.#live++;
    if (entry.at < this.#armedAt) this.#arm(entry.at);
  }

  /**
   * The item no longer waits (answered): it will not expire. True when it was dropped at once (no FIFO
   * holds it any more: the caller may add it again, as a new item); false when it is only marked, or was
   * not waiting.
   */
  cancel(entry: T): boolean {
    if (!entry.live) return false;
    entry.live = false;
    this.#live--;
    const fifo = this.#lastFifo;
    if (fifo !== undefined && fifo.entries[fifo.head] === entry) {
      // Answered in the order asked (the usual case): the head and the cancelled entries after it go now.
      this.#dropCancelledHead(fifo);
      return true;
    }
    this.#cancelled++;
    if (this.#cancelled > COMPACT_AFTER && this.#cancelled > 2 * this.#live) this.#compact();
    return false;
  }

  /**
   * Drops `fifo`'s cancelled entries from its head on; its array is reused once it is empty. Slots before
   * the head are never read again (an entry dropped and added again is only at its new place).
   */
  #dropCancelledHead(fifo: Fifo<T>): void {
    const { entries } = fifo;
    let head = fifo.head + 1;
    while (head < entries.length && !entries[head]!.live) head++;
    // Cancelled entries counted before (not at the head then) leave with it.
    this.#cancelled -= head - fifo.head - 1;
    if (head === entries.length) {
      entries.length = 0;
      fifo.head = 0;
    } else if (head > COMPACT_AFTER && head * 2 > entries.length) {
      entries.splice(0, head);
      fifo.head = 0;
    } else fifo.head = head;
  }

  /** Cancels everything and stops the timer (shutdown). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#fifos.clear();
    this.#lastFifo = undefined;
    this.#live = 0;
    this.#cancelled = 0;
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(this.#fire, Math.max(0, at - this.#now()));
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.#now();
    const due: T[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [wait, fifo] of this.#fifos) {
      const { entries } = fifo;
      while (fifo.head < entries.length) {
        const entry = entries[fifo.head]!;
        if (entry.live && entry.at > now) break;
        fifo.head++;
        if (entry.live) {
          entry.live = false;
          this.#live--;
          due.push(entry);
        } else this.#cancelled--;
      }
      if (fifo.head === entries.length) this.#deleteFifo(wait);
      else {
        if (fifo.head > 1024) {
          entries.splice(0, fifo.head);
          fifo.head = 0;
        }
        next = Math.min(next, entries[fifo.head]!.at);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
    // Expired after the bookkeeping: an expiry that adds or cancels sees a consistent table.
    for (const item of due) this.#expire(item);
  };

  #deleteFifo(wait: number): void {
    this.#fifos.delete(wait);
    if (wait === this.#lastWait) this.#lastFifo = undefined;
  }

  /** Drops every cancelled entry; the heads' deadlines stay what they were, so the timer stays right. */
  #compact(): void {
    for (const [wait, fifo] of this.#fifos) {
      const live = fifo.entries.filter((entry, index) => index >= fifo.head && entry.live);
      if (live.length === 0) this.#deleteFifo(wait);
      else {
        fifo.entries = live;
        fifo.head = 0;
      }
    }
    this.#cancelled = 0;
  }
}
