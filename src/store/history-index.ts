/**
 * The retained history in memory (both stores keep it; the file store also has it on disk): every
 * run of messages (history-run.ts) in position order, each topic's own queue of runs, the limits (per topic, bytes, age) and the reads
 * by position, by time and last N, for one topic or a pattern. It knows what it dropped, so a read says
 * whether it is complete (docs/HISTORY.md §2).
 */
import { EnchufeError } from "../errors.js";
import { hasWildcard, matchTopic } from "../protocol/topics.js";
import { Deque } from "./deque.js";
import type { HistoryRun } from "./history-run.js";
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

/** Told of every message the index stops keeping (the file store counts what each segment still holds). */
export interface DropListener {
  /** `count` messages of segment `segment` are no longer kept. */
  dropped(segment: number, count: number): void;
}

interface TopicHistory {
  /** The topic's runs that still keep a message, oldest first (only the oldest may have dropped some). */
  readonly runs: Deque<HistoryRun>;
  /** Messages kept. */
  count: number;
  /** The newest position and time dropped from this topic by the per-topic limit. */
  droppedPosition: number;
  droppedTime: number;
}

const byLast = (run: HistoryRun): number => run.last;
const byTime = (run: HistoryRun): number => run.time;
const NO_LISTENER: DropListener = { dropped() {} };

export class HistoryIndex {
  readonly #limits: HistoryLimits;
  readonly #listener: DropListener;
  /** Every run in position order, including runs whose messages were all dropped from their topic (dead). */
  readonly #all = new Deque<HistoryRun>();
  /** Dead runs still in `#all` (until they reach its head, or a compaction). */
  #deadRuns = 0;
  readonly #topics = new Map<string, TopicHistory>();
  #messages = 0;
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
    return this.#messages;
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
      messages: this.#messages,
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

