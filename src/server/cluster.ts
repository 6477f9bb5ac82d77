/**
 * The node's side of the cluster bus (src/server/bus/): everything the broker sends to other nodes
 * and everything that comes back. Local delivery stays the broker's job; this file only adds the
 * remote half, so a single process without a bus never runs any of it.
 *
 * - Interest: local patterns are reference-counted (framed subscriptions, and a text user in room R
 *   means interest in topic R); the bus hears `interest(pattern, on)` on the first and the last.
 * - Remote publishes arrive as the once-encoded MSG bytes, possibly several frames for one topic in
 *   one buffer; each is decoded with the streaming decoder and delivered in order, framed
 *   subscribers getting its bytes as they came.
 * - Requests with no local handler or responder go to another node's responder; requests from other
 *   nodes are answered by a local responder through a RemoteRequester.
 */
import { randomBytes } from "node:crypto";
import { type Lang, t } from "../i18n/index.js";
import {
  FRAME_HEADER_BYTES,
  type Frame,
  FrameDecoder,
  type Headers,
  NEED_DATA,
  RemoteProtocolError,
  ReplyStatus,
} from "../protocol/frames.js";
import { sanitizeLine } from "../protocol/sanitize.js";
import type { Broker } from "./broker.js";
import type { BusEvents, BusState, IncomingRequest, MessageBus, PresenceChange } from "./bus/index.js";
import { Delivery } from "./delivery.js";

/** Who gets a REPLY: a framed session on this node, or a request that came from another node. */
export interface Requester {
  readonly nick: string;
  reply(reqId: number, status: number, headers: Headers, payload: Uint8Array): void;
  /** True for a request from another node (never routed on to a third). */
  readonly remote?: boolean;
}

/** A request from another node, answered through the bus. */
class RemoteRequester implements Requester {
  readonly remote = true;
  readonly nick: string;
  readonly #bus: MessageBus;
  readonly #replyNode: string;
  readonly #token: string;

  constructor(bus: MessageBus, request: IncomingRequest) {
    this.#bus = bus;
    this.#replyNode = request.replyNode;
    this.#token = request.token;
    this.nick = request.from;
  }

  reply(_reqId: number, status: number, headers: Headers, payload: Uint8Array): void {
    this.#bus.reply(this.#replyNode, this.#token, status, headers, Buffer.from(payload));
  }
}

/**
 * Messages that came from another node (one sender's batch to one topic): their MSG bytes are
 * forwarded to framed subscribers as they came, and text users get lines built once, as for a local batch.
 */
class RemoteDelivery extends Delivery {
  /** Where this batch's frames start and end in the buffer being decoded. */
  readonly start: number;
  end = 0;
  #bytes: Buffer = EMPTY_PAYLOAD;

  constructor(frame: Extract<Frame, { type: "MSG" }>, start: number, privateLabel: string) {
    super(frame.topic, frame.from, false, privateLabel, undefined);
    this.start = start;
  }

  /** The received bytes of every frame of the batch (set once the batch is complete). */
  setBytes(bytes: Buffer): void {
    this.#bytes = bytes;
  }

  override frame(): Buffer {
    return this.#bytes;
  }
}

interface RemotePending {
  readonly requester: Requester;
  readonly reqId: number;
  readonly timer: NodeJS.Timeout;
}

export interface ClusterLinkOptions {
  readonly lang: Lang;
  readonly privateLabel: string;
  readonly maxFrameBytes: number;
  /** Bus state changes ("down" once per outage, then "resynced"). */
  readonly onState?: ((state: BusState) => void) | undefined;
}

const EMPTY_HEADERS: Headers = [];
const EMPTY_PAYLOAD = Buffer.alloc(0);

export class ClusterLink implements BusEvents {
  readonly bus: MessageBus;
  /** A short random tag that makes this node's guest nicknames unique in the cluster. */
  readonly guestTag = randomBytes(2).toString("hex");
  readonly #broker: Broker;
  readonly #options: ClusterLinkOptions;
  readonly #interest = new Map<string, number>();
  readonly #responders = new Map<string, number>();
  readonly #pending = new Map<string, RemotePending>();
  #tokens = 0;
  /** Interest, responders or presence changed since the last sync with the bus. */
  #unsynced = false;
  #syncing: Promise<void> | undefined;
  // Decoding state for one incoming buffer (remote frames are decoded synchronously, one buffer at a time).
  #decoder: FrameDecoder;
  #incoming: Buffer = EMPTY_PAYLOAD;
  #offset = 0;
  #directTo: string | undefined;
  /** The remote batch being decoded (consecutive MSG frames of one sender to one topic). */
  #group: RemoteDelivery | undefined;

