/**
 * What text and framed sessions share: the socket, identity, bounded output (slow consumer cut-off)
 * and the last time the client sent anything (idle checks).
 */
import type { Socket } from "node:net";
import { ALLOW_ALL, canPublish, type Permissions } from "../auth/permissions.js";
import type { Broker } from "./broker.js";
import type { Delivery } from "./delivery.js";

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
  | "too-large"
  | "line-too-long"
  | "flood"
  | "handshake-timeout"
  | "server-full";

/** Callbacks a session uses to tell its owner about its life (implemented by MessagingHandler). */
export interface SessionOwner {
  /** Bytes arrived for `session` (called by the socket's data listener). */
  received(session: Session, chunk: Buffer): void;
  /** The socket of `session` closed. */
  closed(session: Session): void;
  slowConsumer(session: Session): void;
  /** Called when a session corked its socket: the owner uncorks it once this event-loop turn ends. */
  corked(session: Session): void;
  /** An unexpected error while serving `session`: it is dropped, the server goes on. */
  sessionFailed(session: Session, error: unknown): void;
}

export abstract class Session {
  abstract readonly mode: SessionMode;
  readonly id: string;
  readonly socket: Socket;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  nick = "";
  /** The authenticated user; undefined for a guest. */
  user: string | undefined;
  #permissions: Permissions = ALLOW_ALL;
  /** mayPublish()'s memo: the last topic asked about and the answer ("" = none). */
  #lastTopic = "";
  #lastTopicAllowed = false;
  /** Date.now() of the last bytes received (idle checks). */
  lastSeen = Date.now();
  /** Set once the client was sent a keepalive PING during the current silence. */
  pinged = false;
  /** Why the session is ending; set by the first close decision. */
  endReason: DisconnectReason | undefined;
  /** True while writes are being batched (socket.cork) until the end of this turn. */
  isCorked = false;
  readonly #maxPending: number;
  readonly owner: SessionOwner;
  /** Rooms, subscriptions and fan-out; also batches publishes (see Broker.beginRead). */
  protected readonly broker: Broker;

  constructor(
    socket: Socket,
    info: { id: string; remoteAddress?: string | undefined; remotePort?: number | undefined },
    maxPending: number,
    owner: SessionOwner,
    broker: Broker,
  ) {
    this.socket = socket;
    this.id = info.id;
    this.remoteAddress = info.remoteAddress;
    this.remotePort = info.remotePort;
    this.#maxPending = maxPending;
    this.owner = owner;
    this.broker = broker;
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
    return this.endReason === undefined && !this.socket.destroyed;
  }

  /**
   * Writes `bytes` unless that would exceed the pending-output bound; then the client is cut off.
   * A batch of publishes still open is delivered first, so every client sees everything in order.
   * Replies and notices are corked until the end of this event-loop turn (many small writes, one
   * syscall); `batched` deliveries, already one buffer per read, go out at once.
   */
  write(bytes: Buffer, batched = false): void {
    if (this.broker.hasOpenBatch) this.broker.flush();
    if (!this.isOpen) return;
    if (this.socket.writableLength + bytes.length > this.#maxPending) {
      this.endReason = "slow-consumer";
      this.owner.slowConsumer(this);
      this.socket.destroy();
      return;
    }
    if (!batched && !this.isCorked) {
      this.isCorked = true;
      this.socket.cork();
      this.owner.corked(this);
    }
    this.socket.write(bytes);
  }

  /** Ends this turn's write batch (called by the owner). */
  uncork(): void {
    if (!this.isCorked) return;
    this.isCorked = false;
    this.socket.uncork();
  }

  /** Writes `last` (if any) and closes gracefully; destroys after `graceMs` if the peer does not read. */
  finish(reason: DisconnectReason, last: Buffer | undefined, graceMs = 2000): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    if (this.socket.destroyed) return;
    if (last !== undefined) this.socket.write(last);
    this.socket.end();
    setTimeout(destroySocket, graceMs, this.socket).unref();
  }

  info(): ClientInfo {
    return {
      id: this.id,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      mode: this.mode,
      nick: this.nick,
      user: this.user,
      room: this.room,
    };
  }

  abstract get room(): string | undefined;
  /** A room or direct message for this client. */
  abstract deliver(delivery: Delivery): void;
  /** Tells the client the server is shutting down and closes. */
  abstract shutdown(): void;
  /** Idle check, called periodically when idle timeouts are on. */
  abstract checkIdle(now: number, idleTimeoutMs: number, pingIntervalMs: number): void;
}

function destroySocket(socket: Socket): void {
  socket.destroy();
}
