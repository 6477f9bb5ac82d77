/**
 * What both stores share: the kept messages (`HistoryIndex`), positions and times for new appends,
 * stats, reads and the closed state. A store says how it keeps one new message (`keep`), when appends
 * are committed, and what closing releases.
 */
import { EventEmitter } from "node:events";
import { EnchufeError } from "../errors.js";
import type { Headers } from "../protocol/wire.js";
import type { HistoryEntry, HistoryIndex, HistoryRead, HistoryStart, HistoryStats } from "./history-index.js";
import type { HistoryStore, StoreWarning } from "./history-store.js";
import { recordSize } from "./record.js";

const NO_HEADERS: Headers = Object.freeze([]);

/**
 * The entry for a new message whose record takes `size` bytes, with its own copy of `payload` (the
 * caller may reuse its buffer).
 */
export type KeepMessage = (
  position: number,
  time: number,
  topic: string,
  from: string,
  headers: Headers,
  payload: Uint8Array,
  size: number,
) => HistoryEntry;

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
    if (this.#closed) throw new EnchufeError("ECLOSED", "The history store is closed");
    const position = this.index.lastPosition + 1;
    const at = this.index.nextTime(time);
    const size = recordSize(topic, from, headers, payload.byteLength);
    this.index.add(this.keep(position, at, topic, from, headers, payload, size));
    return position;
  }

  read(pattern: string, start: HistoryStart, limit?: number): HistoryRead {
    return this.index.read(pattern, start, limit);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.release();
  }

  /** How this store keeps a new message (see KeepMessage); called before the entry joins the index. */
  protected abstract readonly keep: KeepMessage;

  /** Writes what is pending and frees the store's resources (close() calls it once). */
  protected abstract release(): Promise<void>;
}
