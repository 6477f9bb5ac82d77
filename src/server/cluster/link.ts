/**
 * The node's remote half on the cluster bus (src/server/bus/): it implements the router's RemoteHalf
 * (what this node tells the others) and the bus's BusEvents (what they tell this node), and passes
 * the latter to the router through RouterInbound. Local delivery is the router's job.
 *
 * - Interest: the router tells the first and last local subscription of a pattern, and text rooms are
 *   counted here (a text user in room R is interest in topic R); the bus hears the first and the last.
 * - Remote publishes arrive as once-encoded MSG bytes, maybe several frames for one topic in one buffer:
 *   decoded in order (remote-frames.ts) and fanned out, framed subscribers getting the bytes as they came.
 * - Requests from other nodes reach the router with a RemoteRequester that answers through the bus.
 * - Queue groups: the router asks which other nodes have a group (the bus's cached view) and hands one of
 *   them the messages its own members cannot take; what another node hands this one goes to a member here.
 */
import { randomBytes } from "node:crypto";
import type { Headers } from "../../protocol/frames.js";
import type {
  BusEvents,
  BusState,
  IncomingRequest,
  LogEntry,
  MessageBus,
  PresenceChange,
} from "../bus/index.js";
import type { Delivery } from "../routing/delivery.js";
import type { GroupName, RemoteHalf, Requester, RoomCount, RouterInbound } from "../routing/interfaces.js";
import { LogLink } from "./log-link.js";
import { RemoteFrames } from "./remote-frames.js";

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

export interface ClusterLinkOptions {
  readonly maxFrameBytes: number;
  /** The nodes keep a history: it follows the bus's shared log when the bus has one (docs/HISTORY.md §10). */
  readonly history?: boolean | undefined;
  /** Bus state changes ("down" once per outage, then "resynced"). */
  readonly onState?: ((state: BusState) => void) | undefined;
}

export class ClusterLink implements RemoteHalf, BusEvents {
  readonly bus: MessageBus;
  readonly guestTag = randomBytes(2).toString("hex");
  readonly #options: ClusterLinkOptions;
  /** Text rooms as interest: members per room on this node. */
  readonly #roomInterest = new Map<string, number>();
  /** Patterns the router reported as subscribed (interest without rooms). */
  readonly #patterns = new Set<string>();
  #unsynced = false;
  #syncing: Promise<void> = Promise.resolve();
  #inbound: RouterInbound | undefined;
  readonly #frames: RemoteFrames;
  /** The shared log's side, when the history follows one. */
  readonly log: LogLink | undefined;
  /** Set with `log`: the bus follows the log and hands its entries here. */
  readonly onLogEntry?: (entry: LogEntry) => void;

  constructor(bus: MessageBus, options: ClusterLinkOptions) {
    this.bus = bus;
    this.#options = options;
    this.#frames = new RemoteFrames(options.maxFrameBytes);
    if (options.history === true && bus.log !== undefined) {
      const log = new LogLink(bus.log, bus.nodeId, this.#frames);
      this.log = log;
      this.onLogEntry = (entry) => log.entry(entry);
    }
  }

  /** Connects the router that receives what the other nodes send (before start()). */
  attach(inbound: RouterInbound): void {
    this.#inbound = inbound;
    this.log?.attach(inbound);
  }

  start(): Promise<void> {
    return this.bus.start(this);
  }

  close(): Promise<void> {
    return this.bus.close();
  }

  // ---- RemoteHalf: what this node tells the others ----

  publish(delivery: Delivery): void {
    this.bus.publish(delivery.topic, delivery.frame());
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

  joined(room: string, nick: string, announce: boolean): void {
    this.#countRoom(room, true);
    this.bus.setPresence(room, nick, true, announce);
    this.#unsynced = true;
  }

  left(room: string, nick: string, announce: boolean): void {
    this.#countRoom(room, false);
    this.bus.setPresence(room, nick, false, announce);
    this.#unsynced = true;
  }

  subscribed(pattern: string, responder: boolean, on: boolean): void {
    if (responder) this.bus.responder(pattern, on);
    else {
      const before = this.#interested(pattern);
      if (on) this.#patterns.add(pattern);
      else this.#patterns.delete(pattern);
      if (before !== this.#interested(pattern)) this.bus.interest(pattern, on);
    }
    this.#unsynced = true;
  }

  #countRoom(room: string, on: boolean): void {
    const before = this.#interested(room);
    const count = (this.#roomInterest.get(room) ?? 0) + (on ? 1 : -1);
    if (count > 0) this.#roomInterest.set(room, count);
    else this.#roomInterest.delete(room);
    if (before !== this.#interested(room)) this.bus.interest(room, on);
  }

  #interested(pattern: string): boolean {
    return this.#patterns.has(pattern) || this.#roomInterest.has(pattern);
  }

  direct(target: string, delivery: Delivery): Promise<boolean> {
    return this.bus.direct(target, delivery.frame());
  }

  who(room: string): Promise<string[]> {
    return this.bus.who(room);
  }

  rooms(): Promise<RoomCount[]> {
    return this.bus.rooms();
  }

  /** Resolves once every interest and presence change made so far reached the bus. Barriers resolve in order. */
  barrier(): Promise<void> {
    if (this.#unsynced) {
      this.#unsynced = false;
      this.#syncing = this.bus.sync();
    }
    return this.#syncing;
  }

  request(
    token: string,
    name: string,
    from: string,
    headers: Headers,
    payload: Uint8Array,
  ): Promise<boolean> {
    return this.bus.routeRequest({ token, name, from, headers, payload: Buffer.from(payload) });
  }

  grouped(pattern: string, name: string, on: boolean): void {
    this.bus.group(pattern, name, on);
    this.#unsynced = true;
  }

  groupsElsewhere(topic: string): ReadonlySet<GroupName> {
    return this.bus.remoteGroups(topic);
  }

  toGroup(name: string, pattern: string, delivery: Delivery, picked: readonly number[] | undefined): boolean {
    const frame = picked === undefined ? delivery.frame() : delivery.framesOf(picked);
    return this.bus.sendToGroup(name, pattern, frame);
  }

  // ---- BusEvents: what the other nodes send ----

  onPublish(_topic: string, frame: Buffer): void {
    const inbound = this.#inbound;
    if (inbound !== undefined) this.#frames.publishes(frame, inbound);
  }

  onGroup(name: string, pattern: string, frame: Buffer): void {
    const inbound = this.#inbound;
    if (inbound !== undefined) this.#frames.publishes(frame, inbound, { name, pattern });
  }

  onDirect(nick: string, frame: Buffer): void {
    const inbound = this.#inbound;
    if (inbound !== undefined) this.#frames.directs(frame, nick, inbound);
  }

  onRequest(request: IncomingRequest): void {
    // The requesting node keeps the real deadline; this one only bounds how long it remembers it.
    this.#inbound?.request(
      new RemoteRequester(this.bus, request),
      0,
      request.name,
      Number.MAX_SAFE_INTEGER,
      request.headers,
      request.payload,
    );
  }

  onReply(token: string, status: number, headers: Headers, payload: Buffer): void {
    this.#inbound?.settle(token, status, headers, payload);
  }

  onPresence(change: PresenceChange): void {
    if (change.silent === true) return;
    const { room, nick } = change;
    this.#inbound?.roomEvent(
      change.kind === "nick"
        ? { kind: "nick", room, nick, oldNick: change.oldNick ?? "" }
        : { kind: change.kind, room, nick },
    );
  }

  onState(state: BusState): void {
    this.#options.onState?.(state);
  }
}

function ignore(): void {}
