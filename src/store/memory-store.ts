/** The history in memory only (the default): fast, bounded by the limits, gone when the process ends. */
import { randomBytes } from "node:crypto";
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
   * One run with its own copy of the payloads. Those of a batch usually lie in order in one read buffer
   * with only frame headers between them: then one copy of that span (the bytes between are kept too,
   * at most half as many as the payloads'); else each payload is copied, back to back.
   */
  protected keep(batch: KeepBatch): readonly HistoryRun[] {
    const { first, time, topic, from, headers, sizeEnds, payloads } = batch;
    const count = payloads.length;
    const source = payloads[0]!.buffer;
    // Where each payload starts in its buffer, then where it starts in the run's bytes. (`length`, not
    // `byteLength`: the same for bytes, and much faster on a Buffer.)
    const bounds = new Array<number>(2 * count);
    let total = 0;
    let inOrder = true;
    let end = 0;
    for (let i = 0; i < count; i++) {
      const payload = payloads[i]!;
      const start = payload.byteOffset;
      const length = payload.length;
      if (start < end || payload.buffer !== source) inOrder = false;
      end = start + length;
      bounds[2 * i] = start;
      bounds[2 * i + 1] = end;
      total += length;
    }
    const spanStart = bounds[0]!;
    let bytes: Buffer;
    if (inOrder && end - spanStart <= total + (total >>> 1)) {
      bytes = Buffer.allocUnsafe(end - spanStart);
      bytes.set(new Uint8Array(source, spanStart, end - spanStart));
      for (let i = 0; i < 2 * count; i++) bounds[i] = bounds[i]! - spanStart;
    } else {
      bytes = Buffer.allocUnsafe(total);
      let offset = 0;
      for (let i = 0; i < count; i++) {
        const payload = payloads[i]!;
        bytes.set(payload, offset);
        bounds[2 * i] = offset;
        offset += payload.length;
        bounds[2 * i + 1] = offset;
      }
    }
    return [new HistoryRun(first, time, topic, from, 0, bytes, bounds, sizeEnds, headers)];
  }

  protected release(): Promise<void> {
    return Promise.resolve();
  }
}
