/**
 * The dedupe keys a data directory's open read back (docs/HISTORY.md §5): the newest ones within the
 * window, at most `maxIds`, oldest first, as the server's dedupe window held them before the restart.
 */
import type { KeyInRecord } from "./batch-record.js";

/** The key of an acknowledged publish, the position its message got, and when. */
export interface RecoveredKey {
  readonly key: string;
  readonly position: number;
  readonly time: number;
}

export class RecoveredKeys {
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #maxIds: number;
  /** Keys at or before this time are out of the window (read from the clock at the first key). */
  #oldest: number | undefined;
  /**
   * The newest keys read, as numbers (no object per key: most are pushed out by newer ones in a busy log),
   * decoded only at the end: a ring of at most maxIds, oldest at #head. Key i is in buffers[i] from
   * starts[i] to ends[i].
   */
  readonly #positions: number[] = [];
  readonly #times: number[] = [];
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #buffers: Buffer[] = [];
  #head = 0;
  #decoded: RecoveredKey[] | undefined;

  constructor(now: () => number, windowMs: number, maxIds: number) {
    this.#now = now;
    this.#windowMs = windowMs;
    this.#maxIds = maxIds;
  }

  get size(): number {
    return this.#decoded?.length ?? this.#positions.length;
  }

  /** True when a key of `time` is within the window (else it is not kept). */
  wants(time: number): boolean {
    if (this.#maxIds === 0) return false;
    this.#oldest ??= this.#now() - this.#windowMs;
    return time > this.#oldest;
  }

  /** Adds a key read from `buffer` (in log order: never older than the one before); the oldest goes beyond maxIds. */
  add(buffer: Buffer, key: KeyInRecord): void {
    let slot = this.#positions.length;
    if (slot === this.#maxIds) {
      slot = this.#head;
      this.#head = (slot + 1) % this.#maxIds;
    }
    this.#positions[slot] = key.position;
    this.#times[slot] = key.time;
    this.#starts[slot] = key.keyStart;
    this.#ends[slot] = key.keyEnd;
    this.#buffers[slot] = buffer;
  }

  /** The open is over: the keys kept are decoded, oldest first, and the segments' bytes let go. */
  finish(): void {
    const count = this.#positions.length;
    const decoded: RecoveredKey[] = [];
    for (let n = 0; n < count; n++) {
      const i = (this.#head + n) % count;
      const key = this.#buffers[i]!.toString("utf8", this.#starts[i], this.#ends[i]);
      decoded.push({ key, position: this.#positions[i]!, time: this.#times[i]! });
    }
    this.#decoded = decoded;
    for (const list of [this.#positions, this.#times, this.#starts, this.#ends, this.#buffers])
      list.length = 0;
    this.#head = 0;
  }

  /** The keys, oldest first, once: they are forgotten here. */
  take(): RecoveredKey[] {
    const keys = this.#decoded ?? [];
    this.#decoded = [];
    return keys;
  }
}
