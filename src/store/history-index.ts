/**
 * The retained history in memory (both stores keep it; the file store also has it on disk): every
 * message in position order, each topic's own queue, the limits (per topic, bytes, age) and the reads
 * by position, by time and last N, for one topic or a pattern. It knows what it dropped, so a read says
 * whether it is complete (docs/HISTORY.md §2).
 */
import { EnchufeError } from "../errors.js";
import { hasWildcard, matchTopic } from "../protocol/topics.js";
import { Deque } from "./deque.js";
import type { HistoryLimits } from "./options.js";
import type { StoredMessage } from "./record.js";

/** Where a read starts: `from` a position (inclusive), the `last` N, or `sinceTime` (ms, inclusive). */
export type HistoryStart =
  | { readonly from: number }
  | { readonly last: number }
  | { readonly sinceTime: number };

export interface HistoryRead {
  /** Oldest first. */
  readonly messages: StoredMessage[];
  /** False when a message the start asked for is no longer kept (limits, damage on disk, a failed write). */
  readonly complete: boolean;
  /** True when `limit` cut the answer short: read again from the last position + 1. */
  readonly more: boolean;
}

/** What a history store holds right now. */
export interface HistoryStats {
  readonly messages: number;
  readonly bytes: number;
  readonly topics: number;
  /** The position the next append gets. */
  readonly nextPosition: number;
}

/** A kept message with what the index needs to account for it. */
export interface HistoryEntry extends StoredMessage {
  /** Its record's size in bytes, counted against maxBytes. */
  readonly size: number;
  /** The segment holding it (its first position); 0 in memory. */
  readonly segment: number;
}

/** Told of every entry the index stops keeping (the file store counts what each segment still holds). */
export interface DropListener {
  dropped(entry: HistoryEntry): void;
}

interface TopicHistory {
  readonly entries: Deque<HistoryEntry>;
  /** The newest position and time dropped from this topic by the per-topic limit. */
  droppedPosition: number;
  droppedTime: number;
}

const byPosition = (entry: HistoryEntry): number => entry.position;
const byTime = (entry: HistoryEntry): number => entry.time;
const NO_LISTENER: DropListener = { dropped() {} };

export class HistoryIndex {
  readonly #limits: HistoryLimits;
  readonly #listener: DropListener;
  /** Every entry in position order, including entries dropped from their topic (`#dead`) until compacted. */
  readonly #all = new Deque<HistoryEntry>();
  readonly #dead = new Set<HistoryEntry>();
  readonly #topics = new Map<string, TopicHistory>();
  #bytes = 0;
  #lastPosition = 0;
  /** The newest position and time lost for every topic (age, bytes, damage, failed writes). */
  #lostPosition = 0;
  #lostTime = -1;
  #lastTime = 0;

  constructor(limits: HistoryLimits, listener: DropListener = NO_LISTENER) {
    this.#limits = limits;
    this.#listener = listener;
  }

  /** Messages kept. */
  get size(): number {
    return this.#all.length - this.#dead.size;
  }

  /** Bytes of the kept records. */
  get bytes(): number {
    return this.#bytes;
  }

  get topics(): number {
    return this.#topics.size;
  }

  /** The newest position ever added (0 when none). */
  get lastPosition(): number {
    return this.#lastPosition;
  }

  /** What the index holds, for HistoryStore.stats. */
  stats(): HistoryStats {
    return {
      messages: this.size,
      bytes: this.#bytes,
      topics: this.#topics.size,
      nextPosition: this.#lastPosition + 1,
    };
  }

