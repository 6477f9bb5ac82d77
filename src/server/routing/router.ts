/**
 * The router: every cross-member delivery goes through here. It knows members, subscribers and
 * requesters only through the interfaces in interfaces.ts, and the other nodes only through a
 * RemoteHalf (SINGLE_NODE in one process), so one code path serves a single node and a cluster.
 *
 * Jobs, one file each: nicknames (nicknames.ts), rooms and presence events (rooms.ts), requests with their
 * pending table (requests.ts), the read turn and its batch (turn.ts), the patterns the other nodes hear of
 * (pattern-counts.ts). This file: subscriptions, fan-out.
 */
import type { Headers, PayloadSource } from "../../protocol/frames.js";
import { SubscriptionIndex } from "../../protocol/subscriptions.js";
import { DEFAULT_DEDUPE, type DedupeOptions } from "./dedupe.js";
import { Delivery } from "./delivery.js";
import { QueueGroups } from "./groups.js";
import { type HistoryTrouble, RoutedHistory } from "./history.js";
import type { Acker, RouterHistory } from "./history-types.js";
import type {
  Member,
  MessageEvent,
  RemoteHalf,
  Requester,
  RoomCount,
  RoomEvent,
  RoomInfo,
  RoomMember,
  RouterInbound,
  Subscriber,
} from "./interfaces.js";
import { Nicknames } from "./nicknames.js";
import { PatternCounts } from "./pattern-counts.js";
import { type HandlerLookup, Requests } from "./requests.js";
import { Rooms } from "./rooms.js";
import { SINGLE_NODE } from "./single-node.js";
import { ReadTurn } from "./turn.js";

export interface RouterOptions {
  readonly handlers: HandlerLookup;
  readonly defaultRequestTimeoutMs: number;
  readonly maxRequestTimeoutMs: number;
  /** A queue-group member or responder with this much output pending is skipped until it drains. */
  readonly skipSlowBytes: number;
  /** Guest nicknames are `<prefix>-N` (`guest`, `invitado`). */
  readonly guestPrefix: string;
  /** The other nodes; SINGLE_NODE when omitted. */
  readonly remote?: RemoteHalf | undefined;
  /** Called for each message that passed through, when `wantsMessages()` says someone listens. */
  readonly onMessage?: ((event: MessageEvent) => void) | undefined;
  readonly wantsMessages?: (() => boolean) | undefined;
  /** Called for each join, leave and nickname change of a text user on this node (the live view), when `wantsPresence()` says someone listens. */
  readonly onPresence?: ((event: RoomEvent) => void) | undefined;
  readonly wantsPresence?: (() => boolean) | undefined;
  /** The history (a store from src/store/); none: messages get no position and nothing is kept. */
  readonly history?: RouterHistory | undefined;
  /** The dedupe window of acknowledged publishes (docs/PROTOCOL.md §2.5). */
  readonly dedupe?: DedupeOptions | undefined;
  /** The history could not write (messages go out live, not kept), or writes again. */
  readonly onHistoryTrouble?: ((trouble: HistoryTrouble) => void) | undefined;
}

export class Router implements RouterInbound {
  readonly turn: ReadTurn;
  readonly #remote: RemoteHalf;
  readonly #nicks: Nicknames;
  readonly #rooms: Rooms;
  readonly #requests: Requests;
  readonly #subscriptions = new SubscriptionIndex<Subscriber>();
  readonly #groups: QueueGroups;
  /** Local subscriptions and responders per pattern (the remote half hears the first and the last). */
  readonly #patterns: PatternCounts;
  readonly #responderPatterns: PatternCounts;
  readonly #onMessage: ((event: MessageEvent) => void) | undefined;
  readonly #wantsMessages: () => boolean;
  readonly #onPresence: ((event: RoomEvent) => void) | undefined;
  readonly #wantsPresence: () => boolean;
  readonly #history: RoutedHistory;
  readonly #send = (delivery: Delivery): void => this.#sendNow(delivery);
  readonly #sendHere = (delivery: Delivery): void => this.#fanOutHere(delivery);
  /** A batch this node published, back from the shared log: everything #sendNow does but tell the others. */
  readonly #sendOwn = (delivery: Delivery): void => {
    this.#fanOutHere(delivery);
    this.#groups.deliver(delivery);
    if (this.#wantsMessages()) this.#emitMessages(delivery);
  };

