import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { EnchufeError } from "../../errors.js";
import { hasWildcard, isValidPattern } from "../../protocol/topics.js";
import type { BusEvents, BusRequest, Headers, MessageBus, QueueGroupName } from "./bus.js";
import {
  decodeNodeMessage,
  decodeTopicMessage,
  encodeTopicMessage,
  KIND_DIRECT,
  KIND_GROUP,
  KIND_REQUEST,
} from "./codec.js";
import { LocalState } from "./local-state.js";
import { RedisGroups } from "./redis-groups.js";
import { WildcardInterest } from "./redis-interest.js";
import { ignore, type RedisLink, RedisNames } from "./redis-link.js";
import { RedisLog } from "./redis-log.js";
import {
  checkNodeId,
  connectionOptions,
  type RedisBusOptions,
  type ResolvedOptions,
  redactUrl,
  resolveOptions,
} from "./redis-options.js";
import { RedisPresence } from "./redis-presence.js";
import { RedisRequests } from "./redis-requests.js";
import { LEAVE, REAP_DEAD, RESPONDERS, SET_ENTRY } from "./redis-scripts.js";

export { DEFAULT_REDIS_BUS_OPTIONS, type RedisBusOptions, redactUrl } from "./redis-options.js";

type Phase = "idle" | "starting" | "up" | "down" | "closed";

/**
 * The bus over Redis: one command connection (publishes in order, registry scripts) and one
 * subscriber connection. Channels: `P:t:<topic>` per topic (SUBSCRIBE for exact interest,
 * PSUBSCRIBE with a superset glob for wildcards, see redis-interest.ts), `P:n:<node>` for directs,
 * requests and replies, `P:presence` for presence changes (redis-presence.ts). See redis-scripts.ts
 * for keys.
 */
export class RedisBus implements MessageBus {
  readonly nodeId: string;
  readonly #options: ResolvedOptions;
  readonly #nodeIdBytes: Buffer;
  readonly #local = new LocalState();
  readonly #names: RedisNames;
  readonly #wildcards: WildcardInterest;
  readonly #presence: RedisPresence;
  readonly #requests: RedisRequests;
  readonly #groups: RedisGroups;
  /** The shared log; followed (a third connection) when the node's events take its entries. */
  readonly log: RedisLog;
  #events: BusEvents | undefined;
  #cmd: Redis | undefined;
  #sub: Redis | undefined;
  #reader: Redis | undefined;
  #phase: Phase = "idle";
  #heartbeat: NodeJS.Timeout | undefined;
  #resyncing = false;
  #lastError: Error | undefined;

  constructor(options: RedisBusOptions) {
    this.#options = resolveOptions(options);
    this.nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
    checkNodeId(this.nodeId);
    this.#nodeIdBytes = Buffer.from(this.nodeId);
    this.#names = new RedisNames(this.#options.prefix);
    this.#wildcards = new WildcardInterest(this.#names);
    const link = this.#link();
    this.#presence = new RedisPresence(link);
    this.#requests = new RedisRequests(link);
    this.#groups = new RedisGroups(link);
    this.log = new RedisLog(link, this.#options.logMaxEntries, (name, pattern) =>
      this.#groups.pick(name, pattern),
    );
  }

