/**
 * The broker: every cross-session delivery goes through here. Nickname registry, text rooms,
 * framed subscriptions (token trie + exact map), presence notices, fan-out, direct messages and
 * request routing (server handlers first, then responder clients).
 *
 * This is the message-bus seam: publish(), direct() and request() are the only ways one session
 * reaches another. With a `bus` (a cluster), the remote half lives in cluster.ts (ClusterLink) and
 * the calls that may need another node (nicknames, /who, /rooms, directs) can answer with a Promise;
 * without one, everything stays synchronous and local, exactly as in a single process.
 *
 * Write batching: while a client's chunk is read (beginRead/endRead), consecutive publishes from that
 * client to one topic collect in one Delivery, delivered when the read ends or before anything else
 * happens (any other broker call, or any other write to a session). Each recipient gets one write per
 * chunk instead of one per message, in the same order as before.
 */
import type { EventEmitter } from "node:events";
import { type Lang, t } from "../i18n/index.js";
import { type Headers, ReplyStatus } from "../protocol/frames.js";
import { nickKey } from "../protocol/names.js";
import { SubscriptionIndex } from "../protocol/subscriptions.js";
import type { BusState, MessageBus } from "./bus/index.js";
import { ClusterLink, type Requester } from "./cluster.js";
import { Delivery } from "./delivery.js";
import type { FramedSession } from "./framed-session.js";
import type { HandlerRegistry, RequestResult } from "./handlers.js";
import type { Session } from "./session.js";
import type { TextSession } from "./text-session.js";

/** A room and the nicknames of the text users in it (listRooms()). */
export interface RoomInfo {
  readonly name: string;
  readonly members: readonly string[];
}

/** The `message` event's argument: a publish or direct message as it passed through the server (in a cluster: the node where it was sent). */
export interface MessageEvent {
  readonly topic: string;
  readonly from: string;
  readonly payload: Uint8Array;
  readonly private: boolean;
}

interface PendingRequest {
  readonly requester: Requester;
  readonly reqId: number;
  readonly responder: FramedSession;
  readonly timer: NodeJS.Timeout;
}

const EMPTY_HEADERS: Headers = [];

export class Broker {
  readonly #lang: Lang;
  readonly #events: EventEmitter;
  readonly #handlers: HandlerRegistry;
  readonly #defaultTimeoutMs: number;
  readonly #maxTimeoutMs: number;
  readonly #nicks = new Map<string, Session>();
  readonly #rooms = new Map<string, Set<TextSession>>();
  readonly #subscriptions = new SubscriptionIndex<FramedSession>();
  readonly #responders = new SubscriptionIndex<FramedSession>();
  readonly #pending = new Map<string, PendingRequest>();
  readonly #privateLabel: string;
  /** The batch being filled during a read (see beginRead). */
  #open: Delivery | undefined;
  #reading = false;
  /** The remote half (cluster.ts); undefined in a single process. */
  readonly #cluster: ClusterLink | undefined;
  #guests = 0;
  #tokens = 0;
  #rotation = 0;

  constructor(options: {
    lang: Lang;
    events: EventEmitter;
    handlers: HandlerRegistry;
    defaultRequestTimeoutMs: number;
    maxRequestTimeoutMs: number;
    bus?: MessageBus | undefined;
    maxFrameBytes?: number;
    onClusterState?: (state: BusState) => void;
  }) {
    this.#lang = options.lang;
    this.#events = options.events;
    this.#handlers = options.handlers;
    this.#defaultTimeoutMs = options.defaultRequestTimeoutMs;
    this.#maxTimeoutMs = options.maxRequestTimeoutMs;
    this.#privateLabel = t(options.lang, "server.private");
    this.#cluster =
      options.bus === undefined
        ? undefined
        : new ClusterLink(options.bus, this, {
            lang: options.lang,
            privateLabel: this.#privateLabel,
            maxFrameBytes: options.maxFrameBytes ?? 0xffff_ffff,
            onState: options.onClusterState,
          });
  }

  /** The link to the other nodes; undefined in a single process. */
  get cluster(): ClusterLink | undefined {
    return this.#cluster;
  }

  // ---- nickname registry ----

