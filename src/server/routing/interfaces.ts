/**
 * The router's seams, in one file: who it delivers to (members, subscribers, responders, requesters),
 * what it tells the other nodes (RemoteHalf), and what the other nodes tell it (RouterInbound). The
 * router knows nothing else: no session, no socket, no bus, no language.
 */
import type { Headers, PayloadSource, PlainRecord } from "../../protocol/frames.js";
import type { Delivery } from "./delivery.js";

/** Anyone the router can deliver messages to: a text user or a program. */
export interface Member {
  /** Set by the router (register, rename). */
  nick: string;
  readonly isOpen: boolean;
  /** Set by the router once the other nodes know this member (its nickname, its room). */
  clustered: boolean;
  /** A batch for this member: a room's messages, a subscription's, or a private message. */
  deliver(delivery: Delivery): void;
  /**
   * A room's batch is about to be kept: a member that renders it may do so now (a text user: its lines,
   * cached on the delivery), so that the history can keep those bytes (Delivery.sharedLines).
   */
  prepare?(delivery: Delivery): void;
}

/** A text user: in at most one room, told about presence there. */
export interface RoomMember extends Member {
  readonly room: string | undefined;
  /** Someone joined, left or changed nickname in this member's room. */
  roomEvent(event: RoomEvent): void;
}

/** A program that subscribes and may answer requests. */
export interface Subscriber extends Member {
  /** Output written to this subscriber and not yet sent (queue groups skip members that fall behind). */
  readonly pendingBytes: number;
  /** True when deliver() writes the batch's MSG frames (Delivery.frame()): the history may keep those bytes. */
  readonly takesFrames?: boolean;
  /** Messages for one of this subscriber's queue-group subscriptions: `count` GMSG frames, encoded. */
  deliverGroup(frames: Buffer, count: number): void;
  /**
   * A request routed to this responder (answer with Router.respond and the same token; protocol/tokens.ts).
   * Its payload may be a plain REQ's read in place: read it before returning, never keep the record.
   */
  deliverRequest(token: number, name: string, from: string, headers: Headers, payload: PayloadSource): void;
}

/** Who gets a REPLY: a program on this node, or a request that came from another node. */
export interface Requester {
  readonly nick: string;
  reply(reqId: number, status: number, headers: Headers, payload: Uint8Array): void;
  /**
   * reply() for a plain RESPOND read in place (`source`: no headers, its status aside, the payload in the
   * body it was read from), while that is still being read; without it, reply() gets `source.payload`.
   */
  replyFrom?(reqId: number, status: number, source: PlainRecord): void;
  /** True for a request from another node (never routed on to a third). */
  readonly remote?: boolean;
}

/**
 * A presence change in a room. `rendered` is the renderers' cache: one text per language, built once
 * for every recipient who reads that language.
 */
export type RoomEvent =
  | {
      readonly kind: "join" | "leave";
      readonly room: string;
      readonly nick: string;
      rendered?: Record<string, Buffer>;
    }
  | {
      readonly kind: "nick";
      readonly room: string;
      readonly nick: string;
      readonly oldNick: string;
      rendered?: Record<string, Buffer>;
    };

/** A queue group: its name and the pattern its members subscribed with (docs/PROTOCOL.md §2.4). */
export interface GroupName {
  readonly name: string;
  readonly pattern: string;
}

/** A publish or direct message as it passed through this node (the handler's `message` event). */
export interface MessageEvent {
  readonly topic: string;
  readonly from: string;
  readonly payload: Uint8Array;
  readonly private: boolean;
}

/** A room and the nicknames of the text users in it on this node (listRooms()). */
export interface RoomInfo {
  readonly name: string;
  readonly members: readonly string[];
}

export interface RoomCount {
  readonly room: string;
  readonly members: number;
}

/**
 * A cluster's shared log (docs/HISTORY.md §10): the one sequence that positions every kept message of every
 * node. A batch appended here reaches every node, this one too, through RouterInbound.logged, in the log's
 * order; only then is it kept and delivered.
 */
