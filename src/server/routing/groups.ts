/**
 * Queue groups (docs/PROTOCOL.md §2.4): subscriptions that share work. A group is a pattern and a name;
 * each message to a matching topic goes to exactly one member of each group in the cluster.
 *
 * The node where a message is published decides, message by message: a local member in turn (round
 * robin) that is open and keeps up (its pending output, plus what this batch already gave it, is under
 * `slowBytes`); else another node with members of the group (the remote half picks it); else the least
 * loaded local member (past --max-pending it is then a slow consumer, as any subscriber). A slow member is
 * skipped, never cut off for it; a member that leaves is removed at once and its share moves to the others.
 * Messages another node hands over (`deliverHere`) go to a local member without being passed on again.
 *
 * With a cluster's shared log the choice is made before the batch goes to the log (`plan`): the shares for
 * other nodes travel in the log entry (each node serves its share in the log's order, so a member never
 * gets a message after a later one of the same publisher), and the local part waits for the batch to come
 * back (`deliver`).
 */
import { SubscriptionIndex } from "../../protocol/subscriptions.js";
import type { Delivery, GroupShare } from "./delivery.js";
import type { RemoteHalf, Subscriber } from "./interfaces.js";

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

/** `name pattern`: a space is in neither. */
function keyOf(name: string, pattern: string): string {
  return `${name} ${pattern}`;
}

export class QueueGroups {
  readonly #slowBytes: number;
  readonly #remote: RemoteHalf;
  readonly #index = new SubscriptionIndex<QueueGroup>();
  readonly #groups = new Map<string, QueueGroup>();
  /** The seats that took part of the batch being split (reused: no allocation per batch). */
  readonly #touched: Seat[] = [];
  /** Planned batches on their way through the shared log: what stays here, per local group. */
  readonly #plans = new WeakMap<Delivery, Array<[QueueGroup, number[] | undefined]>>();
  #size = 0;

  /** `slowBytes`: a member with this much output pending gets no more work until it drains. */
  constructor(slowBytes: number, remote: RemoteHalf) {
    this.#slowBytes = slowBytes;
    this.#remote = remote;
  }

  /** How many group subscriptions are held. */
  get size(): number {
    return this.#size;
  }

