/**
 * The dedupe keys a data directory's open read back (docs/HISTORY.md §5): the newest ones within the
 * window, at most `maxIds`, oldest first, as the server's dedupe window held them before the restart.
 */

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
  #keys: RecoveredKey[] = [];
  /** The oldest key still wanted; those before it were pushed out by newer ones. */
  #head = 0;

  constructor(now: () => number, windowMs: number, maxIds: number) {
    this.#now = now;
    this.#windowMs = windowMs;
    this.#maxIds = maxIds;
  }

  get size(): number {
    return this.#keys.length - this.#head;
  }

  /** True when a key of `time` is within the window (else it is not worth decoding). */
  wants(time: number): boolean {
    if (this.#maxIds === 0) return false;
    this.#oldest ??= this.#now() - this.#windowMs;
    return time > this.#oldest;
  }

  /** Adds a key (in log order: never older than the one before); the oldest goes beyond maxIds. */
  add(key: RecoveredKey): void {
    this.#keys.push(key);
    if (this.#keys.length - this.#head > this.#maxIds) this.#head++;
    if (this.#head >= 1024 && this.#head * 2 >= this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The keys, oldest first, once: they are forgotten here. */
  take(): RecoveredKey[] {
    const keys = this.#keys.slice(this.#head);
    this.#keys = [];
    this.#head = 0;
    return keys;
  }
}