  /**
   * Gives `session` the nickname `wanted` when free, else a fresh guest nickname. In a cluster a
   * wanted nickname is claimed cluster-wide, so the answer is a Promise.
   */
  register(session: Session, wanted?: string): string | Promise<string> {
    if (wanted !== undefined && !this.#nicks.has(nickKey(wanted))) {
      if (this.#cluster !== undefined) return this.#registerClaimed(session, wanted, this.#cluster);
      session.nick = wanted;
      this.#nicks.set(nickKey(session.nick), session);
      return session.nick;
    }
    return this.#registerGuest(session);
  }

  async #registerClaimed(session: Session, wanted: string, cluster: ClusterLink): Promise<string> {
    const claimed = await cluster.claimNick(wanted);
    const usable = claimed && !this.#nicks.has(nickKey(wanted));
    if (claimed && (!usable || !session.isOpen)) cluster.releaseNick(wanted);
    if (!session.isOpen) return session.nick; // gone meanwhile: nothing to register (or unregister)
    if (!usable) return this.#registerGuest(session);
    session.nick = wanted;
    this.#nicks.set(nickKey(wanted), session);
    return wanted;
  }

  #registerGuest(session: Session): string {
    const prefix = t(this.#lang, "server.guest");
    // In a cluster the node's tag keeps guests unique without asking the others.
    const tag = this.#cluster === undefined ? "" : `${this.#cluster.guestTag}-`;
    let nick: string;
    do nick = `${prefix}-${tag}${++this.#guests}`;
    while (this.#nicks.has(nickKey(nick)));
    session.nick = nick;
    this.#nicks.set(nickKey(session.nick), session);
    this.#cluster?.claimGuest(nick);
    return session.nick;
  }

  /**
   * Changes a nickname (the caller checked its rule). False when another session holds it; in a
   * cluster, a Promise (the name is claimed cluster-wide and the presence moved).
   */
  rename(session: Session, nick: string): boolean | Promise<boolean> {
    const key = nickKey(nick);
    const holder = this.#nicks.get(key);
    if (holder !== undefined && holder !== session) return false;
    if (this.#cluster !== undefined) return this.#renameClaimed(session, nick, this.#cluster);
    this.#nicks.delete(nickKey(session.nick));
    session.nick = nick;
    this.#nicks.set(key, session);
    return true;
  }

  async #renameClaimed(session: Session, nick: string, cluster: ClusterLink): Promise<boolean> {
    const old = session.nick;
    if (!(await cluster.changeNick(old, nick))) return false;
    const holder = this.#nicks.get(nickKey(nick));
    if (!session.isOpen || (holder !== undefined && holder !== session)) {
      if (nickKey(old) !== nickKey(nick)) cluster.releaseNick(nick);
      return false;
    }
    if (this.#nicks.get(nickKey(old)) === session) this.#nicks.delete(nickKey(old));
    session.nick = nick;
    this.#nicks.set(nickKey(nick), session);
    return true;
  }

  unregister(session: Session): void {
    const key = nickKey(session.nick);
    if (this.#nicks.get(key) !== session) return;
    this.#nicks.delete(key);
    this.#cluster?.releaseNick(session.nick);
  }

  findByNick(nick: string): Session | undefined {
    return this.#nicks.get(nickKey(nick));
  }

  // ---- text rooms and presence ----

  /** Puts a text user in `room`; announces it to the others when `announce`. */
  joinRoom(session: TextSession, room: string, announce: boolean): void {
    this.flush();
    let members = this.#rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.#rooms.set(room, members);
    }
    if (announce)
      this.notifyRoom(room, t(this.#lang, "server.join.other", { nick: session.nick, room }), session);
    members.add(session);
    this.#cluster?.joined(room, session.nick, announce);
  }

  /** Takes a text user out of `room`; announces it to the others when `announce`. */
  leaveRoom(session: TextSession, room: string, announce: boolean): void {
    this.flush();
    const members = this.#rooms.get(room);
    if (members === undefined || !members.delete(session)) return;
    this.#cluster?.left(room, session.nick, announce);
    if (members.size === 0) this.#rooms.delete(room);
    else if (announce)
      this.notifyRoom(room, t(this.#lang, "server.leave.other", { nick: session.nick, room }));
  }

  /** Sends a notice line to every text user in `room` except `except`. */
  notifyRoom(room: string, notice: string, except?: Session): void {
    const members = this.#rooms.get(room);
    if (members === undefined) return;
    const bytes = Buffer.from(`${notice}\n`, "utf8");
    for (const member of members) if (member !== except) member.write(bytes);
  }

  roomMembers(room: string): string[] {
    const members = this.#rooms.get(room);
    return members === undefined ? [] : [...members].map((member) => member.nick).sort();
  }

  listRooms(): RoomInfo[] {
    return [...this.#rooms.keys()].sort().map((name) => ({ name, members: this.roomMembers(name) }));
  }

  /** The nicknames of the text users in `room` on every node (a Promise in a cluster), sorted. */
  who(room: string): string[] | Promise<string[]> {
    return this.#cluster === undefined ? this.roomMembers(room) : this.#cluster.bus.who(room);
  }

  /** Every room with text users on any node, with how many (a Promise in a cluster), sorted by name. */
  roomCounts(): Array<{ room: string; members: number }> | Promise<Array<{ room: string; members: number }>> {
    if (this.#cluster !== undefined) return this.#cluster.bus.rooms();
    return this.listRooms().map((info) => ({ room: info.name, members: info.members.length }));
  }

  /**
   * Resolves once this node's subscription and presence changes reached the other nodes; undefined
   * when there is nothing to wait for (always, in a single process).
   */
  barrier(): Promise<void> | undefined {
    return this.#cluster?.barrier();
  }

  // ---- subscriptions ----

  subscribe(session: FramedSession, pattern: string, responder: boolean): void {
    this.flush();
    (responder ? this.#responders : this.#subscriptions).add(pattern, session);
    this.#cluster?.subscribed(pattern, responder, true);
  }

  unsubscribe(session: FramedSession, pattern: string, responder: boolean): void {
    this.flush();
    (responder ? this.#responders : this.#subscriptions).remove(pattern, session);
    this.#cluster?.subscribed(pattern, responder, false);
  }

  // ---- delivery ----

  /**
   * Starts reading one chunk from a client: publishes are batched (consecutive publishes from one
   * session to one topic become one Delivery, one write per recipient) until endRead().
   */
  beginRead(): void {
    this.#reading = true;
  }

  /** Ends the read: the open batch is delivered. */
  endRead(): void {
    this.#reading = false;
    this.flush();
  }

  /** True while a batch waits to be delivered (sessions flush it before any other write). */
  get hasOpenBatch(): boolean {
    return this.#open !== undefined;
  }

  /** Delivers the open batch, if any. Runs before anything that writes or changes who receives. */
  flush(): void {
    const delivery = this.#open;
    if (delivery === undefined) return;
    this.#open = undefined;
    this.#deliver(delivery);
  }

  /**
   * Publishes to `topic`: text users in the room of that name (except `sender`) get the text lines,
   * framed subscribers the MSG frame (once per connection, the publisher included if subscribed).
   * Inside a read the message joins the open batch; outside one it is delivered at once.
   */
  publish(topic: string, from: string, headers: Headers, payload: Uint8Array, sender?: Session): void {
    let open = this.#open;
    if (open === undefined || open.topic !== topic || open.sender !== sender || open.from !== from) {
      this.flush();
      open = new Delivery(topic, from, false, this.#privateLabel, sender);
      this.#open = open;
    }
    open.add(headers, payload);
    if (!this.#reading) this.flush();
  }

  /** A batch leaves: local fan-out, then the other nodes (the same bytes, once), then `message` events. */
  #deliver(delivery: Delivery): void {
    this.fanOut(delivery);
    this.#cluster?.publish(delivery.topic, delivery);
    if (this.#events.listenerCount("message") > 0) this.#emitMessages(delivery);
  }

  /** Local delivery: the room's text users (except the sender) and matching framed subscribers. */
  fanOut(delivery: Delivery): void {
    const members = this.#rooms.get(delivery.topic);
    if (members !== undefined) {
      for (const member of members) if (member !== delivery.sender) member.deliver(delivery);
    }
    for (const subscriber of this.#subscriptions.match(delivery.topic)) subscriber.deliver(delivery);
  }

  /**
   * A private message to the client named `target`; false when nobody has that nickname (in a
   * cluster, when it is not here: a Promise answering whether another node has it).
   */
  direct(target: string, from: string, headers: Headers, payload: Uint8Array): boolean | Promise<boolean> {
    this.flush();
    const recipient = this.#nicks.get(nickKey(target));
    if (recipient === undefined) return this.#cluster?.direct(target, from, headers, payload) ?? false;
    const delivery = new Delivery(recipient.nick, from, true, this.#privateLabel, undefined);
    delivery.add(headers, payload);
    recipient.deliver(delivery);
    if (this.#events.listenerCount("message") > 0) this.#emitMessages(delivery);
    return true;
  }

  #emitMessages(delivery: Delivery): void {
    for (let i = 0; i < delivery.count; i++) {
      const event: MessageEvent = {
        topic: delivery.topic,
        from: delivery.from,
        payload: delivery.payload(i),
        private: delivery.isPrivate,
      };
      this.#events.emit("message", event);
    }
  }

  // ---- request / reply ----

  /** Routes a request: a server handler, else one responder client (round robin), else NO_RESPONDERS. */
  request(
    requester: Requester,
    reqId: number,
    name: string,
    timeoutMs: number,
    headers: Headers,
    payload: Uint8Array,
  ): void {
    const handler = this.#handlers.get(name);
    if (handler !== undefined) {
      let result: RequestResult | PromiseLike<RequestResult>;
      try {
        result = handler({ name, from: requester.nick, headers, payload });
      } catch (error) {
        requester.reply(reqId, ReplyStatus.HANDLER_ERROR, EMPTY_HEADERS, errorPayload(error));
        return;
      }
      if (isThenable(result)) {
        // Async handlers are rare (not the hot path): a closure per request is acceptable here.
        result.then(
          (value) => requester.reply(reqId, ReplyStatus.OK, EMPTY_HEADERS, toBytes(value)),
          (error: unknown) =>
            requester.reply(reqId, ReplyStatus.HANDLER_ERROR, EMPTY_HEADERS, errorPayload(error)),
        );
      } else {
        requester.reply(reqId, ReplyStatus.OK, EMPTY_HEADERS, toBytes(result));
      }
      return;
    }
    const responders = this.#responders.match(name);
    const wait = timeoutMs > 0 ? Math.min(timeoutMs, this.#maxTimeoutMs) : this.#defaultTimeoutMs;
    if (responders.size === 0) {
      if (this.#cluster !== undefined && requester.remote !== true) {
        this.#cluster.request(requester, reqId, name, wait, headers, payload);
        return;
      }
      requester.reply(reqId, ReplyStatus.NO_RESPONDERS, EMPTY_HEADERS, EMPTY_PAYLOAD);
      return;
    }
    let chosen: FramedSession | undefined;
    let index = this.#rotation++ % responders.size;
    for (const responder of responders) {
      chosen = responder;
      if (index-- === 0) break;
    }
    const responder = chosen!;
    const token = (++this.#tokens).toString(36);
    const timer = setTimeout(expireRequest, wait, this, token);
    timer.unref();
    this.#pending.set(token, { requester, reqId, responder, timer });
    responder.deliverRequest(token, name, requester.nick, headers, payload);
  }

  /** A responder's answer: routed back to the requester as REPLY. False when the token is unknown or expired. */
  respond(
    responder: FramedSession,
    token: string,
    status: number,
    headers: Headers,
    payload: Uint8Array,
  ): boolean {
    const pending = this.#pending.get(token);
    if (pending === undefined || pending.responder !== responder) return false;
    this.#pending.delete(token);
    clearTimeout(pending.timer);
    pending.requester.reply(pending.reqId, status, headers, payload);
    return true;
  }

  /** Called by the request timer. */
  expire(token: string): void {
    const pending = this.#pending.get(token);
    if (pending === undefined) return;
    this.#pending.delete(token);
    pending.requester.reply(pending.reqId, ReplyStatus.TIMEOUT, EMPTY_HEADERS, EMPTY_PAYLOAD);
  }

  /** A responder left: its unanswered requests are answered NO_RESPONDERS at once instead of waiting for the timeout. */
  responderGone(responder: FramedSession): void {
    for (const [token, pending] of this.#pending) {
      if (pending.responder !== responder) continue;
      this.#pending.delete(token);
      clearTimeout(pending.timer);
      pending.requester.reply(pending.reqId, ReplyStatus.NO_RESPONDERS, EMPTY_HEADERS, EMPTY_PAYLOAD);
    }
  }

  /** Stops every request timer (shutdown). */
  clearPending(): void {
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
    this.#cluster?.clearPending();
  }
}

const EMPTY_PAYLOAD = new Uint8Array(0);

function expireRequest(broker: Broker, token: string): void {
  broker.expire(token);
}

function isThenable(value: unknown): value is PromiseLike<RequestResult> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

function toBytes(value: RequestResult): Uint8Array {
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

function errorPayload(error: unknown): Uint8Array {
  return Buffer.from(error instanceof Error ? error.message : String(error), "utf8");
}