  join(subscriber: Subscriber, sid: number, pattern: string, name: string): void {
    const key = keyOf(name, pattern);
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = new QueueGroup(pattern, name);
      this.#groups.set(key, group);
      this.#index.add(pattern, group);
      this.#remote.grouped(pattern, name, true);
    }
    group.seats.push(new Seat(subscriber, sid));
    this.#size++;
  }

  /** Removes the seat `sid` of `subscriber`, if it held one. */
  leave(subscriber: Subscriber, sid: number, pattern: string, name: string): void {
    const key = keyOf(name, pattern);
    const group = this.#groups.get(key);
    if (group === undefined) return;
    const at = group.seats.findIndex((seat) => seat.subscriber === subscriber && seat.sid === sid);
    if (at < 0) return;
    group.seats.splice(at, 1);
    this.#size--;
    if (at < group.next) group.next--;
    if (group.seats.length === 0) {
      this.#groups.delete(key);
      this.#index.remove(pattern, group);
      this.#remote.grouped(pattern, name, false);
    }
  }

  /**
   * A batch published on this node, before it goes to the shared log: the messages that local members
   * cannot take now go to other nodes' members (`delivery.groupShares`); the rest is served by deliver()
   * when the batch is back from the log.
   */
  plan(delivery: Delivery): void {
    const elsewhere = this.#remote.groupsElsewhere(delivery.topic);
    if (this.#size === 0 && elsewhere.size === 0) return;
    const shares: GroupShare[] = [];
    const here: Array<[QueueGroup, number[] | undefined]> = [];
    const remote = (name: string, pattern: string) => {
      for (const group of elsewhere) if (group.name === name && group.pattern === pattern) return true;
      return false;
    };
    if (this.#size > 0) {
      for (const group of this.#index.match(delivery.topic)) {
        const behind = remote(group.name, group.pattern) ? this.#behind(group, delivery) : undefined;
        if (behind === undefined) {
          here.push([group, undefined]);
          continue;
        }
        const all = behind.length === delivery.count;
        shares.push({ name: group.name, pattern: group.pattern, picked: all ? undefined : behind });
        if (!all) here.push([group, complement(behind, delivery.count)]);
      }
    }
    for (const { name, pattern } of elsewhere) {
      if (!this.#groups.has(keyOf(name, pattern))) shares.push({ name, pattern, picked: undefined });
    }
    delivery.groupShares = shares;
    this.#plans.set(delivery, here);
  }

  /** A batch published on this node: each message to one member of every matching group in the cluster. */
  deliver(delivery: Delivery): void {
    const plan = this.#plans.get(delivery);
    if (plan !== undefined) {
      this.#plans.delete(delivery);
      // Back from the log (a position): the other nodes have their shares. Else it goes out as if unplanned.
      if (delivery.position > 0) {
        for (const [group, indexes] of plan) this.#share(group, delivery, false, indexes);
        return;
      }
    }
    if (this.#size > 0)
      for (const group of this.#index.match(delivery.topic)) this.#share(group, delivery, true);
    const elsewhere = this.#remote.groupsElsewhere(delivery.topic);
    if (elsewhere.size === 0) return;
    for (const { name, pattern } of elsewhere) {
      if (!this.#groups.has(keyOf(name, pattern))) this.#remote.toGroup(name, pattern, delivery, undefined);
    }
  }

  /** A batch another node gave to this node's members of a group (dropped if the last one just left). */
  deliverHere(name: string, pattern: string, delivery: Delivery): void {
    const group = this.#groups.get(keyOf(name, pattern));
    if (group !== undefined) this.#share(group, delivery, false);
  }

  /**
   * The messages of `delivery` that no local member of `group` can take now (undefined: none), as #share
   * would find them; nothing is given and the turn is left as it was.
   */
  #behind(group: QueueGroup, delivery: Delivery): number[] | undefined {
    const next = group.next;
    const behind = this.#split(group, delivery, undefined);
    for (const seat of this.#touched) {
      seat.picked = undefined;
      seat.batchBytes = 0;
    }
    this.#touched.length = 0;
    group.next = next;
    return behind;
  }

  /** Gives each message (those at `indexes`, else all) to the next member in turn that keeps up; returns the rest. */
  #split(
    group: QueueGroup,
    delivery: Delivery,
    indexes: readonly number[] | undefined,
  ): number[] | undefined {
    const payloads = delivery.payloads;
    const count = indexes === undefined ? payloads.length : indexes.length;
    let behind: number[] | undefined;
    for (let k = 0; k < count; k++) {
      const i = indexes === undefined ? k : indexes[k]!;
      const seat = this.#inTurn(group);
      if (seat !== undefined) this.#give(seat, i, payloads[i]!);
      else if (behind === undefined) behind = [i];
      else behind.push(i);
    }
    return behind;
  }

  /**
   * Gives each message (those at `indexes`, else all) to a member that keeps up, else (`mayForward`)
   * another node, else the least loaded.
   */
  #share(group: QueueGroup, delivery: Delivery, mayForward: boolean, indexes?: readonly number[]): void {
    const payloads = delivery.payloads;
    const behind = this.#split(group, delivery, indexes);
    if (behind !== undefined) {
      const all = behind.length === payloads.length;
      const forwarded =
        mayForward && this.#remote.toGroup(group.name, group.pattern, delivery, all ? undefined : behind);
      if (!forwarded) {
        for (const i of behind) {
          const seat = this.#leastLoaded(group);
          if (seat !== undefined) this.#give(seat, i, payloads[i]!);
        }
      }
    }
    this.#write(delivery, payloads.length);
  }

  #give(seat: Seat, index: number, payload: Uint8Array): void {
    if (seat.picked === undefined) {
      seat.picked = [];
      this.#touched.push(seat);
    }
    seat.picked.push(index);
    seat.batchBytes += payload.byteLength;
  }

  /** One write per member that got part of the batch: its GMSG frames. */
  #write(delivery: Delivery, count: number): void {
    const touched = this.#touched;
    for (const seat of touched) {
      const picked = seat.picked!;
      seat.picked = undefined;
      seat.batchBytes = 0;
      const frames = delivery.groupFrame(seat.sid, picked.length === count ? undefined : picked);
      seat.subscriber.deliverGroup(frames, picked.length);
    }
    touched.length = 0;
  }

  /** The next member in turn that is open and keeps up; undefined when none does. */
  #inTurn(group: QueueGroup): Seat | undefined {
    const seats = group.seats;
    const count = seats.length;
    for (let tried = 0; tried < count; tried++) {
      const at = (group.next + tried) % count;
      const seat = seats[at]!;
      if (seat.subscriber.isOpen && seat.subscriber.pendingBytes + seat.batchBytes < this.#slowBytes) {
        group.next = (at + 1) % count;
        return seat;
      }
    }
    return undefined;
  }

  #leastLoaded(group: QueueGroup): Seat | undefined {
    let chosen: Seat | undefined;
    let least = Number.POSITIVE_INFINITY;
    for (const seat of group.seats) {
      const load = seat.subscriber.pendingBytes + seat.batchBytes;
      if (seat.subscriber.isOpen && load < least) {
        chosen = seat;
        least = load;
      }
    }
    return chosen;
  }
}

/** The indexes below `count` that are not in `taken` (sorted). */
function complement(taken: readonly number[], count: number): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < count; i++) {
    if (taken[next] === i) next++;
    else out.push(i);
  }
  return out;
}
