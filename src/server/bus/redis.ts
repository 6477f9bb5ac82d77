import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { ConnectionOptions } from "node:tls";
import type { Redis, RedisOptions } from "ioredis";
import { EnchufeError, optionError } from "../../errors.js";
import { hasWildcard, isValidPattern, matchTopic } from "../../protocol/topics.js";
import type { BusEvents, BusRequest, Headers, MessageBus, PresenceChange } from "./bus.js";
import {
  decodeNodeMessage,
  decodeTopicMessage,
  encodeDirect,
  encodeReply,
  encodeRequest,
  encodeTopicMessage,
  KIND_DIRECT,
  KIND_REQUEST,
} from "./codec.js";
import { LocalState } from "./local-state.js";
import { CLAIM_NICK, LEAVE, REAP_DEAD, RELEASE_NICK, SET_PRESENCE, SET_RESPONDER } from "./redis-scripts.js";

/** Options of the Redis bus. Only `url` is required. */
export interface RedisBusOptions {
  /** `redis://host:port` or `rediss://host:port` (TLS); may carry `user:password@`. */
  readonly url: string;
  /** Redis password (overrides one in the URL). */
  readonly password?: string;
  /** TLS to Redis: `true` for defaults, or Node TLS options (ca, servername...). `rediss://` implies it. */
  readonly tls?: boolean | ConnectionOptions;
  /** How often this node refreshes its alive key and reaps dead nodes. */
  readonly heartbeatMs?: number;
  /** How long a silent node stays in presence; at least twice heartbeatMs. */
  readonly nodeTtlMs?: number;
  /** Prefix of every key and channel, so several clusters can share one Redis. */
  readonly prefix?: string;
  /** This node's id; by default host-pid-random. */
  readonly nodeId?: string;
  /** Time allowed for the first connection. */
  readonly connectTimeoutMs?: number;
  /** Upper bound of the reconnect backoff while Redis is away. */
  readonly reconnectMaxMs?: number;
}

export const DEFAULT_REDIS_BUS_OPTIONS = {
  heartbeatMs: 5000,
  nodeTtlMs: 30000,
  prefix: "enchufe",
  connectTimeoutMs: 5000,
  reconnectMaxMs: 2000,
} as const;

type ResolvedOptions = Required<Omit<RedisBusOptions, "password" | "tls" | "nodeId">> &
  Pick<RedisBusOptions, "password" | "tls">;

const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
const NODE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

function resolveOptions(options: RedisBusOptions): ResolvedOptions {
  const resolved = { ...DEFAULT_REDIS_BUS_OPTIONS, ...options };
  let url: URL;
  try {
    url = new URL(resolved.url);
  } catch {
    throw optionError("url", "should be redis://HOST:PORT or rediss://HOST:PORT", resolved.url);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw optionError("url", "should start with redis:// or rediss://", redactUrl(resolved.url));
  }
  for (const name of ["heartbeatMs", "connectTimeoutMs", "reconnectMaxMs"] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value <= 0)
      throw optionError(name, "should be a positive integer", value);
  }
  if (!Number.isInteger(resolved.nodeTtlMs) || resolved.nodeTtlMs < 2 * resolved.heartbeatMs) {
    throw optionError(
      "nodeTtlMs",
      `should be an integer >= 2 * heartbeatMs (${2 * resolved.heartbeatMs})`,
      resolved.nodeTtlMs,
    );
  }
  if (!PREFIX.test(resolved.prefix))
    throw optionError("prefix", "should be 1-64 of [A-Za-z0-9_.:-]", resolved.prefix);
  return Object.freeze(resolved);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(
    /\/\/([^@/]*)@/,
    (_whole, auth: string) => `//${auth.includes(":") ? `${auth.split(":")[0]}:***` : auth}@`,
  );
}

/** A Redis glob that matches every channel whose topic matches `pattern` (and maybe more). */
function patternGlob(pattern: string): string {
  return pattern
    .split(".")
    .map((token) => (token === "*" || token === ">" ? "*" : token))
    .join(".");
}

function globRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}

