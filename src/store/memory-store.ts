/** The history in memory only (the default): fast, bounded by the limits, gone when the process ends. */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { EnchufeError } from "../errors.js";
import type { Headers } from "../protocol/wire.js";
import { HistoryIndex, type HistoryRead, type HistoryStart } from "./history-index.js";
import type { HistoryStats, HistoryStore, StoreWarning } from "./history-store.js";
import { type HistoryLimits, historyLimits } from "./options.js";
import { recordSize } from "./record.js";

const NO_HEADERS: Headers = Object.freeze([]);

export class MemoryHistoryStore extends EventEmitter<{ warning: [StoreWarning] }> implements HistoryStore {
  /** A new random epoch every time: a memory history does not outlive its process. */
  readonly epoch: string = randomBytes(8).toString("hex");
  readonly #index: HistoryIndex;
  #closed = false;

  constructor(limits: Partial<HistoryLimits> = {}) {
    super();
    this.#index = new HistoryIndex(historyLimits(limits));
  }

  get stats(): HistoryStats {
    return this.#index.stats();
  }

  append(
    topic: string,
    payload: Uint8Array,
    from = "",
    headers: Headers = NO_HEADERS,
    time?: number,
  ): number {
    if (this.#closed) throw new EnchufeError("ECLOSED", "The history store is closed");
    const position = this.#index.lastPosition + 1;
    const at = this.#index.nextTime(time);
    // A copy: the caller may reuse its buffer.
    const kept = Buffer.from(payload);
    const size = recordSize(topic, from, headers, kept.byteLength);
    this.#index.add({ position, time: at, topic, from, headers, payload: kept, size, segment: 0 });
    return position;
  }

  /** In memory an append is as durable as it gets at once. */
  get committedPosition(): number {
    return this.#index.lastPosition;
  }

  committed(): Promise<number> {
    return Promise.resolve(this.#index.lastPosition);
  }

  read(pattern: string, start: HistoryStart, limit?: number): HistoryRead {
    return this.#index.read(pattern, start, limit);
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
