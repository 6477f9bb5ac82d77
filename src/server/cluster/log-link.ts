/**
 * This node's side of the cluster's shared log (docs/HISTORY.md §10): it appends the router's batches to
 * the bus's log and gives the router every entry back in the log's order: this node's own as the very
 * Delivery it appended (its sender, its PUBACKs), the others' decoded from their MSG frames.
 */
import { EnchufeError } from "../../errors.js";
import type { BusLog, LogEntry } from "../bus/index.js";
import { Delivery } from "../routing/delivery.js";
import type { RouterInbound, SharedLog } from "../routing/interfaces.js";
import type { RemoteFrames } from "./remote-frames.js";

interface Pending {
  readonly delivery: Delivery;
  readonly failed: (error: unknown) => void;
}

export class LogLink implements SharedLog {
  readonly #log: BusLog;
  readonly #nodeId: string;
  readonly #frames: RemoteFrames;
  /** Batches appended and not back yet, by tag (in tag order: the order they were appended). */
  readonly #pending = new Map<number, Pending>();
  #tag = 0;
  /** settled() calls waiting for every batch up to their tag. */
  #waiters: Array<{ readonly tag: number; readonly resolve: () => void }> = [];
  #inbound: RouterInbound | undefined;

  constructor(log: BusLog, nodeId: string, frames: RemoteFrames) {
    this.#log = log;
    this.#nodeId = nodeId;
    this.#frames = frames;
  }

  get epoch(): string {
    return this.#log.epoch;
  }

  attach(inbound: RouterInbound): void {
    this.#inbound = inbound;
  }

  append(delivery: Delivery, failed: (error: unknown) => void): void {
    const tag = ++this.#tag;
    this.#pending.set(tag, { delivery, failed });
    const keys = delivery.acks?.map(({ index, key }) => ({ index, key }));
    const batch = {
      tag,
      count: delivery.count,
      frames: delivery.frame(),
      shares: delivery.groupShares,
      keys,
    };
    this.#log.append(batch).catch((error: unknown) => {
      // Not in the log: it goes out live (unless it came back meanwhile: the answer, not the append, was lost).
      const pending = this.#pending.get(tag);
      if (pending === undefined) return;
      this.#pending.delete(tag);
      pending.failed(error);
      this.#wake();
    });
  }

  settled(): Promise<void> | undefined {
    if (this.#pending.size === 0) return undefined;
    const tag = this.#tag;
    return new Promise((resolve) => this.#waiters.push({ tag, resolve }));
  }

  /** An entry of the log, in its order. */
  entry(entry: LogEntry): void {
    const inbound = this.#inbound;
    if (inbound === undefined) return;
    const own = entry.node === this.#nodeId ? this.#pending.get(entry.tag) : undefined;
    if (own !== undefined) {
      // This node's entries come back in the order it appended them: any before this one is not in the log.
      for (const [tag, pending] of this.#pending) {
        if (tag >= entry.tag) break;
        this.#pending.delete(tag);
        pending.failed(
          new EnchufeError("ECLUSTER", "the cluster's shared log dropped it before this node read it"),
        );
      }
      this.#pending.delete(entry.tag);
      inbound.logged(own.delivery, entry.first, entry.time, entry.epoch, true);
      this.#wake();
      return;
    }
    const delivery = this.#frames.batch(entry.frames);
    if (delivery === undefined) return;
    if (entry.keys.length > 0) delivery.publishedKeys = entry.keys;
    inbound.logged(delivery, entry.first, entry.time, entry.epoch, false);
    for (const share of entry.shares) {
      if (share.node !== this.#nodeId) continue;
      const picked = share.picked ?? delivery.payloads.map((_, index) => index);
      const part = new Delivery(delivery.topic, delivery.from, false, undefined);
      for (const index of picked) {
        if (index < delivery.count) part.add(delivery.headersOf(index), delivery.payload(index));
      }
      inbound.groupMessages(share.name, share.pattern, part);
    }
  }

  /** Resolves the waiters whose batches all came back or failed. */
  #wake(): void {
    if (this.#waiters.length === 0) return;
    const oldest = this.#pending.keys().next();
    const below = oldest.done === true ? Number.POSITIVE_INFINITY : oldest.value;
    const still = this.#waiters.filter((waiter) => waiter.tag >= below);
    for (const waiter of this.#waiters) if (waiter.tag < below) waiter.resolve();
    this.#waiters = still;
  }
}