function isPresenceChange(value: unknown): value is PresenceChange {
  if (typeof value !== "object" || value === null) return false;
  const change = value as Record<string, unknown>;
  return (
    (change.kind === "join" || change.kind === "leave" || change.kind === "nick") &&
    typeof change.room === "string" &&
    typeof change.nick === "string" &&
    typeof change.node === "string" &&
    (change.oldNick === undefined || typeof change.oldNick === "string") &&
    (change.silent === undefined || typeof change.silent === "boolean")
  );
}

function ignore(): void {}

type Phase = "idle" | "starting" | "up" | "down" | "closed";

/**
 * The bus over Redis: one command connection (publishes in order, registry scripts) and one
 * subscriber connection. Channels: `P:t:<topic>` per topic (SUBSCRIBE for exact interest,
 * PSUBSCRIBE with a superset glob for wildcards, filtered here with matchTopic), `P:n:<node>` for
 * directs, requests and replies, `P:presence` for presence changes. See redis-scripts.ts for keys.
 */
export class RedisBus implements MessageBus {
  readonly nodeId: string;
  readonly #options: ResolvedOptions;
  readonly #nodeIdBytes: Buffer;
  readonly #local = new LocalState();
  /** Redis glob -> number of local wildcard patterns using it. */
  readonly #globs = new Map<string, { count: number; regexp: RegExp }>();
  #events: BusEvents | undefined;
  #cmd: Redis | undefined;
  #sub: Redis | undefined;
  #phase: Phase = "idle";
  #heartbeat: NodeJS.Timeout | undefined;
  #resyncing = false;
  #lastError: Error | undefined;

  constructor(options: RedisBusOptions) {
    this.#options = resolveOptions(options);
    this.nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
    if (!NODE_ID.test(this.nodeId))
      throw optionError("nodeId", "should be 1-100 of [A-Za-z0-9_.:-]", this.nodeId);
    this.#nodeIdBytes = Buffer.from(this.nodeId);
  }

  // ---- names -------------------------------------------------------------------------------

