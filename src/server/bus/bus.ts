/**
 * The message-bus seam: what one server node needs from the others.
 *
 * Contract (the same for every implementation, so the broker has one code path):
 * - **Local delivery is the broker's job.** The bus only carries things to and from *other* nodes;
 *   it never echoes a node's own publish, direct or presence change back to it. With the
 *   MemoryBus (one process) every "other node" call is therefore a no-op or a local answer.
 * - **Frames are encoded once.** `publish` and `direct` take the already-encoded MSG frame and
 *   hand the same bytes to every node; the bus does no per-subscriber work.
 * - **Fire-and-forget, at most once.** While Redis is away, publishes, directs and presence
 *   broadcasts to other nodes are dropped (never buffered without bound); local delivery goes on.
 * - **Order per publisher.** Messages from one node arrive at every other node in publish order.
 * - **Cluster-wide views** (`who`, `rooms`, `claimNick`) include this node. While Redis is down
 *   they fall back to this node's own knowledge, and the bus re-registers everything on reconnect.
 */

/** One header pair, as in the framed protocol. */
export type Header = readonly [string, string];
export type Headers = ReadonlyArray<Header>;

/** A request on its way to some node's responder. */
export interface BusRequest {
  /** Opaque, cluster-unique id chosen by the node that forwarded the request (used to match the reply). */
  readonly token: string;
  /** The request name (a concrete topic). */
  readonly name: string;
  /** The nickname (or client name) that made the request. */
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Buffer;
}

/** A request that arrived for a responder on this node; answer it with `bus.reply(replyNode, token, ...)`. */
export interface IncomingRequest extends BusRequest {
  /** The node waiting for the reply. */
  readonly replyNode: string;
}

/** A queue group: its name and the pattern its members subscribed with. */
export interface QueueGroupName {
  readonly name: string;
  readonly pattern: string;
}

/** A presence change made on another node. */
export interface PresenceChange {
  readonly kind: "join" | "leave" | "nick";
  readonly room: string;
  /** The (new) nickname. */
  readonly nick: string;
  /** For kind "nick": the nickname before the change. */
  readonly oldNick?: string;
  /** The node where the change happened (for a node that died: the dead node). */
  readonly node: string;
  /** True when people should not be told (a guest arriving, a re-registration after an outage). */
  readonly silent?: boolean;
}

/** Messages of a batch for another node's members of a queue group (`picked`: indexes; undefined: all). */
export interface GroupShare {
  readonly name: string;
  readonly pattern: string;
  readonly picked: readonly number[] | undefined;
}

/** A share as the log carries it: for one node. */
export interface LogShare extends GroupShare {
  readonly node: string;
}

/** An acknowledged publish's dedupe key (user and id) and its index in the batch. */
export interface LogKey {
  readonly index: number;
  readonly key: string;
}

/** A batch to append to the shared log. */
export interface LogBatch {
  /** This node's tag for it (it comes back with it). */
  readonly tag: number;
  /** How many MSG frames `frames` holds. */
  readonly count: number;
  readonly frames: Buffer;
  /** Queue-group shares for other nodes (each given to one node with members, in turn; dropped when none). */
  readonly shares?: readonly GroupShare[] | undefined;
  /** The APUB dedupe keys of the batch: every node remembers them, so a resend to another node is a duplicate. */
  readonly keys?: readonly LogKey[] | undefined;
}

/** An entry of the cluster's shared log (docs/HISTORY.md §10): one batch of one sender to one topic. */
export interface LogEntry {
  /** The log's epoch: it changes only when the log itself was lost. */
  readonly epoch: string;
  /** The position of the batch's first message (the others follow; the log's sequence has no holes). */
  readonly first: number;
  readonly count: number;
  /** When the log took it, ms since 1970 (Redis's clock: one clock for every node). */
  readonly time: number;
  /** The node that appended it, and the tag that node gave it. */
  readonly node: string;
  readonly tag: number;
  /** The batch's MSG frames. */
  readonly frames: Buffer;
  /** Queue-group shares the appending node gave to other nodes: each served there, in the log's order. */
  readonly shares: readonly LogShare[];
  readonly keys: readonly LogKey[];
}

/** The cluster's shared log, when the bus keeps one (a Redis stream). */
export interface BusLog {
  /** The log's epoch: set at start(), then the newest entry's. */
  readonly epoch: string;
  /** Appends one batch; it comes back through onLogEntry. Rejects when Redis is away. */
  append(batch: LogBatch): Promise<void>;
}

/** Bus state: "down" = Redis lost (local delivery goes on), "resynced" = back and re-registered. */
export type BusState = "up" | "down" | "resynced";

