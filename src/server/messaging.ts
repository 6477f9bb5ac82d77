/**
 * The messaging ConnectionHandler: greets each connection, makes it a text user in `general`, and turns
 * it into a framed session when the first byte the client sends is 0x00 (docs/PROTOCOL.md §1).
 * Plug it into the server: `createServer({ ..., handler: new MessagingHandler(options) })`.
 *
 * Events: `connect` (ClientInfo), `disconnect` (ClientInfo, DisconnectReason), `message` (MessageEvent),
 * `slowConsumer` (ClientInfo), `clientError` (ClientInfo, error: a bug while handling that client; it is dropped),
 * `cluster` (BusState: "down" once when Redis is lost, "resynced" when it is back). Listing: listRooms(),
 * listClients() (this node's). Requests: handleRequest(name, fn). With `options.bus`, `await start()` first.
 */
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { t } from "../i18n/index.js";
import { detectMode } from "../protocol/detect.js";
import { Broker, type RoomInfo } from "./broker.js";
import type { BusState } from "./bus/index.js";
import { FramedSession } from "./framed-session.js";
import { HandlerRegistry, type RequestHandler } from "./handlers.js";
import {
  FRAME_OVERHEAD_BYTES,
  type MessagingOptions,
  pingIntervalMs,
  resolveMessagingOptions,
} from "./limits.js";
import { SecurityPolicy } from "./security.js";
import type { ClientInfo, Session, SessionOwner } from "./session.js";
import { TextSession } from "./text-session.js";

/** What the server passes to handle() for each accepted connection. */
export interface ConnectionInfo {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  readonly id: string | number;
}

/** A socket served by the handler: it points at its current session (text, or framed once detected). */
type SessionSocket = Socket & { enchufeSession?: TextSession | FramedSession | undefined };

// Per-socket listeners are shared named functions, not closures: an idle connection costs less memory.
function onSocketData(this: SessionSocket, chunk: Buffer): void {
  const session = this.enchufeSession;
  if (session !== undefined) session.owner.received(session, chunk);
}

function onSocketClose(this: SessionSocket): void {
  const session = this.enchufeSession;
  this.enchufeSession = undefined;
  if (session !== undefined) session.owner.closed(session);
}

function onSocketError(): void {
  // A reset or broken pipe: 'close' follows and does the cleanup.
}

function uncorkAll(handler: MessagingHandler): void {
  handler.uncorkAll();
}

function sweepIdle(handler: MessagingHandler): void {
  handler.checkIdle();
}

export class MessagingHandler extends EventEmitter implements SessionOwner {
  readonly options: MessagingOptions;
  readonly #handlers = new HandlerRegistry();
  readonly #broker: Broker;
  readonly #sessions = new Set<TextSession | FramedSession>();
  readonly #greeting: Buffer;
  #idleTimer: NodeJS.Timeout | undefined;
  /** Sessions whose sockets are corked until the end of this event-loop turn (write batching). */
  #corked: Session[] = [];
  #shuttingDown = false;
  /** Resolves the pending shutdown() once the last session closed. */
  #shutdownDone: (() => void) | undefined;
  #connections = 0;
  #nextId = 0;