  #key(name: string): string {
    return `${this.#options.prefix}:${name}`;
  }

  #topicChannel(topic: string): string {
    return `${this.#options.prefix}:t:${topic}`;
  }

  #nodeChannel(node: string): string {
    return `${this.#options.prefix}:n:${node}`;
  }

  #presenceChannel(): string {
    return `${this.#options.prefix}:presence`;
  }

  get #ready(): boolean {
    return this.#phase === "up" && this.#cmd?.status === "ready";
  }

  // ---- life cycle --------------------------------------------------------------------------

  async start(events: BusEvents): Promise<void> {
    if (this.#phase !== "idle") throw new EnchufeError("EUSAGE", "RedisBus.start() was already called.");
    this.#events = events;
    this.#phase = "starting";
    // Loaded here, not at import: a server without --cluster never pays for the Redis client.
    const { Redis: RedisClient } = await import("ioredis");
    this.#cmd = this.#connection(RedisClient);
    this.#sub = this.#connection(RedisClient);
    this.#sub.on("messageBuffer", (channel: Buffer, message: Buffer) => this.#onMessage(channel, message));
    this.#sub.on("pmessageBuffer", (glob: Buffer, channel: Buffer, message: Buffer) =>
      this.#onPatternMessage(glob, channel, message),
    );
    try {
      await Promise.all([this.#cmd.connect(), this.#sub.connect()]);
      await this.#register();
    } catch (cause) {
      this.#phase = "closed";
      // A connection that already ended would hold the process for ioredis's disconnectTimeout.
      if (this.#cmd.status !== "end") this.#cmd.disconnect();
      if (this.#sub.status !== "end") this.#sub.disconnect();
      const url = redactUrl(this.#options.url);
      // ioredis rejects with "Connection is closed."; the socket's own error says why.
      const error = this.#lastError ?? cause;
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, "");
      throw new EnchufeError(
        "ECLUSTER",
        `Cannot reach the cluster bus at ${url}: ${reason}. Start Redis or fix --cluster.`,
        {
          details: { url, step: "connect", reason },
          cause,
        },
      );
    }
    this.#phase = "up";
    this.#heartbeat = setInterval(() => this.#beat(), this.#options.heartbeatMs);
    this.#heartbeat.unref();
    events.onState?.("up");
  }

  async close(): Promise<void> {
    if (this.#phase === "closed" || this.#phase === "idle") {
      this.#phase = "closed";
      return;
    }
    const wasReady = this.#ready;
    this.#phase = "closed";
    clearInterval(this.#heartbeat);
    const cmd = this.#cmd!;
    const sub = this.#sub!;
    if (wasReady) {
      try {
        const removed = (await cmd.eval(LEAVE, 0, this.#options.prefix, this.nodeId)) as string[];
        this.#announceLeaves(removed);
        await cmd.quit();
      } catch {
        cmd.disconnect();
      }
    } else {
      cmd.disconnect();
    }
    sub.disconnect();
  }

  #connection(RedisClient: typeof Redis): Redis {
    const { url, password, tls, connectTimeoutMs, reconnectMaxMs } = this.#options;
    const options: RedisOptions = {
      lazyConnect: true,
      // Nothing waits for Redis: while it is away, commands fail at once and publishes are dropped.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      autoResubscribe: false, // we resubscribe from our own state in #register()
      connectTimeout: connectTimeoutMs,
      retryStrategy: (times: number) =>
        this.#phase === "starting" || this.#phase === "closed"
          ? null
          : Math.min(50 * 2 ** Math.min(times, 10), reconnectMaxMs) + Math.floor(Math.random() * 50),
    };
    if (password !== undefined) options.password = password;
    if (tls !== undefined && tls !== false) options.tls = tls === true ? {} : tls;
    const connection = new RedisClient(url, options);
    // Reported through close/ready and onState; the last one explains a failed start.
    connection.on("error", (error: Error) => {
      this.#lastError = error;
    });
    connection.on("close", () => this.#onConnectionLost());
    connection.on("ready", () => this.#onConnectionReady());
    return connection;
  }

  #onConnectionLost(): void {
    if (this.#phase !== "up") return;
    this.#phase = "down";
    this.#events?.onState?.("down");
  }

  #onConnectionReady(): void {
    if (this.#phase !== "down" || this.#resyncing) return;
    if (this.#cmd?.status !== "ready" || this.#sub?.status !== "ready") return;
    this.#resyncing = true;
    this.#register()
      .then(
        () => {
          if (this.#phase !== "down") return;
          this.#phase = "up";
          this.#events?.onState?.("resynced");
        },
        ignore, // lost again: the next "ready" retries
      )
      .finally(() => {
        this.#resyncing = false;
        // A connection may have come back while we were busy.
        if (this.#phase === "down") this.#onConnectionReady();
      });
  }

  /**
   * Puts this node's whole state into Redis: alive key, nicks, presence, responders and
   * subscriptions. Used at start and after an outage; presence that changed meanwhile is announced.
   */
  async #register(): Promise<void> {
    const cmd = this.#cmd!;
    const sub = this.#sub!;
    const prefix = this.#options.prefix;
    const self = this.nodeId;
    const before = (await cmd.eval(LEAVE, 0, prefix, self)) as string[];
    const pipeline = cmd.pipeline();
    pipeline.set(this.#key(`alive:${self}`), "1", "PX", this.#options.nodeTtlMs);
    pipeline.sadd(this.#key("nodes"), self);
    for (const lower of this.#local.nicks.keys()) pipeline.eval(CLAIM_NICK, 0, prefix, self, lower);
    for (const [room, members] of this.#local.rooms) {
      for (const nick of members) pipeline.eval(SET_PRESENCE, 0, prefix, self, room, nick, "1");
    }
    for (const pattern of this.#local.responders) pipeline.eval(SET_RESPONDER, 0, prefix, self, pattern, "1");
    const results = await pipeline.exec();
    for (const [error] of results ?? []) if (error) throw error;

    const channels = [this.#nodeChannel(self), this.#presenceChannel()];
    for (const pattern of this.#local.interest)
      if (!hasWildcard(pattern)) channels.push(this.#topicChannel(pattern));
    await sub.subscribe(...channels);
    if (this.#globs.size > 0)
      await sub.psubscribe(...[...this.#globs.keys()].map((glob) => this.#topicChannel(glob)));

    // Tell the others what changed while we could not (after a Redis restart they knew nothing).
    const had = new Set<string>();
    for (let i = 0; i + 2 < before.length; i += 3) had.add(`${before[i + 1]}\n${before[i + 2]}`);
    for (const [room, members] of this.#local.rooms) {
      for (const nick of members) {
        // Silent: a re-registration, not someone arriving (after a Redis restart it would be everyone).
        if (!had.delete(`${room}\n${nick}`))
          this.#announce({ kind: "join", room, nick, node: self, silent: true });
      }
    }
    for (const entry of had) {
      const cut = entry.indexOf("\n");
      this.#announce({ kind: "leave", room: entry.slice(0, cut), nick: entry.slice(cut + 1), node: self });
    }
  }

  #beat(): void {
    if (!this.#ready) return;
    const cmd = this.#cmd!;
    const self = this.nodeId;
    cmd.set(this.#key(`alive:${self}`), "1", "PX", this.#options.nodeTtlMs).catch(ignore);
    cmd
      .sadd(this.#key("nodes"), self)
      .then((added) => {
        // We were reaped (this process stalled longer than nodeTtlMs): put everything back.
        if (added === 1 && this.#phase === "up") {
          this.#phase = "down";
          this.#onConnectionReady();
        }
      })
      .catch(ignore);
    cmd
      .eval(REAP_DEAD, 0, this.#options.prefix, self)
      .then((removed) => this.#announceLeaves(removed as string[]))
      .catch(ignore);
  }

  // ---- publish / subscribe -----------------------------------------------------------------

  interest(pattern: string, on: boolean): void {
    if (!isValidPattern(pattern)) return;
    const local = this.#local.interest;
    if (on === local.has(pattern)) return;
    const sub = this.#sub;
    const live = this.#phase === "up" && sub?.status === "ready";
    if (on) local.add(pattern);
    else local.delete(pattern);
    if (!hasWildcard(pattern)) {
      if (live)
        (on
          ? sub.subscribe(this.#topicChannel(pattern))
          : sub.unsubscribe(this.#topicChannel(pattern))
        ).catch(ignore);
      return;
    }
    const glob = patternGlob(pattern);
    const entry = this.#globs.get(glob);
    if (on) {
      if (entry !== undefined) {
        entry.count++;
        return;
      }
      this.#globs.set(glob, { count: 1, regexp: globRegExp(this.#topicChannel(glob)) });
      if (live) sub.psubscribe(this.#topicChannel(glob)).catch(ignore);
    } else if (entry !== undefined && --entry.count === 0) {
      this.#globs.delete(glob);
      if (live) sub.punsubscribe(this.#topicChannel(glob)).catch(ignore);
    }
  }

  async sync(): Promise<void> {
    if (!this.#ready || this.#sub?.status !== "ready") return;
    await Promise.all([this.#cmd!.ping(), this.#sub.ping()]).catch(ignore);
  }

  publish(topic: string, frame: Buffer): void {
    if (!this.#ready) return; // at most once: dropped while Redis is away
    this.#cmd!.publish(this.#topicChannel(topic), encodeTopicMessage(this.#nodeIdBytes, frame)).catch(ignore);
  }

  #onMessage(channel: Buffer, message: Buffer): void {
    const name = channel.toString();
    const topicPrefix = this.#topicChannel("");
    if (name.startsWith(topicPrefix)) {
      const topic = name.slice(topicPrefix.length);
      if (this.#local.interest.has(topic)) this.#deliverTopic(topic, message);
    } else if (name === this.#nodeChannel(this.nodeId)) {
      this.#onNodeMessage(message);
    } else if (name === this.#presenceChannel()) {
      this.#onPresenceMessage(message);
    }
  }

  /**
   * A message through a glob. Redis sends one copy per matching glob (and one more through an
   * exact SUBSCRIBE), so only the first matching glob delivers, and only when no exact interest did.
   */
  #onPatternMessage(glob: Buffer, channel: Buffer, message: Buffer): void {
    const name = channel.toString();
    const topic = name.slice(this.#topicChannel("").length);
    if (this.#local.interest.has(topic)) return;
    const globChannel = glob.toString();
    for (const [candidate, entry] of this.#globs) {
      if (!entry.regexp.test(name)) continue;
      if (this.#topicChannel(candidate) !== globChannel) return;
      break;
    }
    for (const pattern of this.#local.interest) {
      if (matchTopic(pattern, topic)) {
        this.#deliverTopic(topic, message);
        return;
      }
    }
  }

  #deliverTopic(topic: string, message: Buffer): void {
    const decoded = decodeTopicMessage(message);
    if (decoded === undefined || decoded.nodeId.equals(this.#nodeIdBytes)) return;
    this.#events?.onPublish(topic, decoded.frame);
  }

  // ---- nicknames and directs -----------------------------------------------------------------

  async claimNick(nick: string): Promise<boolean> {
    if (this.#local.hasNick(nick)) return false;
    this.#local.addNick(nick); // reserve before waiting, so two local claims cannot both win
    if (!this.#ready) return true; // Redis away: local uniqueness only, re-registered on resync
    try {
      const claimed = await this.#cmd!.eval(
        CLAIM_NICK,
        0,
        this.#options.prefix,
        this.nodeId,
        nick.toLowerCase(),
      );
      if (claimed === 1) return true;
    } catch {
      return true; // lost Redis during the claim: same as claiming while away
    }
    this.#local.removeNick(nick);
    return false;
  }

  releaseNick(nick: string): void {
    this.#local.removeNick(nick);
    if (this.#ready) {
      this.#cmd!.eval(RELEASE_NICK, 0, this.#options.prefix, this.nodeId, nick.toLowerCase()).catch(ignore);
    }
  }

  async changeNick(oldNick: string, newNick: string): Promise<boolean> {
    if (oldNick.toLowerCase() !== newNick.toLowerCase()) {
      if (!(await this.claimNick(newNick))) return false;
      this.releaseNick(oldNick);
    } else {
      this.#local.addNick(newNick);
    }
    for (const room of this.#local.roomsOf(oldNick)) {
      this.#local.setPresence(room, oldNick, false);
      this.#local.setPresence(room, newNick, true);
      if (!this.#ready) continue;
      const cmd = this.#cmd!;
      cmd.eval(SET_PRESENCE, 0, this.#options.prefix, this.nodeId, room, oldNick, "0").catch(ignore);
      cmd.eval(SET_PRESENCE, 0, this.#options.prefix, this.nodeId, room, newNick, "1").catch(ignore);
      this.#announce({ kind: "nick", room, nick: newNick, oldNick, node: this.nodeId });
    }
    return true;
  }

  async direct(nick: string, frame: Buffer): Promise<boolean> {
    if (!this.#ready) return false;
    try {
      const owner = await this.#cmd!.hget(this.#key("nicks"), nick.toLowerCase());
      if (owner === null || owner === this.nodeId) return false;
      // PUBLISH counts receivers: 0 means the owner is gone (not yet reaped).
      return (await this.#cmd!.publish(this.#nodeChannel(owner), encodeDirect(nick, frame))) > 0;
    } catch {
      return false;
    }
  }

  #onNodeMessage(message: Buffer): void {
    const decoded = decodeNodeMessage(message);
    const events = this.#events;
    if (decoded === undefined || events === undefined) return;
    if (decoded.kind === KIND_DIRECT) events.onDirect(decoded.nick, decoded.frame);
    else if (decoded.kind === KIND_REQUEST) events.onRequest(decoded.request);
    else events.onReply(decoded.token, decoded.status, decoded.headers, decoded.payload);
  }

  // ---- presence ----------------------------------------------------------------------------

  setPresence(room: string, nick: string, present: boolean, announce = true): void {
    if (!this.#local.setPresence(room, nick, present)) return;
    if (!this.#ready) return; // re-registered and announced on resync
    this.#cmd!.eval(
      SET_PRESENCE,
      0,
      this.#options.prefix,
      this.nodeId,
      room,
      nick,
      present ? "1" : "0",
    ).catch(ignore);
    this.#announce({
      kind: present ? "join" : "leave",
      room,
      nick,
      node: this.nodeId,
      ...(announce ? {} : { silent: true }),
    });
  }

  #announce(change: PresenceChange): void {
    if (this.#cmd?.status !== "ready") return;
    this.#cmd.publish(this.#presenceChannel(), JSON.stringify(change)).catch(ignore);
  }

  /** `removed` is a flat node, room, nick list from REAP_DEAD or LEAVE. */
  #announceLeaves(removed: string[]): void {
    for (let i = 0; i + 2 < removed.length; i += 3) {
      this.#announce({ kind: "leave", node: removed[i]!, room: removed[i + 1]!, nick: removed[i + 2]! });
    }
  }

  #onPresenceMessage(message: Buffer): void {
    let change: unknown;
    try {
      change = JSON.parse(message.toString());
    } catch {
      return;
    }
    if (!isPresenceChange(change) || change.node === this.nodeId) return;
    this.#events?.onPresence?.(change);
  }

  /** Keeps the members whose node is alive; returns them grouped as given. */
  async #aliveNodes(nodes: Iterable<string>): Promise<Set<string>> {
    const list = [...new Set(nodes)];
    const alive = new Set<string>();
    if (list.length === 0) return alive;
    const flags = await this.#cmd!.mget(list.map((node) => this.#key(`alive:${node}`)));
    list.forEach((node, i) => {
      if (flags[i] !== null) alive.add(node);
    });
    return alive;
  }

  async who(room: string): Promise<string[]> {
    if (!this.#ready) return this.#local.who(room);
    try {
      const members = await this.#cmd!.hgetall(this.#key(`room:${room}`));
      const alive = await this.#aliveNodes(Object.values(members));
      return Object.entries(members)
        .filter(([, node]) => alive.has(node))
        .map(([nick]) => nick)
        .sort();
    } catch {
      return this.#local.who(room);
    }
  }

  async rooms(): Promise<Array<{ room: string; members: number }>> {
    if (!this.#ready) return this.#local.roomList();
    try {
      const cmd = this.#cmd!;
      const names = (await cmd.smembers(this.#key("rooms"))).sort();
      if (names.length === 0) return [];
      const pipeline = cmd.pipeline();
      for (const room of names) pipeline.hgetall(this.#key(`room:${room}`));
      const results = (await pipeline.exec()) ?? [];
      const memberLists = results.map(([error, value]) => (error ? {} : (value as Record<string, string>)));
      const alive = await this.#aliveNodes(memberLists.flatMap((members) => Object.values(members)));
      const list: Array<{ room: string; members: number }> = [];
      names.forEach((room, i) => {
        const count = Object.values(memberLists[i] ?? {}).filter((node) => alive.has(node)).length;
        if (count > 0) list.push({ room, members: count });
      });
      return list;
    } catch {
      return this.#local.roomList();
    }
  }

  // ---- requests ----------------------------------------------------------------------------

  responder(pattern: string, on: boolean): void {
    if (on === this.#local.responders.has(pattern)) return;
    if (on) this.#local.responders.add(pattern);
    else this.#local.responders.delete(pattern);
    if (this.#ready) {
      this.#cmd!.eval(SET_RESPONDER, 0, this.#options.prefix, this.nodeId, pattern, on ? "1" : "0").catch(
        ignore,
      );
    }
  }

  async routeRequest(req: BusRequest): Promise<boolean> {
    if (!this.#ready) return false;
    try {
      const cmd = this.#cmd!;
      const entries = await cmd.hgetall(this.#key("resp"));
      const candidates = new Set<string>();
      for (const [field, node] of Object.entries(entries)) {
        if (node === this.nodeId) continue;
        const pattern = field.slice(node.length + 1);
        if (matchTopic(pattern, req.name)) candidates.add(node);
      }
      const nodes = [...candidates];
      // Spread requests over the nodes that can answer; PUBLISH returning 0 means that node is gone.
      for (let i = nodes.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
      }
      const message = encodeRequest({ ...req, replyNode: this.nodeId });
      for (const node of nodes) {
        if ((await cmd.publish(this.#nodeChannel(node), message)) > 0) return true;
      }
      return false;
    } catch {
      return false;
    }
  }

  reply(replyNode: string, token: string, status: number, headers: Headers, payload: Buffer): void {
    if (replyNode === this.nodeId) {
      queueMicrotask(() => this.#events?.onReply(token, status, headers, payload));
      return;
    }
    if (!this.#ready) return;
    this.#cmd!.publish(this.#nodeChannel(replyNode), encodeReply(token, status, headers, payload)).catch(
      ignore,
    );
  }
}
