/**
 * What text and framed sessions share: the connection, identity, bounded output (slow-consumer
 * cut-off) and the last time the client sent anything (idle checks). A session reads from and writes
 * to a Connection (src/transport/connection.ts), never a socket.
 */
import { ALLOW_ALL, canPublish, type Permissions } from "../auth/permissions.js";
import type { Connection, ConnectionReceiver } from "../transport/connection.js";
import { WebSocketConnection } from "../transport/websocket-connection.js";
import type { ResolvedMessagingOptions } from "./limits.js";
import type { OutputSlab } from "./output-slab.js";
import type { Delivery } from "./routing/delivery.js";
import type { Router } from "./routing/router.js";
import type { ReadTurn } from "./routing/turn.js";
import type { ConnectionKind, SessionCounters, Stats } from "./stats.js";

export type SessionMode = "text" | "framed";

/** A connected client as the library shows it (listClients(), connect/disconnect events). */
export interface ClientInfo {
  readonly id: string;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly mode: SessionMode;
  readonly nick: string;
  /** The authenticated user (login, token or client certificate); undefined for guests. */
  readonly user: string | undefined;
  /** The text user's room; undefined for framed clients. */
  readonly room: string | undefined;
}

/** Why a session ended (the disconnect event's second argument). */
export type DisconnectReason =
  | "closed"
  | "quit"
  | "shutdown"
  | "idle"
  | "slow-consumer"
  | "protocol-error"
  | "server-error"
  | "too-large"
  | "line-too-long"
  | "late-http"
  | "line-timeout"
  | "flood"
  | "rate-limit"
  | "auth-failed"
  | "handshake-timeout"
  | "server-full";

/** What a session tells its owner about its life (implemented by MessagingHandler). */
export interface SessionOwner {
  /** The connection of `session` closed. */
  closed(session: Session): void;
  slowConsumer(session: Session): void;
  /** A bug of ours while serving `session`: it is dropped (the owner logs it), the server goes on. */
  sessionFailed(session: Session, error: unknown): void;
  /** A login was tried (`user` undefined for a token that matched nobody); the owner reports it, never the secret. */
  loginAttempt(session: Session, attempt: LoginAttempt): void;
  /** The server's counters (bytes in and out are added here). */
  readonly counters: Stats;
  /** Where sessions encode their small frames for the turn's one write (reserve()). */
  readonly output: OutputSlab;
}

/** A login as the server reports it (the `login` event). */
export interface LoginAttempt {
  readonly method: "password" | "token" | "certificate";
  /** The user name given or found; undefined for a token that matched nobody. */
  readonly user: string | undefined;
  readonly ok: boolean;
  /** Why it failed: wrong credentials, too many failures from the address, credentials over plain TCP. */
  readonly code?: "EAUTH" | "ERATELIMIT" | "EPLAINTEXTAUTH";
}

/** The identity a session starts with: a verified client certificate's user, or a guest. */
export interface Identity {
  readonly user: string | undefined;
  readonly permissions: Permissions;
}

