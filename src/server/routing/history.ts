/**
 * The router's history (docs/PROTOCOL.md §2.5, docs/HISTORY.md §6): every room or topic message gets its
 * position before it goes out, and goes out only once the store has written it (a client never sees a
 * position a crash could give again); acknowledgements and the dedupe window of APUB; the replays of RSUB.
 */
import { EnchufeError } from "../../errors.js";
import { ErrCode, SubStart } from "../../protocol/frames.js";
import { Dedupe, type DedupeOptions } from "./dedupe.js";
import type { Delivery } from "./delivery.js";
import type {
  AckOutcome,
  HistoryFrom,
  HistoryMessage,
  HistoryView,
  ReplayTarget,
  RouterHistory,
} from "./history-types.js";
import type { SharedLog } from "./interfaces.js";
import { Replay } from "./replay.js";

/** How long a replay from a position this node's copy of the shared log has not reached yet waits for it. */
const CATCH_UP_MS = 5000;
const ignore = (): void => {};

/** What the history tells its owner: a write failed (messages go out live, not kept), or works again. */
export type HistoryTrouble =
  | { readonly kind: "failing"; readonly error: unknown }
  | { readonly kind: "recovered" };

export class RoutedHistory {
  readonly #history: RouterHistory | undefined;
  readonly #dedupe: Dedupe;
  readonly #onTrouble: (trouble: HistoryTrouble) => void;
  /** Delivers the read turn's open batch, so a read sees what was published before it. */
  readonly #beforeRead: () => void;
  /** A replay waits while this much output is pending for its subscriber. */
  readonly #replayPauseBytes: number;
  /** A cluster's shared log: it positions the messages; this history is this node's copy of it. */
  readonly #log: SharedLog | undefined;
  /** Replays waiting for this node's copy of the log to reach the position they start after. */
  readonly #waiting = new Set<{ readonly position: number; readonly run: () => void }>();
  /** The first position of the shared log's current epoch in this copy (0: none read yet). */
  #epochStart = 0;
  /** The log's epoch before the current one, when this copy read both ("" otherwise). */
  #previousEpoch = "";
  #lastAppended = 0;
  #failing = false;

  constructor(
    history: RouterHistory | undefined,
    options: {
      dedupe: DedupeOptions;
      replayPauseBytes: number;
      onTrouble?: ((trouble: HistoryTrouble) => void) | undefined;
      beforeRead?: () => void;
      log?: SharedLog | undefined;
    },
  ) {
    if (options.log !== undefined && history !== undefined) {
      if (history.appendAt === undefined || history.restart === undefined) {
        throw new EnchufeError(
          "EOPTION",
          "A cluster keeps one history, in Redis, and each node a copy in memory: the history option must be a memory store (no data directory).",
        );
      }
      this.#log = options.log;
    }
    this.#beforeRead = options.beforeRead ?? ignore;
    this.#history = history;
    this.#dedupe = new Dedupe(options.dedupe);
    // A data directory's keys (docs/HISTORY.md §4): an APUB sent again after a restart is still a duplicate.
    const recovered = history?.takeRecoveredKeys?.() ?? [];
    for (const { key, time, position } of recovered) this.#dedupe.remember(key, time, position);
    this.#replayPauseBytes = options.replayPauseBytes;
    this.#onTrouble = options.onTrouble ?? ignore;
  }

  get enabled(): boolean {
    return this.#history !== undefined;
  }

  /** The live view's summary of the history. */
  view(): HistoryView {
    const history = this.#history;
    const stats = history?.stats;
    return {
      enabled: history !== undefined,
      shared: this.#log !== undefined,
      epoch: this.epoch,
      position: history?.committedPosition ?? 0,
      messages: stats?.messages ?? 0,
      bytes: stats?.bytes ?? 0,
      topics: stats?.topics ?? 0,
    };
  }

  /** True when a cluster's shared log positions the messages (this history is this node's copy). */
  get followsLog(): boolean {
    return this.#log !== undefined;
  }

