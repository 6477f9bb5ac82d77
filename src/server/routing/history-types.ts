/**
 * The router's view of the history (docs/HISTORY.md, docs/PROTOCOL.md §2.5): what it needs from a store
 * (src/store/ implements it; the router never imports it), and who it tells about acknowledged publishes
 * and replays. Structural types only.
 */
import type { Headers } from "../../protocol/frames.js";

/** A kept message as the history returns it. */
export interface HistoryMessage {
  readonly position: number;
  /** When the server kept it, ms since 1970. */
  readonly time: number;
  readonly topic: string;
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Uint8Array;
}

/** Where a read starts (a store's HistoryStart). */
export type HistoryFrom =
  | { readonly from: number }
  | { readonly last: number }
  | { readonly sinceTime: number };

/** The part of a history store the router uses (HistoryStore in src/store/ has it). */
export interface RouterHistory {
  readonly epoch: string;
  /** What it keeps now (the live view shows it). */
  readonly stats?: { readonly messages: number; readonly bytes: number; readonly topics: number };
  /** The newest position whose commit resolved: what a client may be sent. */
  readonly committedPosition: number;
  /**
   * Appends a batch of one topic from one sender; returns the first position (the others follow). `keys`:
   * the dedupe keys of its acknowledged publishes, by index (a file store writes them with the messages).
   * `shared`: the batch's MSG frames or text lines (no message has headers: `gap` bytes before each payload,
   * `after` after it), which a memory store may keep instead of copying the payloads.
   */
  appendBatch(
    topic: string,
    from: string,
    payloads: readonly Uint8Array[],
    headers?: readonly Headers[],
    time?: number,
    keys?: ReadonlyArray<{ readonly index: number; readonly key: string }>,
    shared?: { readonly bytes: Buffer; readonly gap: number; readonly after?: number },
  ): number;
  /**
   * The dedupe keys a data directory held (within the window, oldest first), once: the window goes on
   * across a restart. None for a memory store.
   */
  takeRecoveredKeys?(): ReadonlyArray<{
    readonly key: string;
    readonly position: number;
    readonly time: number;
  }>;
  /**
   * Keeps a batch a cluster's shared log positioned (above every kept position; a jump: those are lost).
   * A memory store has it; a history that has not cannot follow a shared log.
   */
  appendAt?(
    first: number,
    time: number,
    topic: string,
    from: string,
    payloads: readonly Uint8Array[],
    headers?: readonly Headers[],
  ): void;
  /** Forgets everything and takes `epoch` (the shared log's, at start or once the log itself was lost). */
  restart?(epoch: string): void;
  /** Resolves once every append so far is written per the fsync policy; rejects (ESTOREFULL, ESTORE) if not. */
  committed(): Promise<number>;
  read(
    pattern: string,
    start: HistoryFrom,
    limit?: number,
  ): { readonly messages: readonly HistoryMessage[]; readonly complete: boolean; readonly more: boolean };
}

/** The history as the live view shows it (/varz `history`, /metrics `enchufe_history_*`). */
export interface HistoryView {
  /** False with --history 0. */
  readonly enabled: boolean;
  /** True in a cluster whose nodes share one log (this history is this node's copy of it). */
  readonly shared: boolean;
  readonly epoch: string;
  /** The newest position kept and written (what a client may have been sent). */
  readonly position: number;
  readonly messages: number;
  readonly bytes: number;
  readonly topics: number;
}

/** How a publish with an id (APUB) ended: what PUBACK says. */
export type AckOutcome =
  | { readonly status: "ok" | "duplicate"; readonly position: number }
  | { readonly status: "error"; readonly code: number; readonly message: string };

/** A publisher that asked for acknowledgements. */
export interface Acker {
  readonly isOpen: boolean;
  acked(id: string, outcome: AckOutcome): void;
}

/** A subscriber that asked for a replay (RSUB): it gets HMSG frames, then REPLAYED. */
export interface ReplayTarget {
  readonly isOpen: boolean;
  readonly pendingBytes: number;
  /** True while the subscription `sid` is still the one this replay is for (`token` identifies it). */
  replaying(sid: number, token: object): boolean;
  /** One replayed message for `sid` (an HMSG frame). */
  replayMessage(sid: number, message: HistoryMessage): void;
  /** The replay of `sid` is over: live messages follow. */
  replayed(sid: number, recovered: boolean, epoch: string, position: number, count: number): void;
  /** Calls `then` once the output waiting for this target was handed to the system. */
  whenDrained(then: () => void): void;
}