export abstract class Session<O extends SessionOwner = SessionOwner>
  implements ConnectionReceiver, SessionCounters
{
  abstract readonly mode: SessionMode;
  readonly id: string;
  readonly connection: Connection;
  nick = "";
  /** Set by the router once the other nodes know this session. */
  clustered = false;
  /** The authenticated user; undefined for a guest. */
  user: string | undefined;
  #permissions: Permissions = ALLOW_ALL;
  /** mayPublish()'s memo: the last topic asked about and the answer ("" = none). */
  #lastTopic = "";
  #lastTopicAllowed = false;
  /** Date.now() of the last bytes received (idle checks). */
  lastSeen = Date.now();
  /** Date.now() when the connection was accepted; messages from and to this client (the live view). */
  since = this.lastSeen;
  messagesIn = 0;
  messagesOut = 0;

  /** Set once the client was sent a keepalive PING during the current silence. */
  pinged = false;
  /** Why the session is ending; set by the first close decision. */
  endReason: DisconnectReason | undefined;
  /** True while this session waits for the read turn's end to flush its output (uncork()). */
  #corked = false;
  /** True while the connection itself is corked: only when bytes other than the run were written. */
  #connectionCorked = false;
  /** This turn's frames encoded in the owner's output slab (reserve()), not written yet: #run[#runStart, #runEnd). */
  #run: Buffer | undefined;
  #runStart = 0;
  #runEnd = 0;
  /** Where the run must end at most: the pending-output bound, less what the connection held when it began. */
  #runLimit = 0;
  readonly options: ResolvedMessagingOptions;
  readonly owner: O;
  protected readonly router: Router;

  // Every field here is per connection: an idle server holds thousands, so only what a session needs.
  constructor(
    connection: Connection,
    id: string,
    identity: Identity,
    options: ResolvedMessagingOptions,
    owner: O,
    router: Router,
  ) {
    this.connection = connection;
    this.id = id;
    this.user = identity.user;
    this.#permissions = identity.permissions;
    this.options = options;
    this.owner = owner;
    this.router = router;
  }

  /** The router's read turn (batches, corked outputs). */
  protected get turn(): ReadTurn {
    return this.router.turn;
  }

  /** What this client may publish and subscribe to (guest rights until it logs in). */
  get permissions(): Permissions {
    return this.#permissions;
  }

  set permissions(permissions: Permissions) {
    this.#permissions = permissions;
    this.#lastTopic = "";
  }

  /** canPublish() for this client, remembering the last topic: a publisher usually repeats one. */
  mayPublish(topic: string): boolean {
    if (topic !== this.#lastTopic) {
      this.#lastTopicAllowed = canPublish(this.#permissions, topic);
      this.#lastTopic = topic;
    }
    return this.#lastTopicAllowed;
  }

  get isOpen(): boolean {
    return this.endReason === undefined && !this.connection.isClosed;
  }

  /** ConnectionReceiver: bytes from the client, read in one turn (publishes batched until it ends). */
  received(chunk: Buffer): void {
    this.lastSeen = Date.now();
    this.owner.counters.bytesIn += chunk.length;
    this.pinged = false;
    const turn = this.turn;
    turn.begin(this.lastSeen);
    // A bug while serving a client must cost one connection, never the server.
    try {
      this.receive(chunk);
    } catch (error) {
      this.owner.sessionFailed(this, error);
    }
    try {
      turn.end();
    } catch (error) {
      this.owner.sessionFailed(this, error);
    }
  }

  /** A login was tried on this session: the owner reports it (never the secret). */
  reportLogin(attempt: LoginAttempt): void {
    this.owner.loginAttempt(this, attempt);
  }

  /** A bug of ours while serving this session: the owner drops it and reports the error. */
  failed(error: unknown): void {
    this.owner.sessionFailed(this, error);
  }

  /** ConnectionReceiver: the connection closed. */
  closed(): void {
    this.owner.closed(this);
  }

  /**
   * Writes `bytes` unless that would exceed the pending-output bound; then the client is cut off.
   * Replies and notices are corked until the read turn ends (many small writes, one system call);
   * `batched` deliveries, already one buffer per read, go out at once. `shared` bytes (deliveries, and
   * presence notices) are the same Buffer for every recipient: they go through writeShared(), so a
   * WebSocket frames them once for all. Nothing written here can overtake a batch still open in the turn.
   */
  write(bytes: Buffer, batched = false, shared = batched): void {
    if (!batched) this.turn.beforeWrite();
    if (!this.isOpen) return;
    const connection = this.connection;
    if (this.pendingBytes + bytes.length > this.options.maxPendingBytes) {
      this.#slowConsumer();
      return;
    }
    if (!batched || this.#run !== undefined) this.#cork();
    if (this.#run !== undefined) this.#writeRun();
    if (shared) connection.writeShared(bytes);
    else connection.write(bytes);
    this.owner.counters.bytesOut += bytes.length;
  }

  /**
   * write() for a frame the caller encodes itself: reserves `size` bytes in the owner's output slab
   * (`owner.output.buffer`) and returns their offset, where the caller writes the frame at once. The
   * frames of one turn join one run, written as one Buffer when the output is uncorked (the connection is
   * corked only when other bytes are written in the turn: a run alone is one write). -1 when nothing is to
   * be written: the session is closed, or was just cut off for being over the pending-output bound.
   */
  reserve(size: number): number {
    this.turn.beforeWrite();
    const output = this.owner.output;
    // The turn's run goes on in the same slab: nothing else reached the connection since it began (a write
    // ends it), so the bound computed then still holds, and the session is open (closing writes the run).
    const runGoesOn =
      this.#run === output.buffer &&
      this.#runEnd === output.used &&
      output.used + size <= this.#runLimit &&
      output.fits(size);
    if (!runGoesOn) {
      if (!this.isOpen) return -1;
      if (this.pendingBytes + size > this.options.maxPendingBytes) {
        this.#slowConsumer();
        return -1;
      }
      if (!this.#corked) this.#enlist();
    }
    const offset = output.reserve(size);
    if (this.#run !== output.buffer || this.#runEnd !== offset) {
      if (this.#run !== undefined) this.#writeRun();
      this.#run = output.buffer;
      this.#runStart = offset;
      this.#runLimit = offset + this.options.maxPendingBytes - this.connection.pendingBytes;
    }
    this.#runEnd = offset + size;
    this.owner.counters.bytesOut += size;
    return offset;
  }

  /** Corks the connection until the turn ends (write()'s bytes, and a run written before them, join). */
  #cork(): void {
    if (!this.#connectionCorked) {
      this.#connectionCorked = true;
      this.connection.cork();
    }
    if (!this.#corked) this.#enlist();
  }

  /** The turn's end flushes this session's output (uncork()). */
  #enlist(): void {
    this.#corked = true;
    this.turn.corked(this);
  }

  /** Hands the run of reserved frames to the connection (in order: before any later write). */
  #writeRun(): void {
    const run = this.#run!;
    this.#run = undefined;
    this.connection.write(run.subarray(this.#runStart, this.#runEnd));
  }

  #slowConsumer(): void {
    this.endReason = "slow-consumer";
    this.#run = undefined;
    this.owner.slowConsumer(this);
    this.connection.destroy();
  }

  /** Ends this turn's corked writes (called by the read turn). */
  uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    if (this.#run !== undefined) {
      if (this.connection.isClosed) this.#run = undefined;
      else this.#writeRun();
    }
    if (this.#connectionCorked) {
      this.#connectionCorked = false;
      this.connection.uncork();
    }
  }

  /** Writes `last` (if any) and closes gracefully; the connection is destroyed if the peer does not read. */
  finish(reason: DisconnectReason, last: Buffer | undefined): void {
    if (this.endReason !== undefined) return;
    this.turn.beforeWrite();
    this.endReason = reason;
    this.uncork();
    this.connection.end(last, undefined, reason === "shutdown" ? "shutdown" : "normal");
  }

  info(): ClientInfo {
    const peer = this.connection.peer;
    return {
      id: this.id,
      remoteAddress: peer.address,
      remotePort: peer.port,
      mode: this.mode,
      nick: this.nick,
      user: this.user,
      room: this.room,
    };
  }

  /** The connection's kind for the live view: "websocket" for either subprotocol, else the mode. */
  get kind(): ConnectionKind {
    return this.connection instanceof WebSocketConnection ? "websocket" : this.mode;
  }

  get address(): string | undefined {
    return this.connection.peer.address;
  }

  get port(): number | undefined {
    return this.connection.peer.port;
  }

  /** Output not written to the peer yet: the connection's, and this turn's run of reserved frames. */
  get pendingBytes(): number {
    const run = this.#run === undefined ? 0 : this.#runEnd - this.#runStart;
    return this.connection.pendingBytes + run;
  }

  /** Subscriptions of a framed client (0 for a person). */
  get subscriptionCount(): number {
    return 0;
  }

  abstract get room(): string | undefined;
  /** Bytes from the client, inside a read turn. */
  protected abstract receive(chunk: Buffer): void;
  /** A room or direct message for this client. */
  abstract deliver(delivery: Delivery): void;
  /** Leaves the router: rooms, subscriptions, nickname (on close). Safe to call twice. */
  abstract detach(): void;
  /** Tells the client the server is shutting down and closes. */
  abstract shutdown(): void;
  /** Idle check, called periodically when idle timeouts are on. */
  abstract checkIdle(now: number, idleTimeoutMs: number, pingIntervalMs: number): void;
}
