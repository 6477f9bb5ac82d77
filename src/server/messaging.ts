/**
 * The messaging ConnectionHandler: takes each accepted connection, makes it a text user in `general`,
 * and turns it into a framed session when the first byte the client sends is 0x00 (docs/PROTOCOL.md §1).
 * Plug it into the server: `createServer({ ..., handler: new MessagingHandler(options) })`.
 *
 * Events: `connect` (ClientInfo), `disconnect` (ClientInfo, DisconnectReason), `message` (MessageEvent),
 * `slowConsumer` (ClientInfo), `history` (HistoryTrouble: the history could not write, messages go out live
 * and not kept; or it writes again; or a store warning), `presence` (RoomEvent: join, leave, nick on this node), `clientError` (ClientInfo, error: a bug of ours while serving that client;
 * it is dropped), `rejected` ({ remoteAddress, reason }), `login` (LoginEvent), `cluster` (BusState). Listing: listRooms(),
 * listClients() (this node's); counters: stats(), connections(). Requests: handleRequest(name, fn). With `options.bus`, `await start()` first.
 */
import { EventEmitter } from "node:events";
import type { Lang } from "../i18n/lang.js";
import { serverText } from "../i18n/server-text.js";
import { CloseReason, ErrCode } from "../protocol/frames.js";
import type { Connection } from "../transport/connection.js";
import type { WebSocketConnection, WebSocketKind } from "../transport/websocket-connection.js";
import type { BusState } from "./bus/index.js";
import { ClusterLink } from "./cluster/link.js";
import { FramedSession } from "./framed/framed-session.js";
import { HandlerRegistry, type RequestHandler } from "./handlers.js";
import {
  FRAME_OVERHEAD_BYTES,
  type MessagingOptions,
  type ResolvedMessagingOptions,
  resolveMessagingOptions,
} from "./limits.js";
import type { ConnectionInfo, WebSocketHandler } from "./options.js";
import { type RefusalAnswer, refusalFrames, refuse } from "./refusal.js";
import type { RoomInfo } from "./routing/interfaces.js";
import { Router } from "./routing/router.js";
import type { ClientInfo, LoginAttempt, Session } from "./session.js";
import {
  type ConnectionStats,
  connectionStats,
  type RejectReason,
  Stats,
  type StatsSnapshot,
} from "./stats.js";

/** The `login` event: a login tried on this node (password, token or client certificate). */
export interface LoginEvent extends LoginAttempt {
  readonly id: string;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
}

import { OutputSlab } from "./output-slab.js";
import { TextRenderer } from "./text/render.js";
import { TextSession, type TextSessionOwner } from "./text/text-session.js";
import { Watch } from "./watch.js";

/**
 * How long a new connection that has sent nothing stays unknown to the other nodes: a program sends
 * its preface at once, so it never shows up elsewhere as a text guest; a silent listener does after this.
 */
export const CLUSTER_GRACE_MS = 500;