  constructor(options: RouterOptions) {
    this.#remote = options.remote ?? SINGLE_NODE;
    this.#patterns = new PatternCounts(this.#remote, false);
    this.#responderPatterns = new PatternCounts(this.#remote, true);
    this.#nicks = new Nicknames(this.#remote, options.guestPrefix);
    this.#rooms = new Rooms(this.#remote);
    this.#requests = new Requests(options.handlers, this.#remote, {
      defaultTimeoutMs: options.defaultRequestTimeoutMs,
      maxTimeoutMs: options.maxRequestTimeoutMs,
      skipSlowBytes: options.skipSlowBytes,
      now: () => this.turn.now,
    });
    this.#groups = new QueueGroups(options.skipSlowBytes, this.#remote);
    this.#onMessage = options.onMessage;
    this.#wantsMessages = options.wantsMessages ?? (() => options.onMessage !== undefined);
    this.#onPresence = options.onPresence;
    this.#wantsPresence = options.wantsPresence ?? (() => options.onPresence !== undefined);
    this.#history = new RoutedHistory(options.history, {
      dedupe: options.dedupe ?? DEFAULT_DEDUPE,
      replayPauseBytes: options.skipSlowBytes,
      onTrouble: options.onHistoryTrouble,
      beforeRead: () => this.turn.flush(),
      log: this.#remote.log,
    });
    this.turn = new ReadTurn(this.#deliver.bind(this));
  }

  // ---- nicknames ----

  /** A guest nickname on this node, at once (the other nodes hear of it when the member is clustered). */
  registerGuest(member: Member): string {
    return this.#nicks.registerGuest(member);
  }

  /** The nickname `wanted` when free on every node, else a guest nickname. */
  register(member: Member, wanted: string | undefined): Promise<string> {
    return this.#nicks.register(member, wanted);
  }

  rename(member: Member, nick: string): Promise<boolean> {
    return this.#nicks.rename(member, nick);
  }

  unregister(member: Member): void {
    this.#nicks.unregister(member);
  }

  findByNick(nick: string): Member | undefined {
    return this.#nicks.find(nick);
  }

  /** The other nodes learn a text member that so far was local only (its guest nickname, its room). */
  cluster(member: RoomMember): void {
    if (member.clustered) return;
    member.clustered = true;
    this.#nicks.cluster(member);
    this.#rooms.cluster(member);
  }

  // ---- rooms and presence ----

  joinRoom(member: RoomMember, room: string, announce: boolean): void {
    this.turn.flush();
    this.#rooms.join(member, room, announce);
    // No event object is made unless someone listens (every new connection joins a room).
    if (this.#wantsPresence()) this.#onPresence?.({ kind: "join", room, nick: member.nick });
  }

  leaveRoom(member: RoomMember, room: string, announce: boolean): void {
    this.turn.flush();
    this.#rooms.leave(member, room, announce);
    if (this.#wantsPresence()) this.#onPresence?.({ kind: "leave", room, nick: member.nick });
  }

  /** Tells the member's room that it is now called `member.nick` (was `oldNick`). */
  nickChanged(member: RoomMember, oldNick: string): void {
    const room = member.room;
    if (room === undefined || oldNick === member.nick) return;
    const event: RoomEvent = { kind: "nick", room, nick: member.nick, oldNick };
    this.#rooms.tell(event, member);
    this.#onPresence?.(event);
  }

  /** Local subscriptions (patterns of framed clients, responders and queue-group members included). */
  get subscriptionCount(): number {
    return this.#subscriptions.size + this.#groups.size;
  }

  listRooms(): RoomInfo[] {
    return this.#rooms.names().map((name) => ({ name, members: this.#rooms.nicks(name) }));
  }

  /** The nicknames of the text users in `room` on every node, sorted. */
  who(room: string): Promise<string[]> {
    return this.#remote.who(room, this.#rooms.nicks(room));
  }

  /** Every room with text users on any node, with how many, sorted by name. */
  roomCounts(): Promise<RoomCount[]> {
    const local = this.#rooms
      .names()
      .map((room) => ({ room, members: this.#rooms.members(room)?.size ?? 0 }));
    return this.#remote.rooms(local);
  }

  /**
   * Resolves once this node's subscription and presence changes reached the other nodes, and the
   * messages published so far (the read's open batch too) are written to the history.
   */
  barrier(): Promise<void> {
    this.turn.flush();
    const written = this.#history.pendingWrite();
    const remote = this.#remote.barrier();
    return written === undefined ? remote : Promise.all([written, remote]).then(nothing);
  }

  /** The history: epoch, recent messages (/history), replays (RSUB). */
  get history(): RoutedHistory {
    return this.#history;
  }

  // ---- subscriptions ----

  subscribe(subscriber: Subscriber, pattern: string, responder: boolean): void {
    this.turn.flush();
    if (responder) this.#requests.addResponder(pattern, subscriber);
    else this.#subscriptions.add(pattern, subscriber);
    (responder ? this.#responderPatterns : this.#patterns).change(pattern, true);
  }

  unsubscribe(subscriber: Subscriber, pattern: string, responder: boolean): void {
    this.turn.flush();
    if (responder) this.#requests.removeResponder(pattern, subscriber);
    else this.#subscriptions.remove(pattern, subscriber);
    (responder ? this.#responderPatterns : this.#patterns).change(pattern, false);
  }

  /** `subscriber` joins the queue group `group` on `pattern` with its subscription `sid`. */
  joinGroup(subscriber: Subscriber, sid: number, pattern: string, group: string): void {
    this.turn.flush();
    this.#groups.join(subscriber, sid, pattern, group);
  }

  leaveGroup(subscriber: Subscriber, sid: number, pattern: string, group: string): void {
    this.turn.flush();
    this.#groups.leave(subscriber, sid, pattern, group);
  }

  /** A server-side request handler now answers `name`: the other nodes may route it here. */
  handlerAdded(name: string): void {
    this.#responderPatterns.change(name, true);
  }

  // ---- delivery ----

  /**
   * Publishes to `topic`: the room's text users (except `sender`) and every matching subscriber
   * (the sender too, if subscribed). Inside a read it joins the open batch (see ReadTurn).
   * `typed`: the payload is a line a person typed.
   */
  publish(
    topic: string,
    from: string,
    headers: Headers,
    payload: Uint8Array,
    sender?: object,
    typed = false,
  ): void {
    this.turn.publish(topic, from, headers, payload, sender, typed);
  }

  /**
   * An acknowledged publish (APUB): like publish(), then `acker.acked(id, ...)` once it is kept (or
   * not). `key` (user and id) is looked up in the dedupe window first: a duplicate is not published.
   */
  publishAcked(
    topic: string,
    from: string,
    headers: Headers,
    payload: Uint8Array,
    sender: Acker,
    id: string,
    key: string,
  ): void {
    const fresh = this.#history.claim(key, (outcome) => {
      if (sender.isOpen) sender.acked(id, outcome);
    });
    if (fresh) this.turn.publish(topic, from, headers, payload, sender, false, { id, key, to: sender });
  }

  /** A batch leaves: positions, then out once kept (#sendNow); its MSG frames or text lines kept as they are. */
  #deliver(delivery: Delivery): void {
    // Through a shared log, queue groups choose first: other nodes' shares travel with the batch.
    if (this.#history.followsLog) this.#groups.plan(delivery);
    let framed = false;
    for (const s of this.#subscriptions.match(delivery.topic)) framed ||= s.takesFrames === true;
    if (!framed && !delivery.isPrivate) this.#rooms.prepare(delivery);
    this.#history.keep(delivery, this.#send, framed);
  }

  /**
   * A batch goes out: local fan-out, queue groups (decided here, for the whole cluster), the other nodes
   * (the same bytes, once), then `message` events.
   */
  #sendNow(delivery: Delivery): void {
    this.#sendOwn(delivery);
    this.#remote.publish(delivery);
  }

  /**
   * Messages published on another node: kept in this node's history too, then delivered here. With a
   * shared log they come through logged(); what comes here went out live, not kept (the log failed).
   */
  fanOut(delivery: Delivery): void {
    if (this.#remote.log === undefined) this.#history.keep(delivery, this.#sendHere);
    else this.#fanOutHere(delivery);
  }

  logged(delivery: Delivery, first: number, time: number, epoch: string, own: boolean): void {
    this.#history.logged(delivery, first, time, epoch, own ? this.#sendOwn : this.#sendHere);
  }

  /**
   * Local delivery: the room's text users (except the sender) and the matching subscribers. Queue groups
   * are served by the node where the message was published (#sendNow), never again from another node's
   * publish: that node hands this one its share with groupMessages().
   */
  #fanOutHere(delivery: Delivery): void {
    const members = this.#rooms.members(delivery.topic);
    if (members !== undefined) {
      for (const member of members) if (member !== delivery.sender) member.deliver(delivery);
    }
    for (const subscriber of this.#subscriptions.match(delivery.topic)) subscriber.deliver(delivery);
  }

  groupMessages(name: string, pattern: string, delivery: Delivery): void {
    this.#groups.deliverHere(name, pattern, delivery);
  }

  /** A private message to the member called `target` on any node; resolves false when nobody is. */
  direct(target: string, from: string, headers: Headers, payload: Uint8Array): Promise<boolean> {
    this.turn.flush();
    const recipient = this.#nicks.find(target);
    const delivery = new Delivery(recipient?.nick ?? target, from, true, undefined);
    delivery.add(headers, payload);
    if (recipient === undefined) return this.#remote.direct(target, delivery);
    recipient.deliver(delivery);
    if (this.#wantsMessages()) this.#emitMessages(delivery);
    return TRUE;
  }

  deliverDirect(nick: string, from: string, headers: Headers, payload: Uint8Array): void {
    const recipient = this.#nicks.find(nick);
    if (recipient === undefined) return;
    // The topic of a direct is the recipient's own nickname, as this node spells it.
    const delivery = new Delivery(recipient.nick, from, true, undefined);
    delivery.add(headers, payload);
    recipient.deliver(delivery);
  }

  #emitMessages(delivery: Delivery): void {
    for (let i = 0; i < delivery.count; i++) {
      this.#onMessage?.({
        topic: delivery.topic,
        from: delivery.from,
        payload: delivery.payload(i),
        private: delivery.isPrivate,
      });
    }
  }

  roomEvent(event: RoomEvent): void {
    this.#rooms.tell(event);
  }

  // ---- requests ----

  request(
    requester: Requester,
    reqId: number,
    name: string,
    timeoutMs: number,
    headers: Headers,
    payload: PayloadSource,
  ): void {
    this.turn.flush();
    this.#requests.route(requester, reqId, name, timeoutMs, headers, payload);
  }

  /** A responder's answer; false when the token (-1: none) is unknown, expired or not this responder's. */
  respond(
    responder: Subscriber,
    token: number,
    status: number,
    headers: Headers,
    payload: PayloadSource,
  ): boolean {
    return this.#requests.settle(token, status, headers, payload, responder);
  }

  settle(token: string, status: number, headers: Headers, payload: Uint8Array): void {
    this.#requests.settleText(token, status, headers, payload);
  }

  responderGone(responder: Subscriber): void {
    this.#requests.responderGone(responder);
  }

  /** Stops every request timer (shutdown). */
  clearPending(): void {
    this.#requests.clear();
  }
}

const TRUE = Promise.resolve(true);
const nothing = (): void => {};