export interface SharedLog {
  /** The log's epoch (it names the positions it gives). */
  readonly epoch: string;
  /** Appends `delivery`; `failed` is called instead when the log cannot take it (it goes out live, not kept). */
  append(delivery: Delivery, failed: (error: unknown) => void): void;
  /** Resolves once every batch appended so far came back (or failed); undefined when none is on its way. */
  settled(): Promise<void> | undefined;
}

/**
 * What the router tells the other nodes. In a single process it is SINGLE_NODE, which does nothing
 * and answers from what the router knows locally: the same code path either way.
 */
export interface RemoteHalf {
  /** A tag that keeps this node's guest nicknames unique in a cluster ("" in a single process). */
  readonly guestTag: string;
  /** The cluster's shared log, when the nodes keep one history; undefined: each node positions its own. */
  readonly log?: SharedLog | undefined;
  /** A local batch, for the other nodes' subscribers (the same bytes, once). */
  publish(delivery: Delivery): void;
  /** Claims a nickname on every node; false when another node holds it. */
  claimNick(nick: string): Promise<boolean>;
  /** Records a guest nickname (unique by its tag: nothing to ask). */
  claimGuest(nick: string): void;
  changeNick(oldNick: string, newNick: string): Promise<boolean>;
  releaseNick(nick: string): void;
  /** A local text user entered or left `room` (interest in that topic, presence). */
  joined(room: string, nick: string, announce: boolean): void;
  left(room: string, nick: string, announce: boolean): void;
  /** The first local subscription to `pattern` appeared (`on`) or the last one went. */
  subscribed(pattern: string, responder: boolean, on: boolean): void;
  /** A private message for a nickname that is not on this node: true when another node had it. */
  direct(target: string, delivery: Delivery): Promise<boolean>;
  /** The nicknames in `room` on every node, sorted (`local`: this node's). */
  who(room: string, local: string[]): Promise<string[]>;
  /** Every room with text users on any node (`local`: this node's), sorted by name. */
  rooms(local: RoomCount[]): Promise<RoomCount[]>;
  /** Resolves once every change made so far reached the other nodes. */
  barrier(): Promise<void>;
  /** The first local member of queue group `name` on `pattern` joined (`on`), or the last one left. */
  grouped(pattern: string, name: string, on: boolean): void;
  /** Queue groups with members on other nodes whose pattern matches `topic` (a cached view, no round trip). */
  groupsElsewhere(topic: string): ReadonlySet<GroupName>;
  /**
   * Gives the messages of `delivery` at `picked` (all when undefined) to a member of the group on another
   * node; false when no other node has one.
   */
  toGroup(name: string, pattern: string, delivery: Delivery, picked: readonly number[] | undefined): boolean;
  /** Routes a request no local handler or responder takes; true when another node took it. */
  request(token: string, name: string, from: string, headers: Headers, payload: Uint8Array): Promise<boolean>;
}

/** What the other nodes tell the router (called by the remote half). */
export interface RouterInbound {
  /** Messages published on another node: delivered to this node's matching members. */
  fanOut(delivery: Delivery): void;
  /**
   * A batch from the shared log, in the log's order, its first message at `first` (kept at `time`, in the
   * log's `epoch`); `own`: this node appended it (the same Delivery it gave the log).
   */
  logged(delivery: Delivery, first: number, time: number, epoch: string, own: boolean): void;
  /** Messages another node gave to this node's members of queue group `name` on `pattern`. */
  groupMessages(name: string, pattern: string, delivery: Delivery): void;
  /** A private message from another node for the local member `nick`. */
  deliverDirect(nick: string, from: string, headers: Headers, payload: Uint8Array): void;
  /** A request from another node for a local handler or responder. */
  request(
    requester: Requester,
    reqId: number,
    name: string,
    timeoutMs: number,
    headers: Headers,
    payload: Uint8Array,
  ): void;
  /** The answer to a request this node sent to another node. */
  settle(token: string, status: number, headers: Headers, payload: Uint8Array): void;
  /** Presence changed in a room on another node. */
  roomEvent(event: RoomEvent): void;
}
