/**
 * A run: consecutive messages kept together because they came in one append of a batch (one topic,
 * one sender, one time) or lie side by side in a segment file. Their bytes stay in one buffer; per
 * message the run holds only offsets and record sizes, and a message object is made only when a read
 * asks for it. The limits drop a run's oldest messages first (`start` moves up).
 */
import type { Headers } from "../protocol/wire.js";
import { PLAIN_SHARE } from "./batch-record.js";
import type { StoredMessage } from "./record.js";

const NO_HEADERS: Headers = Object.freeze([]);

export class HistoryRun {
  /** The position of message 0; message i has position first + i. */
  readonly first: number;
  readonly time: number;
  readonly topic: string;
  readonly from: string;
  /** The segment holding the run's records (its first position); 0 in memory. */
  readonly segment: number;
  /** Messages in the run (a failed write cuts the newest off: `truncate`). */
  #count: number;
  /** The oldest message still kept: the ones below it were dropped by the limits. */
  #start = 0;
  readonly #bytes: Buffer;
  /**
   * Message i's payload is bytes[bounds[2i], bounds[2i + 1]); undefined when no message has headers and
   * the payloads lie in order, each after `gap` bytes and before `after` (0 and 0: back to back; a shared
   * MSG run: each frame's
   * head): then each record is its payload and PLAIN_SHARE bytes, and the first one `plainBase` more, so
   * payload i ends at sizeEnds[i] - plainBase - (PLAIN_SHARE - gap - after) * (i + 1) - after.
   */
  readonly #bounds: readonly number[] | undefined;
  readonly #plainBase: number;
  readonly #gap: number;
  readonly #after: number;
  /** The record bytes of messages 0..i, summed. */
  readonly #sizeEnds: readonly number[];
  /** Per message; undefined when every message of the run has none. */
  readonly #headers: readonly Headers[] | undefined;

  constructor(
    first: number,
    time: number,
    topic: string,
    from: string,
    segment: number,
    bytes: Buffer,
    bounds: readonly number[] | undefined,
    sizeEnds: readonly number[],
    headers: readonly Headers[] | undefined,
    plainBase = 0,
    gap = 0,
    after = 0,
  ) {
    this.first = first;
    this.time = time;
    this.topic = topic;
    this.from = from;
    this.segment = segment;
    this.#bytes = bytes;
    this.#bounds = bounds;
    this.#sizeEnds = sizeEnds;
    this.#headers = headers;
    this.#plainBase = plainBase;
    this.#gap = gap;
    this.#after = after;
    this.#count = sizeEnds.length;
  }

  get count(): number {
    return this.#count;
  }

  /** The index of the oldest message still kept (count when none is). */
  get start(): number {
    return this.#start;
  }

  /** The position of the newest message. */
  get last(): number {
    return this.first + this.#count - 1;
  }

  /** Messages still kept. */
  get live(): number {
    return this.#count - this.#start;
  }

  /** The record bytes of messages from..to-1. */
  bytes(from: number, to: number): number {
    const sizeEnds = this.#sizeEnds;
    return (to === 0 ? 0 : sizeEnds[to - 1]!) - (from === 0 ? 0 : sizeEnds[from - 1]!);
  }

  /** Stops keeping the `count` oldest kept messages; returns their record bytes. */
  drop(count: number): number {
    const bytes = this.bytes(this.#start, this.#start + count);
    this.#start += count;
    return bytes;
  }

  /** Forgets messages `count` and up (they were never written); `count` is at least `start`. */
  truncate(count: number): void {
    this.#count = count;
  }

  /** Message `index` as a read returns it; its payload is a view of the run's bytes. */
  message(index: number): StoredMessage {
    const bounds = this.#bounds;
    const start =
      bounds === undefined ? this.#plainEnd(index - 1) + this.#after + this.#gap : bounds[2 * index]!;
    const end = bounds === undefined ? this.#plainEnd(index) : bounds[2 * index + 1]!;
    return {
      position: this.first + index,
      time: this.time,
      topic: this.topic,
      from: this.from,
      headers: this.#headers?.[index] ?? NO_HEADERS,
      payload: this.#bytes.subarray(start, end),
    };
  }

  /** Where payload `index` ends when the payloads lie in order between `gap` and `after` bytes (-after for -1). */
  #plainEnd(index: number): number {
    const around = this.#gap + this.#after;
    if (index < 0) return -this.#after;
    return this.#sizeEnds[index]! - this.#plainBase - (PLAIN_SHARE - around) * (index + 1) - this.#after;
  }
}

/** Builds runs message by message (recovery: records read back from a segment file). */
export class RunBuilder {
  readonly #segment: number;
  readonly #bytes: Buffer;
  readonly #bounds: number[] = [];
  readonly #sizeEnds: number[] = [];
  #headers: Headers[] | undefined;
  #first = 0;
  #time = 0;
  #topic = "";
  #from = "";

  /** Runs of segment `segment`, whose payloads are views of `bytes`. */
  constructor(segment: number, bytes: Buffer) {
    this.#segment = segment;
    this.#bytes = bytes;
  }

  /** The newest position added and not yet built (0 when none). */
  get last(): number {
    return this.#sizeEnds.length === 0 ? 0 : this.#first + this.#sizeEnds.length - 1;
  }

  /** True when `message` may join the run being built (the next position, same topic, sender, time). */
  fits(message: StoredMessage): boolean {
    return (
      this.#sizeEnds.length > 0 &&
      message.position === this.last + 1 &&
      message.time === this.#time &&
      message.topic === this.#topic &&
      message.from === this.#from
    );
  }

  /** Adds `message` (its record takes `size` bytes; its payload a view of the builder's bytes). */
  add(message: StoredMessage, size: number): void {
    const count = this.#sizeEnds.length;
    if (count === 0) {
      this.#first = message.position;
      this.#time = message.time;
      this.#topic = message.topic;
      this.#from = message.from;
    }
    const start = message.payload.byteOffset - this.#bytes.byteOffset;
    this.#bounds.push(start, start + message.payload.byteLength);
    this.#sizeEnds.push((count === 0 ? 0 : this.#sizeEnds[count - 1]!) + size);
    if (message.headers.length > 0) {
      this.#headers ??= new Array<Headers>(count).fill(NO_HEADERS);
      this.#headers.push(message.headers);
    } else this.#headers?.push(NO_HEADERS);
  }

  /** The run of the messages added since the last build (undefined when none), and starts afresh. */
  build(): HistoryRun | undefined {
    if (this.#sizeEnds.length === 0) return undefined;
    const run = new HistoryRun(
      this.#first,
      this.#time,
      this.#topic,
      this.#from,
      this.#segment,
      this.#bytes,
      this.#bounds.splice(0),
      this.#sizeEnds.splice(0),
      this.#headers,
    );
    this.#headers = undefined;
    return run;
  }
}