  constructor(options: Partial<MessagingOptions> = {}) {
    super();
    this.options = resolveMessagingOptions({
      ...options,
      security: options.security ?? new SecurityPolicy(),
    });
    this.#greeting = Buffer.from(`${this.options.greeting}\n`, "utf8");
    this.#broker = new Broker({
      lang: this.options.lang,
      events: this,
      handlers: this.#handlers,
      defaultRequestTimeoutMs: this.options.defaultRequestTimeoutMs,
      maxRequestTimeoutMs: this.options.maxRequestTimeoutMs,
      bus: this.options.bus,
      maxFrameBytes: this.options.maxPayloadBytes + FRAME_OVERHEAD_BYTES,
      onClusterState: (state: BusState) => {
        if (this.listenerCount("cluster") > 0) this.emit("cluster", state);
      },
    });
  }

  /**
   * Joins the cluster when `options.bus` is set (rejects with ECLUSTER when Redis is unreachable);
   * resolves at once otherwise. Call it before the server listens.
   */
  async start(): Promise<void> {
    await this.#broker.cluster?.start();
  }

  /** The broker (rooms, subscriptions, fan-out): the seam for a cluster bus. */
  get broker(): Broker {
    return this.#broker;
  }

  /** Registers a server-side request handler (replaces a built-in of the same name); in a cluster, for every node. */
  handleRequest(name: string, handler: RequestHandler): this {
    const isNew = this.#handlers.get(name) === undefined;
    this.#handlers.set(name, handler);
    // In a cluster the other nodes route requests for this name here (as to a responder).
    if (isNew) this.#broker.cluster?.subscribed(name, true, true);
    return this;
  }

  /** Names of the server-side request handlers. */
  requestHandlers(): string[] {
    return this.#handlers.names();
  }

  listRooms(): RoomInfo[] {
    return this.#broker.listRooms();
  }

  listClients(): ClientInfo[] {
    return [...this.#sessions].map((session) => session.info());
  }

  /** ConnectionHandler: takes over an accepted socket. */
  handle(socket: Socket, info: ConnectionInfo): void {
    const id = String(info.id ?? ++this.#nextId);
    const max = this.options.maxConnections;
    if (this.#shuttingDown || (max > 0 && this.#connections >= max)) {
      socket.on("error", onSocketError);
      socket.end(`${t(this.options.lang, this.#shuttingDown ? "server.shutdown" : "server.error.full")}\n`);
      setTimeout(destroy, 2000, socket).unref();
      return;
    }
    const security = this.options.security!;
    const address = info.remoteAddress ?? "?";
    const admitted = security.admit(address);
    if (admitted !== "ok") {
      socket.on("error", onSocketError);
      socket.end(
        `${t(this.options.lang, admitted === "too-many" ? "server.error.tooManyFromAddress" : "server.error.tooFast")}\n`,
      );
      setTimeout(destroy, 2000, socket).unref();
      if (this.listenerCount("rejected") > 0)
        this.emit("rejected", { remoteAddress: address, reason: admitted });
      return;
    }
    this.#connections++;
    socket.setNoDelay(true);
    socket.write(this.#greeting);
    const session = new TextSession(
      socket,
      { id, remoteAddress: info.remoteAddress, remotePort: info.remotePort },
      this.#broker,
      this.options,
      this,
    );
    this.#sessions.add(session);
    (socket as SessionSocket).enchufeSession = session;
    socket.on("data", onSocketData);
    socket.on("close", onSocketClose);
    // EnchufeServer already ignores socket errors ('close' follows); other servers may not.
    if (socket.listenerCount("error") === 0) socket.on("error", onSocketError);
    if (this.options.idleTimeoutMs > 0 && this.#idleTimer === undefined) {
      const every = Math.max(10, Math.min(1000, Math.floor(pingIntervalMs(this.options) / 2)));
      this.#idleTimer = setInterval(sweepIdle, every, this);
      this.#idleTimer.unref();
    }
    if (this.listenerCount("connect") > 0) this.emit("connect", session.info());
  }

  /** Bytes from a client: mode detection on the first bytes, then the session reads them in one batch. */
  received(current: TextSession | FramedSession, chunk: Buffer): void {
    let session = current;
    session.lastSeen = Date.now();
    session.pinged = false;
    if (session.mode === "text" && !session.started) {
      session.started = true;
      if (chunk.length > 0 && detectMode(chunk[0]!) === "framed") session = this.#becomeFramed(session);
    }
    const broker = this.#broker;
    broker.beginRead();
    try {
      session.receive(chunk);
    } catch (error) {
      // A bug in a session must cost one connection, never the server.
      this.sessionFailed(session, error);
    } finally {
      broker.endRead();
    }
  }

  /** A connection whose first byte was 0x00: the text user leaves silently. */
  #becomeFramed(text: TextSession): FramedSession {
    text.detach(false);
    this.#sessions.delete(text);
    const framed = new FramedSession(
      text.socket,
      { id: text.id, remoteAddress: text.remoteAddress, remotePort: text.remotePort },
      this.#broker,
      this.options,
      this,
    );
    this.#sessions.add(framed);
    (text.socket as SessionSocket).enchufeSession = framed;
    return framed;
  }

  /** Called when a socket closed: cleanup and the disconnect event. */
  closed(session: TextSession | FramedSession): void {
    if (!this.#sessions.delete(session)) return;
    this.#connections--;
    this.options.security!.release(session.remoteAddress ?? "?");
    session.endReason ??= "closed";
    if (session.mode === "text") session.detach(true);
    else session.detach();
    if (this.listenerCount("disconnect") > 0) this.emit("disconnect", session.info(), session.endReason);
    if (this.#sessions.size === 0 && this.#shutdownDone !== undefined) this.#shutdownDone();
  }

  /** An unexpected error while handling a client's bytes: that client is dropped, `clientError` emitted. */
  sessionFailed(session: Session, error: unknown): void {
    session.endReason ??= "protocol-error";
    session.socket.destroy();
    if (this.listenerCount("clientError") > 0) this.emit("clientError", session.info(), error);
  }

  slowConsumer(session: Session): void {
    if (this.listenerCount("slowConsumer") > 0) this.emit("slowConsumer", session.info());
  }

  corked(session: Session): void {
    if (this.#corked.length === 0) process.nextTick(uncorkAll, this);
    this.#corked.push(session);
  }

  /** Flushes every batched socket (once per event-loop turn). */
  uncorkAll(): void {
    const corked = this.#corked;
    this.#corked = [];
    for (const session of corked) session.uncork();
  }

  /** Idle sweep (runs only when idleTimeoutMs > 0). */
  checkIdle(): void {
    const now = Date.now();
    const idle = this.options.idleTimeoutMs;
    const ping = pingIntervalMs(this.options);
    for (const session of this.#sessions) session.checkIdle(now, idle, ping);
  }

  /**
   * ConnectionHandler: tells every client (text notice / CLOSE SHUTDOWN), lets output flush, and resolves
   * when every connection closed or after `deadlineMs` milliseconds (then the rest are destroyed).
   * A value above 1e12 is read as an absolute Date.now() deadline.
   */
  shutdown(deadlineMs: number): Promise<void> {
    this.#shuttingDown = true;
    if (this.#idleTimer !== undefined) clearInterval(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#broker.clearPending();
    const wait = deadlineMs > 1e12 ? Math.max(0, deadlineMs - Date.now()) : Math.max(0, deadlineMs);
    for (const session of this.#sessions) session.shutdown();
    const cluster = this.#broker.cluster;
    const drained = this.#drain(wait);
    // Leave the cluster after the last session left its rooms (the others see them go at once).
    return cluster === undefined ? drained : drained.then(() => cluster.close());
  }

  #drain(wait: number): Promise<void> {
    if (this.#sessions.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const session of this.#sessions) session.socket.destroy();
        resolve();
      }, wait);
      this.#shutdownDone = () => {
        clearTimeout(timer);
        this.#shutdownDone = undefined;
        resolve();
      };
    });
  }
}

function destroy(socket: Socket): void {
  socket.destroy();
}