  /** The view of this bus that its parts work through (its getters read the live connections). */
  #link(): RedisLink {
    const bus = this;
    return {
      nodeId: this.nodeId,
      names: this.#names,
      local: this.#local,
      get ready() {
        return bus.#ready ? bus.#cmd : undefined;
      },
      get connected() {
        return bus.#cmd?.status === "ready" ? bus.#cmd : undefined;
      },
      get events() {
        return bus.#events;
      },
    };
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
    const onLogEntry = events.onLogEntry?.bind(events);
    // A blocking XREAD holds its connection: the log is read on one of its own.
    // (A read cut by a lost connection is sent again, as it was, once the connection is back.)
    const reader = onLogEntry === undefined ? undefined : this.#connection(RedisClient);
    this.#reader = reader;
    const connections = [this.#cmd, this.#sub, ...(reader === undefined ? [] : [reader])];
    try {
      await Promise.all(connections.map((connection) => connection.connect()));
      await this.#register();
      if (reader !== undefined && onLogEntry !== undefined)
        await this.log.start(this.#cmd, reader, onLogEntry);
    } catch (cause) {
      this.#phase = "closed";
      // A connection that already ended would hold the process for ioredis's disconnectTimeout.
      for (const connection of connections) if (connection.status !== "end") connection.disconnect();
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
    this.log.close();
    this.#reader?.disconnect();
    const cmd = this.#cmd!;
    const sub = this.#sub!;
    if (wasReady) {
      try {
        const removed = (await cmd.eval(LEAVE, 0, this.#options.prefix, this.nodeId)) as string[];
        this.#presence.announceLeaves(removed);
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
    const retrying = () => this.#phase !== "starting" && this.#phase !== "closed";
    const connection = new RedisClient(this.#options.url, connectionOptions(this.#options, retrying));
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
    pipeline.set(this.#names.key(`alive:${self}`), "1", "PX", this.#options.nodeTtlMs);
    pipeline.sadd(this.#names.key("nodes"), self);
    this.#presence.register(pipeline);
    for (const pattern of this.#local.responders)
      pipeline.eval(SET_ENTRY, 0, prefix, self, pattern, "1", ...RESPONDERS);
    this.#groups.register(pipeline);
    const results = await pipeline.exec();
    for (const [error] of results ?? []) if (error) throw error;

    const channels = [this.#names.nodeChannel(self), this.#names.presenceChannel, this.#names.groupsChannel];
    for (const pattern of this.#local.interest)
      if (!hasWildcard(pattern)) channels.push(this.#names.topicChannel(pattern));
    await sub.subscribe(...channels);
    const globChannels = this.#wildcards.globChannels();
    if (globChannels.length > 0) await sub.psubscribe(...globChannels);

    this.#presence.announceRegistered(before);
    this.#groups.registered();
  }

  #beat(): void {
    if (!this.#ready) return;
    const cmd = this.#cmd!;
    const self = this.nodeId;
    cmd.set(this.#names.key(`alive:${self}`), "1", "PX", this.#options.nodeTtlMs).catch(ignore);
    cmd
      .sadd(this.#names.key("nodes"), self)
      .then((added) => {
        // We were reaped (this process stalled longer than nodeTtlMs): put everything back.
        if (added === 1 && this.#phase === "up") {
          this.#phase = "down";
          this.#onConnectionReady();
        }
      })
      .catch(ignore);
    this.#groups.refresh();
    cmd
      .eval(REAP_DEAD, 0, this.#options.prefix, self)
      .then((removed) => this.#presence.announceLeaves(removed as string[]))
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
          ? sub.subscribe(this.#names.topicChannel(pattern))
          : sub.unsubscribe(this.#names.topicChannel(pattern))
        ).catch(ignore);
      return;
    }
    const globChannel = on ? this.#wildcards.add(pattern) : this.#wildcards.remove(pattern);
    if (globChannel === undefined || !live) return;
    (on ? sub.psubscribe(globChannel) : sub.punsubscribe(globChannel)).catch(ignore);
  }

  async sync(): Promise<void> {
    if (!this.#ready || this.#sub?.status !== "ready") return;
    await Promise.all([this.#cmd!.ping(), this.#sub.ping()]).catch(ignore);
  }

  publish(topic: string, frame: Buffer): void {
    if (!this.#ready) return; // at most once: dropped while Redis is away
    this.#cmd!.publish(this.#names.topicChannel(topic), encodeTopicMessage(this.#nodeIdBytes, frame)).catch(
      ignore,
    );
  }

  #onMessage(channel: Buffer, message: Buffer): void {
    const name = channel.toString();
    const topicPrefix = this.#names.topicPrefix;
    if (name.startsWith(topicPrefix)) {
      const topic = name.slice(topicPrefix.length);
      if (this.#local.interest.has(topic)) this.#deliverTopic(topic, message);
    } else if (name === this.#names.nodeChannel(this.nodeId)) {
      this.#onNodeMessage(message);
    } else if (name === this.#names.presenceChannel) {
      this.#presence.onPresenceMessage(message);
    } else if (name === this.#names.groupsChannel) {
      if (message.toString() !== this.nodeId) this.#groups.refresh();
    }
  }

  /** A message through a glob: delivered once, unless an exact SUBSCRIBE already delivered it. */
  #onPatternMessage(glob: Buffer, channel: Buffer, message: Buffer): void {
    const name = channel.toString();
    const topic = name.slice(this.#names.topicPrefix.length);
    if (this.#local.interest.has(topic)) return;
    if (this.#wildcards.delivers(glob.toString(), name, topic)) this.#deliverTopic(topic, message);
  }

  #deliverTopic(topic: string, message: Buffer): void {
    const decoded = decodeTopicMessage(message);
    if (decoded === undefined || decoded.nodeId.equals(this.#nodeIdBytes)) return;
    this.#events?.onPublish(topic, decoded.frame);
  }

  // ---- nicknames and directs -----------------------------------------------------------------

  claimNick(nick: string): Promise<boolean> {
    return this.#presence.claimNick(nick);
  }

  releaseNick(nick: string): void {
    this.#presence.releaseNick(nick);
  }

  changeNick(oldNick: string, newNick: string): Promise<boolean> {
    return this.#presence.changeNick(oldNick, newNick);
  }

  direct(nick: string, frame: Buffer): Promise<boolean> {
    return this.#presence.direct(nick, frame);
  }

  #onNodeMessage(message: Buffer): void {
    const decoded = decodeNodeMessage(message);
    const events = this.#events;
    if (decoded === undefined || events === undefined) return;
    if (decoded.kind === KIND_DIRECT) events.onDirect(decoded.nick, decoded.frame);
    else if (decoded.kind === KIND_REQUEST) events.onRequest(decoded.request);
    else if (decoded.kind === KIND_GROUP) events.onGroup?.(decoded.name, decoded.pattern, decoded.frame);
    else events.onReply(decoded.token, decoded.status, decoded.headers, decoded.payload);
  }

  // ---- presence ----------------------------------------------------------------------------

  setPresence(room: string, nick: string, present: boolean, announce = true): void {
    this.#presence.setPresence(room, nick, present, announce);
  }

  who(room: string): Promise<string[]> {
    return this.#presence.who(room);
  }

  rooms(): Promise<Array<{ room: string; members: number }>> {
    return this.#presence.rooms();
  }

  // ---- requests ----------------------------------------------------------------------------

  responder(pattern: string, on: boolean): void {
    this.#requests.responder(pattern, on);
  }

  routeRequest(req: BusRequest): Promise<boolean> {
    return this.#requests.routeRequest(req);
  }

  reply(replyNode: string, token: string, status: number, headers: Headers, payload: Buffer): void {
    this.#requests.reply(replyNode, token, status, headers, payload);
  }

  group(pattern: string, name: string, on: boolean): void {
    this.#groups.group(pattern, name, on);
  }

  remoteGroups(topic: string): ReadonlySet<QueueGroupName> {
    return this.#groups.matching(topic);
  }

  sendToGroup(name: string, pattern: string, frame: Buffer): boolean {
    return this.#groups.send(name, pattern, frame);
  }
}