  get epoch(): string {
    return this.#log === undefined ? (this.#history?.epoch ?? "") : this.#log.epoch;
  }

  /**
   * Gives `delivery` its positions, then calls `send` once the messages may go out (at once in memory;
   * after the write on disk), then answers the publishers that asked for PUBACK. A message the store
   * could not keep goes out with position 0 (live, not kept) and its publisher gets an error. `framed`: a
   * recipient here takes the batch's MSG frames (Delivery.frame()).
   */
  keep(delivery: Delivery, send: (delivery: Delivery) => void, framed = false): void {
    const history = this.#history;
    if (history === undefined || delivery.isPrivate || delivery.count === 0) {
      send(delivery);
      this.#settle(delivery, undefined);
      return;
    }
    if (this.#log !== undefined) {
      this.#log.append(delivery, (error) => {
        send(delivery);
        this.#settle(delivery, error);
      });
      return;
    }
    let first: number;
    try {
      // One append for the whole batch: one time stamp, one copy (docs/HISTORY.md §9).
      // With the dedupe keys of its APUBs, if any: on disk they are written with the messages.
      // `framed`: a recipient takes the batch's MSG frames, so they are encoded now and kept as they are;
      // else the text lines a room member rendered (Router.#deliver), if they are the payloads as they are.
      const { topic, from, payloads, headerList, acks } = delivery;
      const shared = framed ? delivery.sharedFrames() : delivery.sharedLines();
      first = history.appendBatch(topic, from, payloads, headerList, undefined, acks, shared);
    } catch (error) {
      // A closed store (shutdown): the messages still go out live.
      send(delivery);
      this.#settle(delivery, error);
      return;
    }
    delivery.position = first;
    const last = first + delivery.count - 1;
    this.#lastAppended = last;
    if (history.committedPosition >= last) {
      send(delivery);
      this.#settle(delivery, undefined);
      return;
    }
    history.committed().then(
      () => {
        if (this.#failing) {
          this.#failing = false;
          this.#onTrouble({ kind: "recovered" });
        }
        send(delivery);
        this.#settle(delivery, undefined);
      },
      (error: unknown) => {
        if (!this.#failing) {
          this.#failing = true;
          this.#onTrouble({ kind: "failing", error });
        }
        delivery.position = 0;
        send(delivery);
        this.#settle(delivery, error);
      },
    );
  }

  /**
   * A batch back from the shared log, in its order: kept in this node's copy at the log's positions, then
   * `send`, then its publishers' PUBACKs (on the node that appended it). A new log epoch (the log was lost)
   * starts this copy anew.
   */
  logged(
    delivery: Delivery,
    first: number,
    time: number,
    epoch: string,
    send: (delivery: Delivery) => void,
  ): void {
    const history = this.#history!;
    if (history.epoch !== epoch) {
      // The copy's first epoch is a memory store's own: only a log epoch this copy read is a previous one.
      this.#previousEpoch = this.#epochStart > 0 ? history.epoch : "";
      history.restart!(epoch);
      this.#epochStart = first;
    }
    try {
      history.appendAt!(first, time, delivery.topic, delivery.from, delivery.payloads, delivery.headerList);
      delivery.position = first;
    } catch (error) {
      send(delivery);
      this.#settle(delivery, error);
      return;
    }
    send(delivery);
    this.#settle(delivery, undefined);
    const keys = delivery.publishedKeys;
    if (keys !== undefined) {
      const now = Date.now();
      for (const { index, key } of keys) this.#dedupe.remember(key, now, first + index);
    }
    for (const waiter of this.#waiting) {
      if (waiter.position <= history.committedPosition) waiter.run();
    }
  }

  /**
   * An APUB with dedupe key `key`: true when it is new (publish it with the ack); false when it is a
   * duplicate, answered through `duplicate` with the first one's position.
   */
  claim(key: string, duplicate: (outcome: AckOutcome) => void): boolean {
    return this.#dedupe.claim(key, Date.now(), duplicate);
  }

  /** Resolves once every message appended so far is written (PONG waits for it); undefined when all are. */
  pendingWrite(): Promise<void> | undefined {
    if (this.#log !== undefined) return this.#log.settled();
    const history = this.#history;
    if (history === undefined || history.committedPosition >= this.#lastAppended) return undefined;
    return history.committed().then(ignore, ignore);
  }

  /** The last `count` written messages of `topic`, oldest first (text users' /history and join replay). */
  recent(topic: string, count: number): HistoryMessage[] {
    const history = this.#history;
    if (history === undefined || count <= 0) return [];
    this.#beforeRead();
    const committed = history.committedPosition;
    return history.read(topic, { last: count }).messages.filter((message) => message.position <= committed);
  }

  /** RSUB: replays `pattern` from `start`/`value` to `target`'s subscription `sid`, then REPLAYED. */
  replay(
    target: ReplayTarget,
    sid: number,
    token: object,
    pattern: string,
    start: number,
    value: number,
    epoch: string,
  ): void {
    const history = this.#history;
    this.#beforeRead();
    if (history === undefined) {
      target.replayed(sid, start === SubStart.NEW, "", 0, 0);
      return;
    }
    if (start === SubStart.NEW) {
      target.replayed(sid, true, this.epoch, history.committedPosition, 0);
      return;
    }
    let from: HistoryFrom;
    let recovered = true;
    if (start === SubStart.LAST) from = { last: value };
    else if (start === SubStart.TIME) from = { sinceTime: value };
    else if (epoch !== "" && epoch !== this.epoch && !this.#continues(epoch, value)) {
      // Another history: the client's position means nothing here; everything kept is new to it.
      from = { from: 1 };
      recovered = false;
    } else from = { from: Math.max(1, value) };
    const replay = new Replay(
      history,
      this,
      target,
      sid,
      token,
      pattern,
      from,
      recovered,
      this.#replayPauseBytes,
    );
    if (this.#log !== undefined && "from" in from && from.from - 1 > history.committedPosition) {
      // The client saw a position (on another node) this copy of the log has not reached yet.
      this.#waitFor(from.from - 1, () => replay.run());
    } else replay.run();
  }

  /**
   * A resume from `position` in `epoch`, the shared log's epoch before the current one, past the current
   * one's start: the client already had live messages of the new epoch (a shared log's positions go on
   * across an epoch change), so it resumes here instead of starting over with duplicates.
   */
  #continues(epoch: string, position: number): boolean {
    return epoch === this.#previousEpoch && position - 1 >= this.#epochStart;
  }

  /** Runs `run` once this node's copy of the shared log reaches `position`, or after CATCH_UP_MS. */
  #waitFor(position: number, run: () => void): void {
    const waiter = {
      position,
      run: () => {
        clearTimeout(timer);
        this.#waiting.delete(waiter);
        run();
      },
    };
    const timer = setTimeout(waiter.run, CATCH_UP_MS);
    timer.unref();
    this.#waiting.add(waiter);
  }

  #settle(delivery: Delivery, error: unknown): void {
    const acks = delivery.acks;
    if (acks === undefined) return;
    delivery.acks = undefined;
    for (const ack of acks) {
      const outcome: AckOutcome =
        error === undefined
          ? { status: "ok", position: delivery.position === 0 ? 0 : delivery.position + ack.index }
          : notKept(error);
      this.#dedupe.settle(ack.key, outcome);
      if (ack.to.isOpen) ack.to.acked(ack.id, outcome);
    }
  }
}

function notKept(error: unknown): AckOutcome {
  const full = error instanceof EnchufeError && error.code === "ESTOREFULL";
  const why = error instanceof Error ? error.message : String(error);
  return {
    status: "error",
    code: full ? ErrCode.STORE_FULL : ErrCode.STORE_ERROR,
    message: `delivered live but not kept in the history: ${why}`,
  };
}
