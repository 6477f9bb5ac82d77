/**
 * What a subscriber receives, the async-iterable queue behind each subscription, and where a subscription
 * resumes from after a reconnect (its epoch and the last position it delivered: docs/PROTOCOL.md §2.5).
 */
import { encodeFrame, type Headers, SubStart } from "../protocol/frames.js";

/** A message as a subscriber receives it. */
export interface Message {
  readonly topic: string;
  /** The publisher's nickname or client name. */
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Uint8Array;
  /** True for a direct (private) message. */
  readonly private: boolean;
  /**
   * The message's position in the server's history (one sequence for the whole server; it grows but
   * skips): 0 when it is not kept (a direct message, `--history 0`, a server too old to say).
   */
  readonly position: number;
  /** When the server kept it (ms since 1970): set for messages replayed from the history. */
  readonly time?: number | undefined;
}

/**
 * Where a subscription begins: only new messages (the default), the last N kept on its pattern, every kept
 * message from a position on (in `epoch`: the history it belongs to), or every one kept since a time.
 */
export type SubscribeStart =
  | { readonly last: number }
  | { readonly since: number; readonly epoch?: string | undefined }
  | { readonly sinceTime: Date | number };

/** What the end of a replay said (the `replayed` event): whether everything asked for was still kept. */
export interface ReplayInfo {
  readonly subscription: Subscription<Message>;
  /** False when some of what the start asked for was already gone: never a silent gap. */
  readonly recovered: boolean;
  /** The history's name; it changes only when the history was lost. */
  readonly epoch: string;
  /** The newest position the replay covered. */
  readonly position: number;
  /** Messages replayed. */
  readonly count: number;
}

/** RSUB's start and value for `start` (the default: only new messages). */
function startFields(start: SubscribeStart | undefined): { start: number; value: number; epoch: string } {
  if (start === undefined) return { start: SubStart.NEW, value: 0, epoch: "" };
  if ("last" in start) return { start: SubStart.LAST, value: start.last, epoch: "" };
  if ("since" in start) return { start: SubStart.POSITION, value: start.since, epoch: start.epoch ?? "" };
  const time = start.sinceTime instanceof Date ? start.sinceTime.getTime() : start.sinceTime;
  return { start: SubStart.TIME, value: time, epoch: "" };
}

/** A request delivered to a responder subscription; answer it once with respond(). */
export interface IncomingRequest {
  readonly name: string;
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Uint8Array;
  respond(payload: string | Uint8Array, options?: { status?: number; headers?: Headers }): void;
}

/**
 * A FIFO that a producer pushes into and a consumer iterates with `for await`.
 * Bounded: push() returns false when full (the caller reports it; nothing is dropped silently).
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #waiters: Array<(result: IteratorResult<T>) => void> = [];
  readonly #max: number;
  #head = 0;
  #ended = false;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** The most items it holds for a consumer that does not read. */
  get max(): number {
    return this.#max;
  }

  push(item: T): boolean {
    if (this.#ended) return true;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter({ value: item, done: false });
      return true;
    }
    if (this.size >= this.#max) return false;
    this.#items.push(item);
    return true;
  }

  /** Ends iteration once the queued items are consumed. */
  end(): void {
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const value = this.#items[this.#head] as T;
      this.#items[this.#head++] = undefined as T;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** A live subscription: iterate it with `for await`; `unsubscribe()` ends the iteration. */
export class Subscription<T = Message> implements AsyncIterable<T> {
  readonly sid: number;
  readonly pattern: string;
  readonly responder: boolean;
  /** The queue group this subscription shares its messages with, if any (docs/PROTOCOL.md §2.4). */
  readonly group: string | undefined;
  /** @internal the queue the client pushes into */
  readonly queue: AsyncQueue<T>;
  readonly #unsubscribe: (subscription: Subscription<T>) => void;
  readonly #start: SubscribeStart | undefined;
  #closed = false;
  #error: Error | undefined;
  /** @internal The history this subscription's positions belong to ("" until a replay said). */
  epoch = "";
  /** @internal The newest position delivered or covered by a replay (0: none yet). */
  lastPosition = 0;
  /** @internal Between RSUB and its REPLAYED: live messages are in the replay, so they are skipped. */
  replaying = false;
  /** After a first REPLAYED (or a delivered position), a new RSUB resumes from the position after. */
  #resumes = false;

  constructor(
    sid: number,
    pattern: string,
    responder: boolean,
    maxQueued: number,
    unsubscribe: (subscription: Subscription<T>) => void,
    options: { group?: string | undefined; start?: SubscribeStart | undefined } = {},
  ) {
    this.sid = sid;
    this.pattern = pattern;
    this.responder = responder;
    this.group = options.group;
    this.#start = options.start;
    this.queue = new AsyncQueue<T>(maxQueued);
    this.#unsubscribe = unsubscribe;
  }

  /** True for a subscription that replays and resumes (not a responder, not in a queue group). */
  get resumable(): boolean {
    return !this.responder && this.group === undefined;
  }

  /**
   * @internal The frame that asks the server for this subscription: GSUB for a queue group, SUB for a
   * responder or on a version-1 server, else RSUB: from its start the first time, then (after a
   * reconnect) from the position after the last one it delivered, so nothing is missed or repeated.
   */
  subscribeFrame(version: number): Buffer {
    const { sid, pattern, responder, group } = this;
    if (group !== undefined) return encodeFrame({ type: "GSUB", sid, pattern, group });
    if (responder || version < 2) return encodeFrame({ type: "SUB", sid, pattern, responder });
    this.replaying = true;
    const fields =
      this.#resumes || this.lastPosition > 0
        ? { start: SubStart.POSITION, value: this.lastPosition + 1, epoch: this.epoch }
        : startFields(this.#start);
    return encodeFrame({ type: "RSUB", sid, pattern, ...fields });
  }

  /** @internal REPLAYED for this subscription: live from here, resumable from `position`. */
  replayed(epoch: string, position: number): void {
    this.replaying = false;
    // The replay covered every kept message up to `position` (in that epoch, which may be a new one). In
    // the same epoch it never goes back: a cluster node may not have read the shared log as far as the node
    // this subscription came from, and what it has not read yet was delivered already.
    this.lastPosition = epoch === this.epoch ? Math.max(this.lastPosition, position) : position;
    this.epoch = epoch;
    this.#resumes = true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Why the server refused or ended this subscription (e.g. EDENIED), if it did. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** @internal The server refused the subscription: iteration ends, `error` tells why. */
  fail(error: Error): void {
    this.#error = error;
    this.#closed = true;
    this.queue.end();
  }

  /** Stops the subscription on the server and ends the iteration after queued messages. */
  unsubscribe(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe(this);
    this.queue.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const iterator = this.queue[Symbol.asyncIterator]();
    return {
      next: () => iterator.next(),
      return: () => {
        this.unsubscribe();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