export class MessagingHandler extends EventEmitter implements TextSessionOwner, WebSocketHandler {
  readonly options: ResolvedMessagingOptions;
  readonly #handlers = new HandlerRegistry();
  readonly #router: Router;
  /** Renders what people see, per language, once for every text session (TextSessionOwner). */
  readonly #renderers: Readonly<Record<Lang, TextRenderer>> = {
    es: new TextRenderer("es"),
    en: new TextRenderer("en"),
  };
  readonly #cluster: ClusterLink | undefined;
  readonly #sessions = new Set<TextSession | FramedSession>();
  readonly #watch: Watch;
  /** The live view's counters (SessionOwner: sessions add their bytes here). */
  readonly counters = new Stats();
  /** The sessions' small frames, encoded back to back for one write per turn (SessionOwner). */
  readonly output = new OutputSlab();
  #shuttingDown = false;
  /** Resolves the pending shutdown() once the last session closed. */
  #shutdownDone: (() => void) | undefined;
  #nextId = 0;

  constructor(options: Partial<MessagingOptions> = {}) {
    super();
    this.options = resolveMessagingOptions(options);
    const lang = this.options.lang;
    this.#cluster =
      this.options.bus === undefined
        ? undefined
        : new ClusterLink(this.options.bus, {
            maxFrameBytes: this.options.maxPayloadBytes + FRAME_OVERHEAD_BYTES,
            history: this.options.history !== undefined,
            onState: (state: BusState) => {
              this.counters.cluster = state;
              if (this.listenerCount("cluster") > 0) this.emit("cluster", state);
            },
          });
    this.#router = new Router({
      handlers: this.#handlers,
      defaultRequestTimeoutMs: this.options.defaultRequestTimeoutMs,
      maxRequestTimeoutMs: this.options.maxRequestTimeoutMs,
      skipSlowBytes: this.options.skipSlowBytes,
      guestPrefix: serverText(lang, "server.guest"),
      remote: this.#cluster,
      onMessage: (event) => this.emit("message", event),
      wantsMessages: () => this.listenerCount("message") > 0,
      onPresence: (event) => this.emit("presence", event),
      wantsPresence: () => this.listenerCount("presence") > 0,
      history: this.options.history,
      dedupe: { windowMs: this.options.dedupeWindowMs, maxIds: this.options.dedupeMaxIds },
      onHistoryTrouble: (trouble) => this.emit("history", trouble),
    });
    this.options.history?.on("warning", (warning) => this.emit("history", { kind: "warning", warning }));
    this.#cluster?.attach(this.#router);
    this.#watch = new Watch(this.options, CLUSTER_GRACE_MS);
  }

  /**
   * Joins the cluster when `options.bus` is set (rejects with ECLUSTER when Redis is unreachable);
   * resolves at once otherwise. Call it before the server listens.
   */
  async start(): Promise<void> {
    await this.#cluster?.start();
    if (this.#cluster !== undefined) this.counters.cluster = "up";
  }

  /** The server's counters now, frozen (/varz, /metrics, text mode's /stats). */
  stats(): StatsSnapshot {
    return this.counters.snapshot({
      sessions: this.#sessions,
      rooms: this.#router.listRooms().length,
      subscriptions: this.#router.subscriptionCount,
      draining: this.#shuttingDown,
      history: this.#router.history.view(),
    });
  }

  /** Every connection on this node with its counters (/connz). */
  connections(): ConnectionStats[] {
    return [...this.#sessions].map(connectionStats);
  }

  /** True once shutdown() began (the live view's /healthz answers 503). */
  get draining(): boolean {
    return this.#shuttingDown;
  }

  /** The router (rooms, subscriptions, fan-out, requests). */
  get router(): Router {
    return this.#router;
  }

  /** Registers a server-side request handler (replaces a built-in of the same name); in a cluster, for every node. */
  handleRequest(name: string, handler: RequestHandler): this {
    const isNew = this.#handlers.get(name) === undefined;
    this.#handlers.set(name, handler);
    if (isNew) this.#router.handlerAdded(name);
    return this;
  }

  /** Names of the server-side request handlers. */
  requestHandlers(): string[] {
    return this.#handlers.names();
  }

  listRooms(): RoomInfo[] {
    return this.#router.listRooms();
  }

  listClients(): ClientInfo[] {
    return [...this.#sessions].map((session) => session.info());
  }

  /** ConnectionHandler: takes over an accepted connection (the greeting is written first, if admitted). */
  handle(connection: Connection, info: ConnectionInfo): void {
    const id = String(info.id ?? ++this.#nextId);
    const refusal = this.#refusal(connection);
    if (refusal !== undefined) {
      refuse(connection, refusal, CLUSTER_GRACE_MS);
      return;
    }
    if (info.greeting.length > 0) connection.write(info.greeting);
    const security = this.options.security;
    const peer = connection.peer;
    const session = new TextSession(
      connection,
      id,
      security.identify(peer),
      security.needsLogin(peer),
      this.#router,
      this.options,
      this,
    );
    this.#sessions.add(session);
    this.counters.connected("text");
    connection.receiver = session;
    this.#watch.arrived(session, this.#sessions);
    if (session.user !== undefined)
      this.loginAttempt(session, { method: "certificate", user: session.user, ok: true });
    if (this.listenerCount("connect") > 0) this.emit("connect", session.info());
  }

  /** WebSocketHandler: a framed client's largest frame, or a text user's longest line. */
  maxWebSocketMessageBytes(kind: WebSocketKind): number {
    return kind === "enchufe.v1"
      ? this.options.maxPayloadBytes + FRAME_OVERHEAD_BYTES
      : this.options.maxLineBytes;
  }

  /** WebSocketHandler: the subprotocol says the session kind (no first-byte detection, no preface). */
  handleWebSocket(connection: WebSocketConnection, info: ConnectionInfo): void {
    if (connection.kind === "enchufe.text") {
      this.handle(connection, info);
      if (connection.receiver instanceof TextSession) {
        this.counters.changedKind("text", "websocket");
        connection.receiver.startAsText();
      }
      return;
    }
    const refusal = this.#refusal(connection);
    if (refusal !== undefined) {
      connection.end(refusalFrames(refusal), undefined, this.#shuttingDown ? "shutdown" : "normal");
      return;
    }
    const security = this.options.security;
    const id = String(info.id ?? ++this.#nextId);
    const identity = security.identify(connection.peer);
    const framed = new FramedSession(connection, id, identity, this.#router, this.options, this, true);
    this.#sessions.add(framed);
    this.counters.connected("websocket");
    connection.receiver = framed;
    this.#watch.watchIdle(this.#sessions);
    if (this.listenerCount("connect") > 0) this.emit("connect", framed.info());
  }

  /** Why a new connection is not served, as the client will read it; undefined when it is admitted. */
  #refusal(connection: Connection): RefusalAnswer | undefined {
    const lang = this.options.lang;
    if (this.#shuttingDown) {
      this.counters.rejected("shutdown");
      const line = Buffer.from(`${serverText(lang, "server.shutdown")}\n`, "utf8");
      return { line, errCode: undefined, closeReason: CloseReason.SHUTDOWN, message: "server shutting down" };
    }
    const max = this.options.maxConnections;
    if (max > 0 && this.#sessions.size >= max) {
      this.counters.rejected("full");
      const line = Buffer.from(`${serverText(lang, "server.error.full")}\n`, "utf8");
      return {
        line,
        errCode: ErrCode.SERVER_FULL,
        closeReason: CloseReason.SERVER_FULL,
        message: "the server is full, try again later",
      };
    }
    const address = connection.peer.address ?? "?";
    const admitted = this.options.security.admit(address);
    if (admitted === "ok") return undefined;
    if (this.listenerCount("rejected") > 0)
      this.emit("rejected", { remoteAddress: address, reason: admitted });
    const tooMany = admitted === "too-many";
    this.counters.rejected(tooMany ? "too-many" : ("too-fast" satisfies RejectReason));
    const line = Buffer.from(
      `${serverText(lang, tooMany ? "server.error.tooManyFromAddress" : "server.error.tooFast")}\n`,
      "utf8",
    );
    const message = tooMany
      ? "too many connections from your address: close some and try again"
      : "too many new connections from your address: wait a moment";
    return { line, errCode: ErrCode.RATE_LIMIT, closeReason: CloseReason.RATE_LIMIT, message };
  }

  /** A connection whose first byte was 0x00: the text user leaves silently (it was never clustered). */
  becomeFramed(text: TextSession, chunk: Buffer): void {
    text.leaveAll(false);
    this.#sessions.delete(text);
    const framed = new FramedSession(
      text.connection,
      text.id,
      { user: text.user, permissions: text.permissions },
      this.#router,
      this.options,
      this,
    );
    framed.since = text.since;
    this.#sessions.add(framed);
    this.counters.changedKind("text", "framed");
    text.connection.receiver = framed;
    framed.receive(chunk);
  }

  renderer(lang: Lang): TextRenderer {
    return this.#renderers[lang];
  }

  lineStarted(text: TextSession): void {
    this.#watch.lineStarted(text);
  }

  /** A connection closed: cleanup and the disconnect event. */
  closed(session: Session): void {
    if (!this.#sessions.delete(session as TextSession | FramedSession)) return;
    this.options.security.release(session.connection.peer.address ?? "?");
    session.endReason ??= "closed";
    this.counters.disconnected(session, session.endReason);
    session.detach();
    if (this.listenerCount("disconnect") > 0) this.emit("disconnect", session.info(), session.endReason);
    if (this.#sessions.size === 0 && this.#shutdownDone !== undefined) this.#shutdownDone();
  }

  /**
   * A bug of ours while serving a client: that client is dropped (a program is told SERVER_ERROR,
   * never that it broke the protocol) and `clientError` is emitted for the log.
   */
  sessionFailed(session: Session, error: unknown): void {
    if (session.isOpen && session instanceof FramedSession) {
      session.fail(ErrCode.SERVER_ERROR, CloseReason.SERVER_ERROR, "internal server error (not your fault)");
    } else {
      session.endReason ??= "server-error";
      session.connection.destroy();
    }
    session.endReason = "server-error";
    if (this.listenerCount("clientError") > 0) this.emit("clientError", session.info(), error);
  }

  /** A login was tried: the `login` event (LoginEvent), for the server log; never the secret. */
  loginAttempt(session: Session, attempt: LoginAttempt): void {
    if (!attempt.ok) this.counters.authFailed();
    if (this.listenerCount("login") === 0) return;
    const peer = session.connection.peer;
    const event: LoginEvent = {
      ...attempt,
      id: session.id,
      remoteAddress: peer.address,
      remotePort: peer.port,
    };
    this.emit("login", event);
  }

  slowConsumer(session: Session): void {
    if (this.listenerCount("slowConsumer") > 0) this.emit("slowConsumer", session.info());
  }

  /**
   * ConnectionHandler: tells every client (text notice / CLOSE SHUTDOWN), lets output flush, and resolves
   * when every connection closed or after `deadlineMs` milliseconds (then the rest are destroyed).
   * A value above 1e12 is read as an absolute Date.now() deadline.
   */
  shutdown(deadlineMs: number): Promise<void> {
    this.#shuttingDown = true;
    this.#watch.stop();
    this.#router.clearPending();
    const wait = deadlineMs > 1e12 ? Math.max(0, deadlineMs - Date.now()) : Math.max(0, deadlineMs);
    for (const session of this.#sessions) session.shutdown();
    const cluster = this.#cluster;
    const history = this.options.ownsHistory ? this.options.history : undefined;
    const drained = this.#drain(wait).then(() => history?.close());
    // Leave the cluster after the last session left its rooms (the others see them go at once).
    return cluster === undefined ? drained : drained.then(() => cluster.close());
  }

  #drain(wait: number): Promise<void> {
    if (this.#sessions.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const session of this.#sessions) session.connection.destroy();
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