  /** The time for the next append: `time` (default: now), never less than the newest time so far. */
  nextTime(time = this.#limits.now()): number {
    if (time > this.#lastTime) this.#lastTime = time;
    return this.#lastTime;
  }

  /** Keeps `entry` (its position above every other), then applies the limits. */
  add(entry: HistoryEntry): void {
    if (entry.position <= this.#lastPosition) {
      throw new EnchufeError(
        "ESTORE",
        `history position ${entry.position} is not above ${this.#lastPosition}`,
      );
    }
    this.#lastPosition = entry.position;
    if (entry.time > this.#lastTime) this.#lastTime = entry.time;
    let topic = this.#topics.get(entry.topic);
    if (topic === undefined) {
      topic = { entries: new Deque(), droppedPosition: 0, droppedTime: -1 };
      this.#topics.set(entry.topic, topic);
    }
    topic.entries.push(entry);
    this.#all.push(entry);
    this.#bytes += entry.size;
    if (topic.entries.length > this.#limits.perTopic) {
      const oldest = topic.entries.shift()!;
      topic.droppedPosition = oldest.position;
      topic.droppedTime = oldest.time;
      this.#dead.add(oldest);
      this.#forget(oldest);
      this.#compact();
    }
    this.trim();
  }

  /** Drops the oldest messages while the bytes or age limit is exceeded. */
  trim(): void {
    const maxAge = this.#limits.maxAgeMs;
    const oldestTime = maxAge === 0 ? -1 : this.#limits.now() - maxAge;
    for (;;) {
      const oldest = this.#all.at(0);
      if (oldest === undefined) return;
      if (this.#dead.delete(oldest)) {
        this.#all.shift();
        continue;
      }
      if (this.#bytes <= this.#limits.maxBytes && oldest.time >= oldestTime) return;
      this.#all.shift();
      const topic = this.#topics.get(oldest.topic)!;
      topic.entries.shift();
      if (topic.entries.length === 0) this.#topics.delete(oldest.topic);
      this.markLost(oldest.position, oldest.time);
      this.#forget(oldest);
    }
  }

  /** Records that messages up to `position` (at or before `time`) may be gone, for every topic. */
  markLost(position: number, time: number): void {
    if (position > this.#lostPosition) this.#lostPosition = position;
    if (time > this.#lostTime) this.#lostTime = time;
    if (position > this.#lastPosition) this.#lastPosition = position;
  }

  /** Removes every entry from `position` on (appends that could not be written), marking them lost. */
  removeFrom(position: number): void {
    for (;;) {
      const newest = this.#all.at(this.#all.length - 1);
      if (newest === undefined || newest.position < position) break;
      this.#all.pop();
      if (this.#dead.delete(newest)) continue;
      const topic = this.#topics.get(newest.topic)!;
      topic.entries.pop();
      if (topic.entries.length === 0) this.#topics.delete(newest.topic);
      this.markLost(newest.position, newest.time);
      this.#forget(newest);
    }
  }

  /** Messages on topics matching `pattern` (a topic or a wildcard pattern) from `start`, at most `limit`. */
  read(pattern: string, start: HistoryStart, limit = Number.MAX_SAFE_INTEGER): HistoryRead {
    this.trim();
    const exact = !hasWildcard(pattern);
    const topic = exact ? this.#topics.get(pattern) : undefined;
    const source = exact ? topic?.entries : this.#all;
    if (source === undefined)
      return { messages: [], complete: this.#complete(pattern, start, 0), more: false };
    const accept = exact ? undefined : this.#matcher(pattern);
    let messages: HistoryEntry[];
    if ("last" in start) {
      messages = [];
      for (let i = source.length - 1; i >= 0 && messages.length < start.last; i--) {
        const entry = source.at(i)!;
        if (accept === undefined || accept(entry)) messages.push(entry);
      }
      messages.reverse();
    } else {
      const first =
        "from" in start
          ? source.lowerBound(start.from, byPosition)
          : source.lowerBound(start.sinceTime, byTime);
      messages = [];
      for (let i = first; i < source.length && messages.length <= limit; i++) {
        const entry = source.at(i)!;
        if (accept === undefined || accept(entry)) messages.push(entry);
      }
    }
    // Complete is about the start (were the last N all kept?), not about how many the limit let through.
    const complete = this.#complete(pattern, start, messages.length);
    const more = messages.length > limit;
    if (more) messages.length = limit;
    return { messages, complete, more };
  }

  /** A test for entries of `#all` on topics matching `pattern`, skipping dead ones; topics matched once. */
  #matcher(pattern: string): (entry: HistoryEntry) => boolean {
    const matches = new Map<string, boolean>();
    const dead = this.#dead;
    return (entry) => {
      if (dead.has(entry)) return false;
      let match = matches.get(entry.topic);
      if (match === undefined) {
        match = matchTopic(pattern, entry.topic);
        matches.set(entry.topic, match);
      }
      return match;
    };
  }

  /** True when nothing `start` asks for on `pattern` was dropped or lost (`found` messages were read). */
  #complete(pattern: string, start: HistoryStart, found: number): boolean {
    if ("last" in start && found >= start.last) return true;
    const useTime = "sinceTime" in start;
    const from = "from" in start ? start.from : 1;
    const since = useTime ? start.sinceTime : 0;
    const clear = (position: number, time: number): boolean => (useTime ? since > time : from > position);
    if (!clear(this.#lostPosition, this.#lostTime)) return false;
    if (!hasWildcard(pattern)) {
      const topic = this.#topics.get(pattern);
      return topic === undefined || clear(topic.droppedPosition, topic.droppedTime);
    }
    for (const [name, topic] of this.#topics) {
      if (!clear(topic.droppedPosition, topic.droppedTime) && matchTopic(pattern, name)) return false;
    }
    return true;
  }

  #forget(entry: HistoryEntry): void {
    this.#bytes -= entry.size;
    this.#listener.dropped(entry);
  }

  /** Rebuilds `#all` without its dead entries once they outnumber the live ones (bounded memory). */
  #compact(): void {
    if (this.#dead.size < 1024 || this.#dead.size < this.size) return;
    const dead = this.#dead;
    this.#all.filter((entry) => !dead.has(entry));
    dead.clear();
  }
}
