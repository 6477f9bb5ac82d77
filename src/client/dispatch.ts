/**
 * Subscription dispatch: the client's live subscriptions by id, and two SubscriptionIndexes (plain and
 * responder) keyed by pattern, so an incoming MSG or REQMSG finds its subscriptions without scanning
 * them all. The server sends each message once per connection; the client fans it out here.
 */
import type { FrameOf } from "../protocol/frames.js";
import { SubscriptionIndex } from "../protocol/subscriptions.js";
import type { IncomingRequest, Message, Subscription } from "./subscription.js";

type AnySubscription = Subscription<Message> | Subscription<IncomingRequest>;

/** The client's subscriptions: by id (for ERR refs, UNSUB and resubscription) and by pattern. */
export class SubscriptionTable {
  readonly #byId = new Map<number, AnySubscription>();
  readonly #plain = new SubscriptionIndex<Subscription<Message>>();
  readonly #responders = new SubscriptionIndex<Subscription<IncomingRequest>>();
  readonly #onQueueFull: (subscription: AnySubscription) => void;

  /** `onQueueFull` hears of a subscription whose consumer fell too far behind (the message is dropped). */
  constructor(onQueueFull: (subscription: AnySubscription) => void) {
    this.#onQueueFull = onQueueFull;
  }

  add(subscription: Subscription<Message> | Subscription<IncomingRequest>): void {
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
   * Queues a MSG on each matching plain subscription, once each. A direct (private) message has no
   * pattern to match: it goes to every plain subscription of this client (not to queue-group ones).
   */
  deliverMessage(frame: FrameOf<"MSG">): void {
    const message: Message = {
      topic: frame.topic,
      from: frame.from,
      headers: frame.headers,
      payload: frame.payload,
      private: frame.private,
    };
    if (frame.private) {
      for (const subscription of this.#byId.values()) {
        if (!subscription.responder && subscription.group === undefined)
          this.#push(subscription as Subscription<Message>, message);
      }
      return;
    }
    for (const subscription of this.#plain.match(frame.topic)) this.#push(subscription, message);
  }

  /** Queues a GMSG on the queue-group subscription it names (none: it was just unsubscribed). */
  deliverGroupMessage(frame: FrameOf<"GMSG">): void {
    const subscription = this.#byId.get(frame.sid);
    if (subscription === undefined || subscription.group === undefined) return;
    this.#push(subscription as Subscription<Message>, {
      topic: frame.topic,
      from: frame.from,
      headers: frame.headers,
      payload: frame.payload,
      private: false,
    });
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
    if (!subscription.queue.push(item)) this.#onQueueFull(subscription as unknown as AnySubscription);
  }
}