/** What the bus tells the node. Called only for things coming from other nodes. */
export interface BusEvents {
  /** A message published on another node to `topic`, which matches a pattern this node has interest in. */
  onPublish(topic: string, frame: Buffer): void;
  /** A direct message for a nickname owned by this node, sent from another node. */
  onDirect(nick: string, frame: Buffer): void;
  /** A request routed to a responder on this node: deliver it, then call `bus.reply()`. */
  onRequest(req: IncomingRequest): void;
  /** The reply to a request this node routed with `routeRequest`. */
  onReply(token: string, status: number, headers: Headers, payload: Buffer): void;
  /** MSG frames another node gave to this node's members of queue group `name` on `pattern`. */
  onGroup?(name: string, pattern: string, frame: Buffer): void;
  /** Presence changed on another node (or a node died and its users left), within about 2 s. */
  onPresence?(change: PresenceChange): void;
  /** Bus state changes; "down" is reported once per outage. */
  onState?(state: BusState): void;
  /**
   * Set: the node follows the shared log (`bus.log`). start() reads every entry the log keeps before it
   * resolves, then each new one follows, every node's (this one's too), in the log's order.
   */
  onLogEntry?(entry: LogEntry): void;
}

/** The seam between one server node and the others. See the module comment for the contract. */
export interface MessageBus {
  /** This node's id, unique in the cluster. */
  readonly nodeId: string;
  /** The shared log (history across nodes); undefined on a bus that has none. */
  readonly log?: BusLog | undefined;
  /** Connects and registers the node. Redis unreachable: rejects with EnchufeError ECLUSTER. */
  start(events: BusEvents): Promise<void>;
  /** Leaves the cluster (its users leave presence on the other nodes) and disconnects. */
  close(): Promise<void>;
  /**
   * Interest: the patterns (wildcards allowed) that this node's clients subscribe to. The caller
   * refcounts its clients: `on` when the first local subscriber of a pattern appears, `off` when the last goes.
   */
  interest(pattern: string, on: boolean): void;
  /**
   * Resolves once every interest, responder, nickname and presence change made so far has reached
   * Redis (a round trip on both connections). A broker can await it before acknowledging a
   * subscription, so that a publish on another node right after the ack is not missed.
   */
  sync(): Promise<void>;
  /** Sends an encoded MSG frame for `topic` to the other nodes with matching interest. */
  publish(topic: string, frame: Buffer): void;
  /** Claims a nickname cluster-wide (case-insensitive, atomic). False when another live node holds it. */
  claimNick(nick: string): Promise<boolean>;
  releaseNick(nick: string): void;
  /**
   * Renames a local user: claims `newNick`, moves its presence in every room it is in, releases
   * `oldNick` and tells the other nodes (kind "nick"). False (and nothing changed) when `newNick` is taken.
   */
  changeNick(oldNick: string, newNick: string): Promise<boolean>;
  /** Sends a direct message to the node owning `nick`. False when no other node owns it. */
  direct(nick: string, frame: Buffer): Promise<boolean>;
  /**
   * Records that a local user joined (`present` true) or left a room, and tells the other nodes;
   * `announce` false marks the change `silent` (the broker's presence rule: quiet guests make no noise).
   */
  setPresence(room: string, nick: string, present: boolean, announce?: boolean): void;
  /** The nicknames in `room` on every live node, sorted. */
  who(room: string): Promise<string[]>;
  /** Every room with at least one member on a live node, with its member count, sorted by name. */
  rooms(): Promise<Array<{ room: string; members: number }>>;
  /** Registers (or removes) a responder pattern served by this node. */
  responder(pattern: string, on: boolean): void;
  /** Routes a request to another node with a matching responder. False when there is none. */
  routeRequest(req: BusRequest): Promise<boolean>;
  /** Sends a responder's answer back to the node that routed the request. */
  reply(replyNode: string, token: string, status: number, headers: Headers, payload: Buffer): void;
  /**
   * Registers (or removes) queue group `name` on `pattern` as having members on this node. The caller
   * refcounts its members: `on` for the first, off for the last. The other nodes learn it within a round
   * trip of their own (and at the latest at their next heartbeat).
   */
  group(pattern: string, name: string, on: boolean): void;
  /** The queue groups with members on other live nodes whose pattern matches `topic` (a cached view). */
  remoteGroups(topic: string): ReadonlySet<QueueGroupName>;
  /**
   * Sends MSG frames to one other node with members of the group (round robin over those nodes; one that
   * is gone is skipped). False when no other node is known to have one.
   */
  sendToGroup(name: string, pattern: string, frame: Buffer): boolean;
}
