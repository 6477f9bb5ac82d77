/** The history in memory only (the default): fast, bounded by the limits, gone when the process ends. */
import { randomBytes } from "node:crypto";
import { PLAIN_SHARE } from "./batch-record.js";
import { HistoryIndex } from "./history-index.js";
import { HistoryRun } from "./history-run.js";
import { IndexedHistoryStore, type KeepBatch } from "./indexed-store.js";
import { type HistoryLimits, historyLimits } from "./options.js";

export class MemoryHistoryStore extends IndexedHistoryStore {
  /** A new random epoch every time: a memory history does not outlive its process. */
  #epoch: string = randomBytes(8).toString("hex");

  constructor(limits: Partial<HistoryLimits> = {}) {
    super(new HistoryIndex(historyLimits(limits)));
  }

  get epoch(): string {
    return this.#epoch;
  }

  /**
   * Forgets every message and takes `epoch`: a node's copy of a cluster's shared log follows the log's
   * epoch (at start, and when the log itself was lost).
   */
  restart(epoch: string): void {
    this.index.clear();
    this.#epoch = epoch;
  }

  /** In memory an append is as durable as it gets at once. */
  get committedPosition(): number {
    return this.index.lastPosition;
  }

  committed(): Promise<number> {
    return Promise.resolve(this.index.lastPosition);
  }

  /**
   * One run with its own copy of the payloads, back to back, or the batch's shared bytes when it came with
   * them (SharedPayloads: no copy; the server's MSG frames of a batch without headers). Each payload is copied with `set()` (a
   * builtin that reads the view's buffer and offset itself): reading `buffer` and `byteOffset` here to
   * copy a batch's span at once cost more (~21 ns per payload for the two getters) than the copies.
   */
  protected keep(batch: KeepBatch): readonly HistoryRun[] {
    const { first, time, topic, from, headers, sizeEnds, payloads, shared } = batch;
    const count = payloads.length;
    let offset = 0;
    if (headers === undefined) {
      // No headers: the run finds each payload from the record sizes (HistoryRun), no bounds kept; the
      // sizes also give the payloads' total.
      const plainBase = sizeEnds[0]! - PLAIN_SHARE - payloads[0]!.length;
      const total = sizeEnds[count - 1]! - plainBase - PLAIN_SHARE * count;
      const around = shared === undefined ? 0 : shared.gap + (shared.after ?? 0);
      if (shared !== undefined && shared.bytes.length === total + around * count) {
        // The payloads already lie in bytes nobody writes again (the batch's MSG frames): kept as they are.
        const { bytes, gap, after = 0 } = shared;
        return [
          new HistoryRun(
            first,
            time,
            topic,
            from,
            0,
            bytes,
            undefined,
            sizeEnds,
            headers,
            plainBase,
            gap,
            after,
          ),
        ];
      }
      const bytes = Buffer.allocUnsafe(total);
      for (let i = 0; i < count; i++) {
        const payload = payloads[i]!;
        bytes.set(payload, offset);
        offset += payload.length;
      }
      return [new HistoryRun(first, time, topic, from, 0, bytes, undefined, sizeEnds, headers, plainBase)];
    }
    // `length`, not `byteLength`: the same for bytes, and much faster on a Buffer.
    let total = 0;
    for (let i = 0; i < count; i++) total += payloads[i]!.length;
    const bytes = Buffer.allocUnsafe(total);
    // Message i's payload is bytes[bounds[2i], bounds[2i + 1]).
    const bounds = new Array<number>(2 * count);
    for (let i = 0; i < count; i++) {
      const payload = payloads[i]!;
      bytes.set(payload, offset);
      bounds[2 * i] = offset;
      offset += payload.length;
      bounds[2 * i + 1] = offset;
    }
    return [new HistoryRun(first, time, topic, from, 0, bytes, bounds, sizeEnds, headers)];
  }

  protected release(): Promise<void> {
    return Promise.resolve();
  }
}
