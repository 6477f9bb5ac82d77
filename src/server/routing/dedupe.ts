/**
 * The dedupe window of acknowledged publishes (docs/PROTOCOL.md §2.5, JetStream's Nats-Msg-Id idea): the
 * ids a user published in the last `windowMs`, at most `maxIds` (the oldest are forgotten first), with the
 * position each got, or the publishers waiting while the first one is still being written.
 */
import type { AckOutcome } from "./history-types.js";

type Waiter = (outcome: AckOutcome) => void;

interface Entry {
  readonly key: string;
  readonly at: number;
  /** The first publish's outcome once known; until then, who else asked with the same id. */
  outcome: AckOutcome | undefined;
  waiters: Waiter[] | undefined;
}

export interface DedupeOptions {
  readonly windowMs: number;
  readonly maxIds: number;
}

export const DEFAULT_DEDUPE: DedupeOptions = Object.freeze({ windowMs: 120_000, maxIds: 100_000 });

export class Dedupe {
  readonly #options: DedupeOptions;
  readonly #entries = new Map<string, Entry>();
  /**
   * The entries in insertion order from #head on, the oldest first, for expiry and the count limit; a slot
   * whose entry is no longer the map's is skipped. Not the Map's own order: V8 keeps a deleted entry's slot
   * until the table is rebuilt, and every iterator started at the front walks those slots again, so with
   * maxIds reached each claim cost tens to hundreds of µs (measured at 100,000 to 300,000 claims).
   */
  #order: Entry[] = [];
  #head = 0;

  constructor(options: DedupeOptions = DEFAULT_DEDUPE) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * True when `key` is new: it is remembered (call settle() with its outcome). False when it was seen in
   * the window: `duplicate` is called with the first one's position (at once, or once it is known).
   */
  claim(key: string, now: number, duplicate: Waiter): boolean {
    this.#expire(now);
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      const outcome = entry.outcome;
      if (outcome !== undefined) duplicate(asDuplicate(outcome));
      else if (entry.waiters === undefined) entry.waiters = [duplicate];
      else entry.waiters.push(duplicate);
      return false;
    }
    if (this.#options.maxIds === 0) return true;
    this.#add({ key, at: now, outcome: undefined, waiters: undefined });
    return true;
  }

  /** `key` was published elsewhere (another node) at `position`: a publish of it here is a duplicate. */
  remember(key: string, now: number, position: number): void {
    this.#expire(now);
    if (this.#options.maxIds === 0 || this.#entries.has(key)) return;
    this.#add({ key, at: now, outcome: { status: "ok", position }, waiters: undefined });
  }

  #add(entry: Entry): void {
    this.#entries.set(entry.key, entry);
    this.#order.push(entry);
    if (this.#entries.size > this.#options.maxIds) this.#dropOldest();
  }

  /** The first publish of `key` ended; a failed one is forgotten (sending it again is a new try). */
  settle(key: string, outcome: AckOutcome): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (outcome.status === "error") this.#entries.delete(key);
    else entry.outcome = outcome;
    if (waiters !== undefined) for (const waiter of waiters) waiter(asDuplicate(outcome));
  }

  #current(entry: Entry): boolean {
    return this.#entries.get(entry.key) === entry;
  }

  #expire(now: number): void {
    const oldest = now - this.#options.windowMs;
    for (; this.#head < this.#order.length; this.#head++) {
      const entry = this.#order[this.#head]!;
      if (!this.#current(entry)) continue;
      if (entry.at > oldest || entry.outcome === undefined) break;
      this.#entries.delete(entry.key);
    }
    this.#compact();
  }

  #dropOldest(): void {
    for (let i = this.#head; i < this.#order.length; i++) {
      const entry = this.#order[i]!;
      // A publish still being written stays: its duplicates must wait for it.
      if (!this.#current(entry) || entry.outcome === undefined) continue;
      this.#entries.delete(entry.key);
      break;
    }
    // Every id is still being written: the window holds them until they settle (bounded by what is in flight).
    while (this.#head < this.#order.length && !this.#current(this.#order[this.#head]!)) this.#head++;
    this.#compact();
  }

  /** Drops the slots before #head once they are most of the array (amortized O(1) a claim). */
  #compact(): void {
    if (this.#head < 1024 || this.#head * 2 < this.#order.length) return;
    this.#order = this.#order.slice(this.#head);
    this.#head = 0;
  }
}

function asDuplicate(outcome: AckOutcome): AckOutcome {
  return outcome.status === "ok" ? { status: "duplicate", position: outcome.position } : outcome;
}