  /** Keeps `run` (its positions above every other), then applies the limits. */
  add(run: HistoryRun): void {
    if (run.first <= this.#lastPosition) {
      throw new EnchufeError("ESTORE", `history position ${run.first} is not above ${this.#lastPosition}`);
    }
    this.#lastPosition = run.last;
    if (run.time > this.#lastTime) this.#lastTime = run.time;
    let topic = this.#topics.get(run.topic);
    if (topic === undefined) {
      topic = { runs: new Deque(), count: 0, droppedPosition: 0, droppedTime: -1 };
      this.#topics.set(run.topic, topic);
    }
    topic.runs.push(run);
    topic.count += run.count;
    this.#all.push(run);
    this.#messages += run.count;
    this.#bytes += run.bytes(0, run.count);
    if (topic.count > this.#limits.perTopic) this.#dropFromTopic(topic, topic.count - this.#limits.perTopic);
    this.trim();
  }

  /** The per-topic limit: drops the `excess` oldest messages of `topic` (it keeps at least one). */
  #dropFromTopic(topic: TopicHistory, excess: number): void {
    while (excess > 0) {
      const run = topic.runs.at(0)!;
      const count = Math.min(excess, run.live);
      this.#drop(run, count);
      topic.count -= count;
      excess -= count;
      topic.droppedPosition = run.first + run.start - 1;
      topic.droppedTime = run.time;
      if (run.live === 0) {
        topic.runs.shift();
        this.#deadRuns++;
      }
    }
    this.#compact();
  }

  /** Drops the oldest messages while the bytes or age limit is exceeded. */
  trim(): void {
    const maxAge = this.#limits.maxAgeMs;
    const oldestTime = maxAge === 0 ? -1 : this.#limits.now() - maxAge;
    for (;;) {
      const oldest = this.#all.at(0);
      if (oldest === undefined) return;
      if (oldest.live === 0) {
        this.#all.shift();
        this.#deadRuns--;
        continue;
      }
      const expired = oldest.time < oldestTime;
      if (this.#bytes <= this.#limits.maxBytes && !expired) return;
      // Too old: the whole run goes (one time); too many bytes: as few of its messages as needed.
      let count = oldest.live;
      if (!expired) {
        const over = this.#bytes - this.#limits.maxBytes;
        const from = oldest.start;
        count = 1;
        while (count < oldest.live && oldest.bytes(from, from + count) < over) count++;
      }
      // The oldest run with a kept message is also the oldest of its topic.
      const topic = this.#topics.get(oldest.topic)!;
      this.#drop(oldest, count);
      topic.count -= count;
      this.markLost(oldest.first + oldest.start - 1, oldest.time);
      if (oldest.live === 0) {
        this.#all.shift();
        topic.runs.shift();
        if (topic.count === 0) this.#topics.delete(oldest.topic);
      }
    }
  }

  /** Forgets every message and every loss: an empty history (a memory store taking a new epoch). */
  clear(): void {
    this.#all.filter(() => false);
    this.#topics.clear();
    this.#deadRuns = 0;
    this.#messages = 0;
    this.#bytes = 0;
    this.#lastPosition = 0;
    this.#lostPosition = 0;
    this.#lostTime = -1;
    this.#lastTime = 0;
  }

  /** Records that messages up to `position` (at or before `time`) may be gone, for every topic. */
  markLost(position: number, time: number): void {
    if (position > this.#lostPosition) this.#lostPosition = position;
    if (time > this.#lostTime) this.#lostTime = time;
    if (position > this.#lastPosition) this.#lastPosition = position;
  }

  /** Removes every message from `position` on (appends that could not be written), marking them lost. */
  removeFrom(position: number): void {
    for (;;) {
      const newest = this.#all.at(this.#all.length - 1);
      if (newest === undefined || newest.last < position) return;
      const wasLive = newest.live > 0;
      const cut = Math.max(newest.start, position - newest.first);
      const removed = newest.count - cut;
      if (removed > 0) {
        // The newest run of all is also the newest of its topic.
        const topic = this.#topics.get(newest.topic)!;
        this.markLost(newest.last, newest.time);
        this.#bytes -= newest.bytes(cut, newest.count);
        this.#messages -= removed;
        topic.count -= removed;
        this.#listener.dropped(newest.segment, removed);
        newest.truncate(cut);
      }
      if (newest.first < position && newest.live > 0) return;
      this.#all.pop();
      if (!wasLive) this.#deadRuns--;
      else {
        const topic = this.#topics.get(newest.topic)!;
        topic.runs.pop();
        if (topic.count === 0) this.#topics.delete(newest.topic);
      }
    }
  }

  /** Messages on topics matching `pattern` (a topic or a wildcard pattern) from `start`, at most `limit`. */
  read(pattern: string, start: HistoryStart, limit = Number.MAX_SAFE_INTEGER): HistoryRead {
    this.trim();
    const exact = !hasWildcard(pattern);
    const source = exact ? this.#topics.get(pattern)?.runs : this.#all;
    if (source === undefined)
      return { messages: [], complete: this.#complete(pattern, start, 0), more: false };
    const accept = exact ? undefined : this.#matcher(pattern);
    const messages: StoredMessage[] = [];
    if ("last" in start) {
      for (let r = source.length - 1; r >= 0 && messages.length < start.last; r--) {
        const run = source.at(r)!;
        if (accept !== undefined && !accept(run)) continue;
        for (let i = run.count - 1; i >= run.start && messages.length < start.last; i--) {
          messages.push(run.message(i));
        }
      }
      messages.reverse();
    } else {
      let r: number;
      let from = 0;
      if ("from" in start) {
        r = source.lowerBound(start.from, byLast);
        const run = source.at(r);
        if (run !== undefined) from = start.from - run.first;
      } else r = source.lowerBound(start.sinceTime, byTime);
      for (; r < source.length && messages.length <= limit; r++, from = 0) {
        const run = source.at(r)!;
        if (accept !== undefined && !accept(run)) continue;
        for (let i = Math.max(from, run.start); i < run.count && messages.length <= limit; i++) {
          messages.push(run.message(i));
        }
      }
    }
    // Complete is about the start (were the last N all kept?), not about how many the limit let through.
    const complete = this.#complete(pattern, start, messages.length);
    const more = messages.length > limit;
    if (more) messages.length = limit;
    return { messages, complete, more };
  }

  /** A test for runs of `#all` on topics matching `pattern`, skipping dead ones; topics matched once. */
  #matcher(pattern: string): (run: HistoryRun) => boolean {
    const matches = new Map<string, boolean>();
    return (run) => {
      if (run.live === 0) return false;
      let match = matches.get(run.topic);
      if (match === undefined) {
        match = matchTopic(pattern, run.topic);
        matches.set(run.topic, match);
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

  /** Stops keeping the `count` oldest kept messages of `run`. */
  #drop(run: HistoryRun, count: number): void {
    this.#bytes -= run.drop(count);
    this.#messages -= count;
    this.#listener.dropped(run.segment, count);
  }

  /** Rebuilds `#all` without its dead runs once they outnumber the live ones (bounded memory). */
  #compact(): void {
    if (this.#deadRuns < 1024 || this.#deadRuns * 2 < this.#all.length) return;
    this.#all.filter((run) => run.live > 0);
    this.#deadRuns = 0;
  }
}
