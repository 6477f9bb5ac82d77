/**
 * Subscription dispatch: the client's live subscriptions by id, and two SubscriptionIndexes (plain and
 * responder) keyed by pattern, so an incoming MSG or REQMSG finds its subscriptions without scanning
 * them all. The server sends each message once per connection; the client fans it out here.
 */
import { EnchufeError } from "../errors.js";
import type { FrameOf } from "../protocol/frames.js";
import { SubscriptionIndex } from "../protocol/subscriptions.js";
import { invalidTopicError } from "./arguments.js";
import {
  type IncomingRequest,
  type Message,
  type ReplayInfo,
  type SubscribeStart,
  Subscription,
} from "./subscription.js";

/** A message as subscribers get it, from the fields every message frame has. */
function messageOf(
  frame: { topic: string; from: string; headers: Message["headers"]; payload: Uint8Array },
  isPrivate: boolean,
  position: number,
  time?: number,
): Message {
  const { topic, from, headers, payload } = frame;
  return time === undefined
    ? { topic, from, headers, payload, private: isPrivate, position }
    : { topic, from, headers, payload, private: isPrivate, position, time };
}

type AnySubscription = Subscription<Message> | Subscription<IncomingRequest>;

/** The client's subscriptions: by id (for ERR refs, UNSUB and resubscription) and by pattern. */
export class SubscriptionTable {
  readonly #byId = new Map<number, AnySubscription>();
  readonly #plain = new SubscriptionIndex<Subscription<Message>>();
  readonly #responders = new SubscriptionIndex<Subscription<IncomingRequest>>();
  readonly #onQueueFull: (error: EnchufeError) => void;

  /** `onQueueFull` hears of a subscription whose consumer fell too far behind (the message is dropped). */
  constructor(onQueueFull: (error: EnchufeError) => void) {
    this.#onQueueFull = onQueueFull;
  }

  /** Makes and adds a subscription, once its pattern and group are checked (EINVALIDTOPIC). */
  open<T extends Message | IncomingRequest>(
    made: {
      sid: number;
      pattern: string;
      responder: boolean;
      group: string | undefined;
      start: SubscribeStart | undefined;
    },
    maxQueued: number,
    unsubscribe: (subscription: Subscription<T>) => void,
  ): Subscription<T> {
    const { sid, pattern, responder, group, start } = made;
    const invalid =
      invalidTopicError("Pattern", pattern, true) ??
      (group === undefined ? undefined : invalidTopicError("Queue group", group, false));
    if (invalid !== undefined) throw invalid;
    const subscription = new Subscription<T>(sid, pattern, responder, maxQueued, unsubscribe, {
      group,
      start,
    });
    // T is Message or IncomingRequest, matching the responder flag the dispatcher checks.
    this.#add(subscription as unknown as AnySubscription);
    return subscription;
  }

  #add(subscription: AnySubscription): void {
    this.#byId.set(subscription.sid, subscription);
    // A queue-group subscription gets GMSG frames by sid, never a MSG by pattern.
    if (subscription.group !== undefined) return;
    if (subscription.responder) {
      this.#responders.add(subscription.pattern, subscription as Subscription<IncomingRequest>);
    } else {
      this.#plain.add(subscription.pattern, subscription as Subscription<Message>);
    }
  }

  get(sid: number): AnySubscription | undefined {
    return this.#byId.get(sid);
  }

  /** Forgets subscription `sid`; returns it, or undefined when there was none. */
  delete(sid: number): AnySubscription | undefined {
    const subscription = this.#byId.get(sid);
    if (subscription === undefined) return undefined;
    this.#byId.delete(sid);
    if (subscription.group !== undefined) return subscription;
    if (subscription.responder) {
      this.#responders.remove(subscription.pattern, subscription as Subscription<IncomingRequest>);
    } else {
      this.#plain.remove(subscription.pattern, subscription as Subscription<Message>);
    }
    return subscription;
  }

  /** Every live subscription, in the order they were made. */
  values(): IterableIterator<AnySubscription> {
    return this.#byId.values();
  }

  /** Ends every subscription's iteration and forgets them all. */
  endAll(): void {
    for (const subscription of [...this.#byId.values()]) {
      this.delete(subscription.sid);
      subscription.queue.end();
    }
  }

  /**
   * Queues a MSG (version 1) or PMSG (version 2) on each matching plain subscription, once each. A direct
   * (private) message has no pattern to match: it goes to every plain subscription of this client (not to
   * queue-group ones). A positioned message is skipped by a subscription still replaying (the replay has
   * it) or that already delivered that position (docs/PROTOCOL.md §2.5: no duplicate at the switch).
   */
  deliverMessage(frame: FrameOf<"MSG"> | FrameOf<"PMSG">): void {
    const position = frame.type === "PMSG" ? frame.position : 0;
    const message = messageOf(frame, frame.private, position);
    if (frame.private) {
      for (const subscription of this.#byId.values()) {
        if (subscription.resumable) this.#push(subscription as Subscription<Message>, message);
      }
      return;
    }
    for (const subscription of this.#plain.match(frame.topic)) {
      if (position !== 0) {
        if (subscription.replaying || position <= subscription.lastPosition) continue;
        subscription.lastPosition = position;
      }
      this.#push(subscription, message);
    }
  }

  /** Queues a replayed message (HMSG) on the subscription it names. */
  deliverReplayed(frame: FrameOf<"HMSG">): void {
    const subscription = this.#byId.get(frame.sid);
    if (subscription === undefined || !subscription.resumable) return;
    subscription.lastPosition = frame.position;
    this.#push(subscription as Subscription<Message>, messageOf(frame, false, frame.position, frame.time));
  }

  /** REPLAYED: the subscription it names goes live; returns what the client reports (none: unsubscribed). */
  replayed(frame: FrameOf<"REPLAYED">): ReplayInfo | undefined {
    const subscription = this.#byId.get(frame.sid);
    if (subscription === undefined || !subscription.resumable) return undefined;
    subscription.replayed(frame.epoch, frame.position);
    return {
      subscription: subscription as Subscription<Message>,
      recovered: frame.recovered,
      epoch: frame.epoch,
      position: frame.position,
      count: frame.count,
    };
  }

  /** Queues a GMSG on the queue-group subscription it names (none: it was just unsubscribed). */
  deliverGroupMessage(frame: FrameOf<"GMSG">): void {
    const subscription = this.#byId.get(frame.sid);
    if (subscription === undefined || subscription.group === undefined) return;
    this.#push(subscription as Subscription<Message>, messageOf(frame, false, 0));
  }

  /** Queues a request on one matching responder (the oldest); false when this client has none. */
  deliverRequest(request: IncomingRequest): boolean {
    let chosen: Subscription<IncomingRequest> | undefined;
    for (const subscription of this.#responders.match(request.name)) {
      if (chosen === undefined || subscription.sid < chosen.sid) chosen = subscription;
    }
    if (chosen === undefined) return false;
    this.#push(chosen, request);
    return true;
  }

  #push<T extends Message | IncomingRequest>(subscription: Subscription<T>, item: T): void {
    if (subscription.queue.push(item)) return;
    const { pattern } = subscription;
    this.#onQueueFull(
      new EnchufeError("EBUFFERFULL", `Subscription ${pattern} has too many unread messages`, {
        details: { limit: subscription.queue.max, pattern },
      }),
    );
  }
}
