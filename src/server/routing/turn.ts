/**
 * One read turn (nats-server's pcd/flushClients, Redis's clients_pending_write): this object alone
 * knows that a client's bytes are being read, holds the batch of publishes that read is filling, and
 * the outputs corked until the read ends.
 *
 * - While a read is open, consecutive publishes from one sender to one topic join one Delivery, so
 *   each recipient gets one write per read instead of one per message.
 * - The batch is delivered when the read ends, or earlier, before anything that could overtake it:
 *   any other write to any output (beforeWrite) and any change of who receives (the router flushes).
 * - Replies and notices cork their output; every corked output is uncorked when the read ends (or, for
 *   writes outside a read, once the current tick ends).
 */
import type { Headers } from "../../protocol/frames.js";
import { OutputSlab } from "../../protocol/slab.js";
import { Delivery, type PendingAck } from "./delivery.js";

/** An output corked during this turn. */
export interface Corked {
  uncork(): void;
}

/** Where a complete batch goes (the router: local fan-out, the other nodes, events). */
export type BatchSink = (delivery: Delivery) => void;

export class ReadTurn {
  readonly #sink: BatchSink;
  #reading = false;
  #now = 0;
  #open: Delivery | undefined;
  #corked: Corked[] = [];
  #tickScheduled = false;
  /** The batches' MSG frames are carved from here (protocol/slab.ts), not from Node's Buffer pool. */
  readonly #slab = new OutputSlab();

  constructor(sink: BatchSink) {
    this.#sink = sink;
  }

  /** A client's chunk is about to be read, at `now` (Date.now() of its arrival). */
  begin(now: number): void {
    this.#reading = true;
    this.#now = now;
  }

  /** Date.now(), read once per chunk: the chunk's arrival inside a read, the clock outside. */
  get now(): number {
    return this.#reading ? this.#now : Date.now();
  }

  /** The chunk was read: the batch leaves, then every corked output is flushed. */
  end(): void {
    this.#reading = false;
    try {
      this.flush();
    } finally {
      this.#uncorkAll();
    }
  }

  /** Adds a publish to the open batch (a new one when topic, sender or name differ); outside a read it leaves at once. */
  publish(
    topic: string,
    from: string,
    headers: Headers,
    payload: Uint8Array,
    sender: object | undefined,
    typed: boolean,
    ack?: Omit<PendingAck, "index">,
  ): void {
    let open = this.#open;
    if (open === undefined || open.topic !== topic || open.sender !== sender || open.from !== from) {
      this.flush();
      open = new Delivery(topic, from, false, sender, typed, this.#slab);
      this.#open = open;
    }
    if (ack !== undefined) {
      const pending = { ...ack, index: open.count };
      if (open.acks === undefined) open.acks = [pending];
      else open.acks.push(pending);
    }
    open.add(headers, payload);
    if (!this.#reading) this.flush();
  }

  /** Delivers the open batch, if any. */
  flush(): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    this.#sink(open);
  }

  /** Called before any write that is not a batch delivery: the batch must not be overtaken. */
  beforeWrite(): void {
    if (this.#open !== undefined) this.flush();
  }

  /** `output` was corked: it is uncorked when this read (or, outside a read, this tick) ends. */
  corked(output: Corked): void {
    this.#corked.push(output);
    if (!this.#reading && !this.#tickScheduled) {
      this.#tickScheduled = true;
      process.nextTick(uncorkLater, this);
    }
  }

  /** @internal the end of a tick in which outputs were corked outside a read. */
  tickEnded(): void {
    this.#tickScheduled = false;
    if (!this.#reading) this.#uncorkAll();
  }

  #uncorkAll(): void {
    if (this.#corked.length === 0) return;
    const corked = this.#corked;
    this.#corked = [];
    for (const output of corked) output.uncork();
  }
}

function uncorkLater(turn: ReadTurn): void {
  turn.tickEnded();
}