  constructor(bus: MessageBus, broker: Broker, options: ClusterLinkOptions) {
    this.bus = bus;
    this.#broker = broker;
    this.#options = options;
    this.#decoder = this.#newDecoder();
  }

  start(): Promise<void> {
    return this.bus.start(this);
  }

  close(): Promise<void> {
    this.clearPending();
    return this.bus.close();
  }

  // ---- what the broker tells the other nodes ----

  /** A local text user entered `room` (interest in that topic, presence). */
  joined(room: string, nick: string, announce: boolean): void {
    this.#count(this.#interest, room, true);
    this.bus.setPresence(room, nick, true, announce);
    this.#unsynced = true;
  }

  left(room: string, nick: string, announce: boolean): void {
    this.#count(this.#interest, room, false);
    this.bus.setPresence(room, nick, false, announce);
    this.#unsynced = true;
  }

  subscribed(pattern: string, responder: boolean, on: boolean): void {
    this.#count(responder ? this.#responders : this.#interest, pattern, on, responder);
  }

  #count(counts: Map<string, number>, pattern: string, on: boolean, responder = false): void {
    const count = (counts.get(pattern) ?? 0) + (on ? 1 : -1);
    if (count > 0) counts.set(pattern, count);
    else counts.delete(pattern);
    if ((on && count === 1) || (!on && count === 0)) {
      if (responder) this.bus.responder(pattern, on);
      else this.bus.interest(pattern, on);
      this.#unsynced = true;
    }
  }

  /**
   * A promise that resolves once every interest and presence change made so far reached the bus, or
   * undefined when nothing is waiting (PONG and /join answers wait for it). Barriers resolve in order.
   */
  barrier(): Promise<void> | undefined {
    if (this.#unsynced) {
      this.#unsynced = false;
      const syncing = this.bus.sync();
      this.#syncing = syncing;
      syncing.then(() => {
        if (this.#syncing === syncing) this.#syncing = undefined;
      });
    }
    return this.#syncing;
  }

  publish(topic: string, delivery: Delivery): void {
    this.bus.publish(topic, delivery.frame());
  }

  claimNick(nick: string): Promise<boolean> {
    return this.bus.claimNick(nick);
  }

  /** A guest nickname is unique through the node tag; it is still claimed so that nobody else takes it. */
  claimGuest(nick: string): void {
    this.bus.claimNick(nick).catch(ignore);
  }

  changeNick(oldNick: string, newNick: string): Promise<boolean> {
    this.#unsynced = true;
    return this.bus.changeNick(oldNick, newNick);
  }

  releaseNick(nick: string): void {
    this.bus.releaseNick(nick);
  }

  direct(target: string, from: string, headers: Headers, payload: Uint8Array): Promise<boolean> {
    const delivery = new Delivery(target, from, true, this.#options.privateLabel, undefined);
    delivery.add(headers, payload);
    return this.bus.direct(target, delivery.frame());
  }

  /** Sends a request no local handler or responder could take to another node; NO_RESPONDERS when none. */
  request(
    requester: Requester,
    reqId: number,
    name: string,
    waitMs: number,
    headers: Headers,
    payload: Uint8Array,
  ): void {
    const token = (++this.#tokens).toString(36);
    const timer = setTimeout(expireRemote, waitMs, this, token);
    timer.unref();
    this.#pending.set(token, { requester, reqId, timer });
    const request = { token, name, from: requester.nick, headers, payload: Buffer.from(payload) };
    this.bus.routeRequest(request).then(
      (routed) => {
        if (!routed) this.#finish(token, ReplyStatus.NO_RESPONDERS, EMPTY_HEADERS, EMPTY_PAYLOAD);
      },
      () => this.#finish(token, ReplyStatus.NO_RESPONDERS, EMPTY_HEADERS, EMPTY_PAYLOAD),
    );
  }

  expire(token: string): void {
    this.#finish(token, ReplyStatus.TIMEOUT, EMPTY_HEADERS, EMPTY_PAYLOAD);
  }

  #finish(token: string, status: number, headers: Headers, payload: Uint8Array): void {
    const pending = this.#pending.get(token);
    if (pending === undefined) return;
    this.#pending.delete(token);
    clearTimeout(pending.timer);
    pending.requester.reply(pending.reqId, status, headers, payload);
  }

  clearPending(): void {
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
  }

  // ---- BusEvents: what other nodes send ----

  onPublish(_topic: string, frame: Buffer): void {
    this.#decode(frame, undefined);
  }

  onDirect(nick: string, frame: Buffer): void {
    this.#decode(frame, nick);
  }

  onRequest(request: IncomingRequest): void {
    this.#broker.request(
      new RemoteRequester(this.bus, request),
      0,
      request.name,
      // The requesting node keeps the real deadline; this one only bounds how long we remember it.
      Number.MAX_SAFE_INTEGER,
      request.headers,
      request.payload,
    );
  }

  onReply(token: string, status: number, headers: Headers, payload: Buffer): void {
    this.#finish(token, status, headers, payload);
  }

  onPresence(change: PresenceChange): void {
    if (change.silent === true) return;
    const lang = this.#options.lang;
    const nick = sanitizeLine(change.nick);
    const notice =
      change.kind === "join"
        ? t(lang, "server.join.other", { nick, room: change.room })
        : change.kind === "leave"
          ? t(lang, "server.leave.other", { nick, room: change.room })
          : t(lang, "server.nick.changed", { old: sanitizeLine(change.oldNick ?? ""), nick });
    this.#broker.notifyRoom(change.room, notice);
  }

  onState(state: BusState): void {
    this.#options.onState?.(state);
  }

  // ---- decoding remote MSG frames ----

  #newDecoder(): FrameDecoder {
    return new FrameDecoder({ maxFrameBytes: this.#options.maxFrameBytes });
  }

  /** Delivers every MSG frame in `bytes` (1..n, concatenated), in order; a direct when `directTo` is set. */
  #decode(bytes: Buffer, directTo: string | undefined): void {
    this.#incoming = bytes;
    this.#offset = 0;
    this.#directTo = directTo;
    this.#decoder.push(bytes);
    for (;;) {
      let frame: Frame | typeof NEED_DATA;
      try {
        frame = this.#decoder.next();
      } catch (error) {
        // Not ours to answer (no peer to tell): drop the rest of that buffer.
        if (error instanceof RemoteProtocolError) break;
        throw error;
      }
      if (frame === NEED_DATA) break;
      this.#onRemoteFrame(frame);
    }
    this.#deliverGroup();
    // A malformed or truncated buffer leaves the decoder failed or mid-frame: start the next one clean.
    if (this.#offset !== bytes.length) this.#decoder = this.#newDecoder();
    this.#incoming = EMPTY_PAYLOAD;
  }

  /** Fans out the remote batch collected so far: one write per local recipient, as for a local batch. */
  #deliverGroup(): void {
    const group = this.#group;
    if (group === undefined) return;
    this.#group = undefined;
    group.setBytes(this.#incoming.subarray(group.start, group.end));
    this.#broker.fanOut(group);
  }

  #onRemoteFrame(frame: Frame): void {
    const start = this.#offset;
    const end = start + FRAME_HEADER_BYTES + this.#incoming.readUInt32BE(start + 2);
    this.#offset = end;
    const label = this.#options.privateLabel;
    if (this.#directTo === undefined) {
      let group = this.#group;
      if (
        group !== undefined &&
        (frame.type !== "MSG" || frame.private || group.topic !== frame.topic || group.from !== frame.from)
      ) {
        this.#deliverGroup();
        group = undefined;
      }
      if (frame.type !== "MSG" || frame.private) return;
      if (group === undefined) {
        group = new RemoteDelivery(frame, start, label);
        this.#group = group;
      }
      group.add(frame.headers, frame.payload);
      group.end = end;
      return;
    }
    if (frame.type !== "MSG") return;
    const recipient = this.#broker.findByNick(this.#directTo);
    if (recipient === undefined || !frame.private) return;
    // The topic of a direct is the recipient's own nickname, as this node spells it.
    const delivery = new Delivery(recipient.nick, frame.from, true, label, undefined);
    delivery.add(frame.headers, frame.payload);
    recipient.deliver(delivery);
  }
}

function expireRemote(link: ClusterLink, token: string): void {
  link.expire(token);
}

function ignore(): void {}
