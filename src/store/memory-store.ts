/** The history in memory only (the default): fast, bounded by the limits, gone when the process ends. */
import { randomBytes } from "node:crypto";
import { HistoryIndex } from "./history-index.js";
import { IndexedHistoryStore, type KeepMessage } from "./indexed-store.js";
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

  protected readonly keep: KeepMessage = (position, time, topic, from, headers, payload, size) => {
    const copy = Buffer.from(payload);
    return { position, time, topic, from, headers, payload: copy, size, segment: 0 };
  };

  protected release(): Promise<void> {
    return Promise.resolve();
  }
}
