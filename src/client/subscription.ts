/** What a subscriber receives, and the async-iterable queue behind each subscription. */
import { encodeFrame, type Headers } from "../protocol/frames.js";

/** A message as a subscriber receives it. */
export interface Message {
  readonly topic: string;
  /** The publisher's nickname or client name. */
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Uint8Array;
  /** True for a direct (private) message. */
  readonly private: boolean;
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
  #closed = false;
  #error: Error | undefined;

  constructor(
    sid: number,
    pattern: string,
    responder: boolean,
    maxQueued: number,
    unsubscribe: (subscription: Subscription<T>) => void,
    group?: string,
  ) {
    this.sid = sid;
    this.pattern = pattern;
    this.responder = responder;
    this.group = group;
    this.queue = new AsyncQueue<T>(maxQueued);
    this.#unsubscribe = unsubscribe;
  }

  /** @internal The frame that asks the server for this subscription: SUB, or GSUB for a queue group. */
  subscribeFrame(): Buffer {
    const { sid, pattern, responder, group } = this;
    return encodeFrame(
      group === undefined ? { type: "SUB", sid, pattern, responder } : { type: "GSUB", sid, pattern, group },
    );
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
