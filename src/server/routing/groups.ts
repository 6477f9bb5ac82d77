/**
 * Queue groups (docs/PROTOCOL.md §2.4): subscriptions that share work. A group is a pattern and a name;
 * each message to a matching topic goes to exactly one member of each group, round robin over the
 * members that are open and keep up. A member whose pending output (plus what this batch already gave
 * it) is at `slowBytes` or more is skipped, not cut off, until it catches up; when every member is
 * behind, the least loaded one gets the message (a member past --max-pending is then a slow consumer,
 * as any subscriber). A member that leaves is removed at once: its share moves to the others.
 */
import { SubscriptionIndex } from "../../protocol/subscriptions.js";
import type { Delivery } from "./delivery.js";
import type { Subscriber } from "./interfaces.js";

/** One group subscription: a subscriber and the sid it named (a subscriber may hold several). */
class Seat {
  readonly subscriber: Subscriber;
  readonly sid: number;
  /** While a batch is split: the indexes given to this seat and their bytes (reset after it). */
  picked: number[] | undefined;
  batchBytes = 0;

  constructor(subscriber: Subscriber, sid: number) {
    this.subscriber = subscriber;
    this.sid = sid;
  }
}

class QueueGroup {
  readonly pattern: string;
  readonly name: string;
  readonly seats: Seat[] = [];
  /** The seat the next message tries first. */
  next = 0;

  constructor(pattern: string, name: string) {
    this.pattern = pattern;
    this.name = name;
  }
}

export class QueueGroups {
  readonly #slowBytes: number;
  readonly #index = new SubscriptionIndex<QueueGroup>();
  /** `name pattern` (a space is in neither) to its group. */
  readonly #groups = new Map<string, QueueGroup>();
  /** The seats that took part of the batch being split (reused: no allocation per batch). */
  readonly #touched: Seat[] = [];
  #size = 0;

  /** `slowBytes`: a member with this much output pending gets no more work until it drains. */
  constructor(slowBytes: number) {
    this.#slowBytes = slowBytes;
  }

  /** How many group subscriptions are held. */
  get size(): number {
    return this.#size;
  }

  join(subscriber: Subscriber, sid: number, pattern: string, name: string): void {
    const key = `${name} ${pattern}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = new QueueGroup(pattern, name);
      this.#groups.set(key, group);
      this.#index.add(pattern, group);
    }
    group.seats.push(new Seat(subscriber, sid));
    this.#size++;
  }

  /** Removes the seat `sid` of `subscriber`; false when it held none. */
  leave(subscriber: Subscriber, sid: number, pattern: string, name: string): boolean {
    const key = `${name} ${pattern}`;
    const group = this.#groups.get(key);
    if (group === undefined) return false;
    const at = group.seats.findIndex((seat) => seat.subscriber === subscriber && seat.sid === sid);
    if (at < 0) return false;
    group.seats.splice(at, 1);
    this.#size--;
    if (at < group.next) group.next--;
    if (group.seats.length === 0) {
      this.#groups.delete(key);
      this.#index.remove(pattern, group);
    }
    return true;
  }

  /** Gives each message of `delivery` to one member of every matching group. */
  deliver(delivery: Delivery): void {
    if (this.#size === 0) return;
    for (const group of this.#index.match(delivery.topic)) {
      if (delivery.count === 1) this.#deliverOne(group, delivery);
      else this.#split(group, delivery);
    }
  }

  #deliverOne(group: QueueGroup, delivery: Delivery): void {
    const seat = this.#pick(group);
    if (seat !== undefined) seat.subscriber.deliverGroup(delivery.groupFrame(seat.sid, undefined), 1);
  }

  /** A batch of several messages: each to its own member, then one write per member. */
  #split(group: QueueGroup, delivery: Delivery): void {
    const touched = this.#touched;
    const payloads = delivery.payloads;
    for (let i = 0; i < payloads.length; i++) {
      const seat = this.#pick(group);
      if (seat === undefined) break;
      if (seat.picked === undefined) {
        seat.picked = [];
        touched.push(seat);
      }
      seat.picked.push(i);
      seat.batchBytes += payloads[i]!.byteLength;
    }
    for (const seat of touched) {
      const picked = seat.picked!;
      seat.picked = undefined;
      seat.batchBytes = 0;
      const all = picked.length === payloads.length;
      seat.subscriber.deliverGroup(delivery.groupFrame(seat.sid, all ? undefined : picked), picked.length);
    }
    touched.length = 0;
  }

  /** The next member in turn that is open and keeps up, else the least loaded open one. */
  #pick(group: QueueGroup): Seat | undefined {
    const seats = group.seats;
    const count = seats.length;
    let fallback: Seat | undefined;
    let fallbackLoad = Number.POSITIVE_INFINITY;
    for (let tried = 0; tried < count; tried++) {
      const at = (group.next + tried) % count;
      const seat = seats[at]!;
      if (!seat.subscriber.isOpen) continue;
      const load = seat.subscriber.pendingBytes + seat.batchBytes;
      if (load < this.#slowBytes) {
        group.next = (at + 1) % count;
        return seat;
      }
      if (load < fallbackLoad) {
        fallback = seat;
        fallbackLoad = load;
      }
    }
    return fallback;
  }
}
