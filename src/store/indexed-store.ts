/**
 * What both stores share: the kept messages (`HistoryIndex`), positions and times for new appends,
 * stats, reads and the closed state. A batch of messages is appended at once: one time, one size
 * computation, kept as one run (history-run.ts). A store says how it keeps a batch (`keep`), when
 * appends are committed, and what closing releases.
 */
import { EventEmitter } from "node:events";
import { EnchufeError } from "../errors.js";
import type { Headers } from "../protocol/wire.js";
import { batchBase, batchShare, PLAIN_SHARE } from "./batch-record.js";
import type { HistoryIndex, HistoryRead, HistoryStart, HistoryStats } from "./history-index.js";
import type { HistoryRun } from "./history-run.js";
import type { BatchKey, HistoryStore, RecoveredKey, SharedPayloads, StoreWarning } from "./history-store.js";
import { MAX_BODY_BYTES, RECORD_HEADER_BYTES, tooLarge } from "./record.js";

const NO_HEADERS: Headers = Object.freeze([]);

/** A batch to keep: consecutive messages of one topic from one sender, with one time. */
export interface KeepBatch {
  /** The position of the first message; the others follow one by one. */
  readonly first: number;
  readonly time: number;
  readonly topic: string;
  readonly from: string;
  readonly payloads: readonly Uint8Array[];
  /** Per message; undefined when no message has any. */
  readonly headers: readonly Headers[] | undefined;
  /** The bytes of messages 0..i in one batch record (batch-record.ts), summed: the first carries the record's own. */
  readonly sizeEnds: readonly number[];
  /** The dedupe keys of its acknowledged publishes, if any. */
  readonly keys: readonly BatchKey[] | undefined;
  /** Where the payloads also lie, for a store that may keep those bytes (SharedPayloads). */
  readonly shared: SharedPayloads | undefined;
}

export abstract class IndexedHistoryStore
  extends EventEmitter<{ warning: [StoreWarning] }>
  implements HistoryStore
{
  abstract readonly epoch: string;
  protected readonly index: HistoryIndex;
  #closed = false;

  constructor(index: HistoryIndex) {
    super();
    this.index = index;
  }

  get stats(): HistoryStats {
    return this.index.stats();
  }

  abstract get committedPosition(): number;

  abstract committed(): Promise<number>;

  append(
    topic: string,
    payload: Uint8Array,
    from = "",
    headers: Headers = NO_HEADERS,
    time?: number,
  ): number {
    return this.appendBatch(topic, from, [payload], [headers], time);
  }

  appendBatch(
    topic: string,
    from: string,
    payloads: readonly Uint8Array[],
    headers?: readonly Headers[],
    time?: number,
    keys?: readonly BatchKey[],
    shared?: SharedPayloads,
  ): number {
    const first = this.index.lastPosition + 1;
    this.#keepBatch(first, this.index.nextTime(time), topic, from, payloads, headers, keys, shared);
    return first;
  }

  /** None here; a file store has the keys it read back on open. */
  takeRecoveredKeys(): readonly RecoveredKey[] {
    return [];
  }

  /**
   * Keeps a batch whose positions a shared log gave (a cluster's, docs/HISTORY.md §10): `first` is above
   * every kept position, and the log's sequence has no holes, so a jump over positions means messages this
   * store never got: they are marked lost (a read from before them is not complete).
   */
  appendAt(
    first: number,
    time: number,
    topic: string,
    from: string,
    payloads: readonly Uint8Array[],
    headers?: readonly Headers[],
  ): void {
    const last = this.index.lastPosition;
    if (first > last + 1) this.index.markLost(first - 1, time);
    this.#keepBatch(first, this.index.nextTime(time), topic, from, payloads, headers, undefined, undefined);
  }

  #keepBatch(
    first: number,
    at: number,
    topic: string,
    from: string,
    payloads: readonly Uint8Array[],
    headers: readonly Headers[] | undefined,
    keys: readonly BatchKey[] | undefined,
    shared: SharedPayloads | undefined,
  ): void {
    if (this.#closed) throw new EnchufeError("ECLOSED", "The history store is closed");
    const count = payloads.length;
    if (count === 0) return;
    // Every size first: a message too large for a record fails the batch before anything is kept. The
    // sizes are a batch record's (batch-record.ts): the first message carries the record's own bytes.
    const base = batchBase(topic, from);
    const sizeEnds = new Array<number>(count);
    let total = base;
    let anyHeaders = false;
    if (headers === undefined) {
      // No message has headers (the common batch): each share is PLAIN_SHARE and its payload.
      const largest = MAX_BODY_BYTES + RECORD_HEADER_BYTES - base - PLAIN_SHARE;
      for (let i = 0; i < count; i++) {
        // `length`, not `byteLength`: the same for bytes, and much faster on a Buffer.
        const length = payloads[i]!.length;
        if (length > largest) throw tooLarge(base + PLAIN_SHARE + length - RECORD_HEADER_BYTES);
        total += PLAIN_SHARE + length;
        sizeEnds[i] = total;
      }
    } else {
      for (let i = 0; i < count; i++) {
        const own = headers[i] ?? NO_HEADERS;
        if (own.length > 0) anyHeaders = true;
        const share = batchShare(own, payloads[i]!.length);
        if (base + share - RECORD_HEADER_BYTES > MAX_BODY_BYTES)
          throw tooLarge(base + share - RECORD_HEADER_BYTES);
        total += share;
        sizeEnds[i] = total;
      }
    }
    const kept = anyHeaders ? Array.from({ length: count }, (_, i) => headers?.[i] ?? NO_HEADERS) : undefined;
    const batch = { first, time: at, topic, from, payloads, headers: kept, sizeEnds, keys, shared };
    for (const run of this.keep(batch)) {
      this.index.add(run);
    }
  }

  read(pattern: string, start: HistoryStart, limit?: number): HistoryRead {
    return this.index.read(pattern, start, limit);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.release();
  }

  /**
   * The runs that keep `batch` (one, or one per segment file it goes into), with their own copy of the
   * payloads (the caller may reuse its buffers); they join the index in position order.
   */
  protected abstract keep(batch: KeepBatch): readonly HistoryRun[];

  /** Writes what is pending and frees the store's resources (close() calls it once). */
  protected abstract release(): Promise<void>;
}
