/** One RSUB's replay (docs/PROTOCOL.md §2.5), for the router's history (history.ts). */
import type { HistoryFrom, HistoryMessage, ReplayTarget, RouterHistory } from "./history-types.js";

/** Messages a replay reads from the store at a time. */
const REPLAY_CHUNK = 256;

/**
 * One replay: reads the store a part at a time, writes while the subscriber's output stays under the
 * pause threshold (else waits for it to drain), and ends with REPLAYED in the same synchronous step
 * that finds nothing newer written: every later message goes out live, after REPLAYED.
 */
export class Replay {
  readonly #history: RouterHistory;
  /** Whose epoch REPLAYED tells (the shared log's in a cluster). */
  readonly #named: { readonly epoch: string };
  readonly #target: ReplayTarget;
  readonly #sid: number;
  readonly #token: object;
  readonly #pattern: string;
  readonly #pauseBytes: number;
  #from: HistoryFrom;
  #recovered: boolean;
  #queue: readonly HistoryMessage[] = [];
  #index = 0;
  /** The committed position the last read covered (-1 before the first read). */
  #covered = -1;
  #more = true;
  #count = 0;

  constructor(
    history: RouterHistory,
    named: { readonly epoch: string },
    target: ReplayTarget,
    sid: number,
    token: object,
    pattern: string,
    from: HistoryFrom,
    recovered: boolean,
    pauseBytes: number,
  ) {
    this.#history = history;
    this.#named = named;
    this.#target = target;
    this.#sid = sid;
    this.#token = token;
    this.#pattern = pattern;
    this.#from = from;
    this.#recovered = recovered;
    this.#pauseBytes = pauseBytes;
  }

  run(): void {
    const target = this.#target;
    for (;;) {
      if (!target.isOpen || !target.replaying(this.#sid, this.#token)) return;
      if (this.#index >= this.#queue.length) {
        if (!this.#more && this.#history.committedPosition === this.#covered) {
          target.replayed(this.#sid, this.#recovered, this.#named.epoch, this.#covered, this.#count);
          return;
        }
        this.#read();
        continue;
      }
      if (target.pendingBytes >= this.#pauseBytes) {
        target.whenDrained(() => this.run());
        return;
      }
      target.replayMessage(this.#sid, this.#queue[this.#index++]!);
      this.#count++;
    }
  }

  #read(): void {
    const committed = this.#history.committedPosition;
    const read = this.#history.read(this.#pattern, this.#from, REPLAY_CHUNK);
    this.#recovered &&= read.complete;
    let messages = read.messages;
    const newest = messages[messages.length - 1];
    let more = read.more;
    if (newest !== undefined && newest.position > committed) {
      // Appended but not written yet: they go out live once written.
      messages = messages.filter((message) => message.position <= committed);
      more = false;
    }
    this.#queue = messages;
    this.#index = 0;
    this.#covered = committed;
    this.#more = more;
    const last = messages[messages.length - 1];
    this.#from = { from: more && last !== undefined ? last.position + 1 : committed + 1 };
  }
}
