/**
 * The history store's interface (docs/HISTORY.md): every published message gets the next position of
 * one server-wide sequence and is kept, within the limits, in memory (`MemoryHistoryStore`) or in an
 * append-only log of segment files (`openFileHistoryStore`). Both pass the same tests.
 */
import type { EventEmitter } from "node:events";
import type { Headers } from "../protocol/wire.js";
import type { HistoryRead, HistoryStart, HistoryStats } from "./history-index.js";
import type { RecoveredKey } from "./recovered-keys.js";

export type { HistoryRead, HistoryStart, HistoryStats } from "./history-index.js";
export type { StoredMessage } from "./record.js";
export type { RecoveredKey } from "./recovered-keys.js";

/**
 * The dedupe key (user and id) of an acknowledged publish in a batch, by the message's index: a file store
 * writes it beside the message, so that the dedupe window survives a restart (docs/HISTORY.md §4).
 */
export interface BatchKey {
  readonly index: number;
  readonly key: string;
}

/**
 * A batch's payloads where they also lie, in order, with `gap` bytes before and `after` bytes after each
 * one (the server's MSG frames of a batch without headers: each frame's head, then its payload; or its
 * text lines: the `[room] from: ` prefix, the payload, a newline), in a buffer that is never written again.
 * A memory store keeps it as the run's bytes instead of copying the payloads (one copy less per message,
 * `gap + after` more bytes held per message).
 */
export interface SharedPayloads {
  readonly bytes: Buffer;
  readonly gap: number;
  /** 0 when omitted. */
  readonly after?: number;
}

/** Something the store noticed while running that its owner should log (it never prints). */
export interface StoreWarning {
  /** What failed: removing an old segment, or a periodic fdatasync. */
  readonly kind: "remove-segment" | "fsync";
  readonly file: string;
  readonly error: Error;
}

export interface HistoryStore extends EventEmitter<{ warning: [StoreWarning] }> {
  /**
   * Names this history: it changes only when the history is lost (a new data directory, a wipe, a
   * memory store's restart), so a position means the same message for as long as the epoch is the same.
   */
  readonly epoch: string;
  readonly stats: HistoryStats;
  /**
   * Appends one message and returns its position at once (it is readable at once too). It is durable
   * (per the fsync policy) when `committed()` resolves; if it cannot be written, `committed()` rejects
   * and the message is removed from the history.
   */
  append(topic: string, payload: Uint8Array, from?: string, headers?: Headers, time?: number): number;
  /**
   * Appends a batch: consecutive messages of one topic from one sender (headers per message; missing
   * ones are empty), all with one time, and returns the first one's position (the others follow one by
   * one; an empty batch appends nothing and returns the position the next append gets). Like `count`
   * appends, but cheaper: the store keeps the batch together. ETOOLARGE for a message too large for a
   * record fails the whole batch, and nothing of it is kept. `keys`: the dedupe keys of the messages that
   * were acknowledged publishes (a file store writes them with the messages; a memory store has no use
   * for them). `shared`: the same payloads also lie in bytes that never change, which a memory store may
   * keep instead of its own copy (SharedPayloads).
   */
  appendBatch(
    topic: string,
    from: string,
    payloads: readonly Uint8Array[],
    headers?: readonly Headers[],
    time?: number,
    keys?: readonly BatchKey[],
    shared?: SharedPayloads,
  ): number;
  /**
   * The dedupe keys a file store read back on open, within its dedupe window, oldest first, once (a
   * second call returns none); none for a memory store. The server seeds its dedupe window with them.
   */
  takeRecoveredKeys(): readonly RecoveredKey[];
  /**
   * Resolves with the last position once every append made so far is durable per the fsync policy;
   * rejects with EnchufeError ESTOREFULL (disk full, file size limit) or ESTORE (another I/O error) when
   * they could not be written. One promise is shared by all the appends of one event-loop turn.
   */
  committed(): Promise<number>;
  /**
   * The newest position whose commit has resolved (durable per the fsync policy); appends above it are
   * readable but not yet written. What a client is sent, live or replayed, should stay at or below it.
   */
  readonly committedPosition: number;
  /** Messages on `pattern` (a topic or a wildcard pattern) from `start`, oldest first, at most `limit`. */
  read(pattern: string, start: HistoryStart, limit?: number): HistoryRead;
  /** Writes and syncs what is pending, then releases the files; appends after it throw ECLOSED. */
  close(): Promise<void>;
}
