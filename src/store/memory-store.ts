/** The history in memory only (the default): fast, bounded by the limits, gone when the process ends. */
import { randomBytes } from "node:crypto";
import { HistoryIndex } from "./history-index.js";
import { HistoryRun } from "./history-run.js";
import { IndexedHistoryStore, type KeepBatch } from "./indexed-store.js";
import { type HistoryLimits, historyLimits } from "./options.js";

export class MemoryHistoryStore extends IndexedHistoryStore {
  /** A new random epoch every time: a memory history does not outlive its process. */
  readonly epoch: string = randomBytes(8).toString("hex");

  constructor(limits: Partial<HistoryLimits> = {}) {
    super(new HistoryIndex(historyLimits(limits)));
  }

  /** In memory an append is as durable as it gets at once. */
  get committedPosition(): number {
    return this.index.lastPosition;
  }

  committed(): Promise<number> {
    return Promise.resolve(this.index.lastPosition);
  }

  /** One run; the batch's payloads copied back to back into one buffer. */
  protected keep(batch: KeepBatch): readonly HistoryRun[] {
    const payloads = batch.payloads;
    let total = 0;
    for (const payload of payloads) total += payload.byteLength;
    const bytes = Buffer.allocUnsafe(total);
    const bounds = new Array<number>(2 * payloads.length);
    let offset = 0;
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i]!;
      bytes.set(payload, offset);
      bounds[2 * i] = offset;
      offset += payload.byteLength;
      bounds[2 * i + 1] = offset;
    }
    const { first, time, topic, from, headers, sizeEnds } = batch;
    return [new HistoryRun(first, time, topic, from, 0, bytes, bounds, sizeEnds, headers)];
  }

  protected release(): Promise<void> {
    return Promise.resolve();
  }
}
