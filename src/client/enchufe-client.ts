/**
 * The messaging client for programs: publish/subscribe, request/reply and direct messages over the
 * framed protocol (docs/PROTOCOL.md), with automatic reconnection and resubscription. It knows no
 * transport: `connect()` in client.ts (Node: TCP, TLS or WebSocket) and browser.ts (WebSocket) give it a
 * `Dial` (transport.ts), so this file loads in a browser as it is.
 *
 * A facade over three parts: Connection (one transport: handshake, read loop), SubscriptionTable (dispatch
 * by pattern) and RequestTable (the requests in flight). Subscriptions and requests share one id counter,
 * so an ERR frame's `ref` names exactly one of them.
 *
 * Events: `connected` (WELCOME info), `disconnected` (EnchufeError | undefined), `reconnected` (WELCOME info),
 * `error` (EnchufeError: a server ERR not tied to a request, a full subscription queue...), `closed`.
 */
import { EventEmitter } from "node:events";
import { EnchufeError } from "../errors.js";
import { encodeFrame, type Frame, type FrameOf, type Headers, ReplyStatus } from "../protocol/frames.js";
import { invalidTopicError, toBytes } from "./arguments.js";
import { Connection, type ConnectionHandler, type ServerInfo } from "./connection.js";
import { SubscriptionTable } from "./dispatch.js";
import { backoffDelay, type ClientOptions, type ReconnectOptions } from "./options.js";
import { Outbox } from "./outbox.js";
import { type Reply, RequestTable } from "./requests.js";
import { errFrameError } from "./server-errors.js";
import { type IncomingRequest, type Message, Subscription } from "./subscription.js";
import type { Dial } from "./transport.js";

export type { ServerInfo } from "./connection.js";
export type { Reply } from "./requests.js";

type State = "connecting" | "connected" | "reconnecting" | "closed";

const EMPTY: Headers = [];
/** What a subscription delivers: messages, or requests to a responder. */
type Delivered = Message | IncomingRequest;

/** A connected messaging client. Create it with `connect(options)`. */
export class EnchufeClient extends EventEmitter {
  readonly options: ClientOptions;
  readonly #dial: Dial;
  #state: State = "connecting";
  /** The connection in use (after WELCOME), and one being opened (first connect or a reconnection). */
  #connection: Connection | undefined;
  #opening: Connection | undefined;
  /** The last WELCOME: kept while reconnecting, so sizes are still checked against the server's limit. */
  #info: ServerInfo | undefined;
  /** One counter for subscription ids and request ids: an ERR's ref names one thing. */
  #nextId = 1;
  readonly #subscriptions = new SubscriptionTable((subscription) => this.#queueFull(subscription));
  readonly #requests = new RequestTable();
  readonly #pongWaiters: Array<{ resolve: () => void; reject: (error: EnchufeError) => void }> = [];
  /** Frames written while disconnected, sent in order on reconnection. */
  readonly #outbox: Outbox;
  #reconnectTimer: NodeJS.Timeout | undefined;
  readonly #handler: ConnectionHandler = {
    onFrame: (frame) => this.#onFrame(frame),
    onProtocolError: (error) => this.emit("error", error),
    onClose: (connection, error, fatal) => this.#onClose(connection, error, fatal),
  };

  constructor(options: ClientOptions, dial: Dial) {
    super();
    this.options = options;
    this.#dial = dial;
    this.#outbox = new Outbox(options.maxBufferedMessages, options.maxBufferedBytes);
  }

  /** The server's WELCOME (limits, client id, nickname) of the current connection. */
  get info(): ServerInfo | undefined {
    return this.#info;
  }

  get state(): State {
    return this.#state;
  }

  /** True while connected over an encrypted transport (TLS, wss://). */
  get encrypted(): boolean {
    return this.#connection?.isEncrypted ?? false;
  }

  // ---- connection and reconnection ----

  /** @internal Connects for the first time; rejects on failure (no reconnection for the first attempt). */
  async start(): Promise<void> {
    this.#connection = await this.#open();
    this.#info = this.#connection.info;
    this.#state = "connected";
    this.emit("connected", this.info);
  }

  async #open(): Promise<Connection> {
    const connection = new Connection(this.options, this.#handler, this.#dial);
    this.#opening = connection;
    try {
      await connection.open();
    } finally {
      if (this.#opening === connection) this.#opening = undefined;
    }
    return connection;
  }

  #onFrame(frame: Frame): void {
    switch (frame.type) {
      case "MSG":
        this.#subscriptions.deliverMessage(frame);
        return;
      case "GMSG":
        this.#subscriptions.deliverGroupMessage(frame);
        return;
      case "REQMSG":
        this.#deliverRequest(frame);
        return;
      case "REPLY":
        this.#requests.onReply(frame);
        return;
      case "PONG":
        this.#pongWaiters.shift()?.resolve();
        return;
      case "ERR":
        this.#onErr(frame);
        return;
      default:
        return;
    }
  }

  /** An ERR's ref names a request (rejected), a subscription (ended), or nothing (the 'error' event). */
  #onErr(frame: FrameOf<"ERR">): void {
    const error = errFrameError(frame);
    const request = frame.ref === 0 ? undefined : this.#requests.get(frame.ref);
    if (request !== undefined) {
      request.settle(error);
      return;
    }
    const subscription = frame.ref === 0 ? undefined : this.#subscriptions.delete(frame.ref);
    subscription?.fail(error);
    this.emit("error", error);
  }

  #deliverRequest(frame: FrameOf<"REQMSG">): void {
    const connection = this.#connection;
    let answered = false;
    const request: IncomingRequest = {
      name: frame.name,
      from: frame.from,
      headers: frame.headers,
      payload: frame.payload,
      respond: (payload, options = {}) => {
        if (answered) return;
        answered = true;
        // Answer on the connection the request came from; after a reconnection the token is void.
        if (connection !== this.#connection || connection === undefined) return;
        connection.write(
          encodeFrame({
            type: "RESPOND",
            token: frame.token,
            status: options.status ?? ReplyStatus.OK,
            headers: options.headers ?? EMPTY,
            payload: toBytes(payload),
          }),
        );
      },
    };
    if (!this.#subscriptions.deliverRequest(request))
      request.respond("", { status: ReplyStatus.NO_RESPONDERS });
  }

  #queueFull(subscription: { pattern: string }): void {
    this.emit(
      "error",
      new EnchufeError("EBUFFERFULL", `Subscription ${subscription.pattern} has too many unread messages`, {
        details: { limit: this.options.maxQueuedMessages, pattern: subscription.pattern },
      }),
    );
  }

  #onClose(connection: Connection, error: EnchufeError, fatal: boolean): void {
    if (connection !== this.#connection) return;
    this.#connection = undefined;
    for (const waiter of this.#pongWaiters.splice(0)) waiter.reject(error);
    // Requests in flight may or may not have been processed: fail them (at most once).
    this.#requests.failAll(error);
    if (this.#state !== "connected") return;
    this.emit("disconnected", error);
    if (this.options.reconnect === false || fatal) {
      this.#finish();
      return;
    }
    this.#state = "reconnecting";
    this.#scheduleReconnect(this.options.reconnect, 1);
  }

  #scheduleReconnect(reconnect: ReconnectOptions, attempt: number): void {
    if (reconnect.maxAttempts > 0 && attempt > reconnect.maxAttempts) {
      this.emit(
        "error",
        this.#closedError(`Gave up reconnecting after ${reconnect.maxAttempts} attempts`, "connect"),
      );
      this.#finish();
      return;
    }
    const delay = backoffDelay(reconnect, attempt, this.options.random);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#open().then(
        (connection) => this.#resume(connection),
        () => {
          if (this.#state === "reconnecting") this.#scheduleReconnect(reconnect, attempt + 1);
        },
      );
    }, delay);
  }

  /** After a reconnection: subscribe again, send what was buffered, in order. */
  #resume(connection: Connection): void {
    if (this.#state !== "reconnecting") {
      connection.destroy();
      return;
    }
    this.#connection = connection;
    this.#info = connection.info;
    this.#state = "connected";
    connection.cork();
    for (const subscription of this.#subscriptions.values()) connection.write(subscription.subscribeFrame());
    for (const frame of this.#outbox.take()) connection.write(frame);
    connection.uncork();
    this.emit("reconnected", this.info);
  }

  #finish(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#opening?.destroy();
    this.#subscriptions.endAll();
    const error = new EnchufeError("ECLOSED", "The client is closed", { details: { step: "write" } });
    for (const waiter of this.#pongWaiters.splice(0)) waiter.reject(error);
    this.#outbox.take();
    this.emit("closed");
  }

  #closedError(message: string, step: "connect" | "write"): EnchufeError {
    return new EnchufeError("ECLOSED", message, {
      details: { address: `${this.options.host}:${this.options.port}`, step },
    });
  }

  /** Sends a frame now, or buffers it while reconnecting (bounded: EBUFFERFULL past the limits). */
  #send(frame: Buffer): void {
    if (this.#state === "connected" && this.#connection !== undefined) {
      this.#connection.write(frame);
      return;
    }
    if (this.#state === "closed") {
      throw this.#closedError("The client is closed", "write");
    }
    this.#outbox.add(frame);
  }

  /** Writes now when connected; frames that only make sense on this connection (SUB, UNSUB) are not buffered. */
  #sendIfConnected(frame: Buffer): void {
    if (this.#state === "connected") this.#connection?.write(frame);
  }

  // ---- public API ----

  /** Publishes `payload` to `topic` (a room is a topic). Buffered while reconnecting. */
  publish(topic: string, payload: string | Uint8Array, options: { headers?: Headers } = {}): void {
    const invalid = invalidTopicError("Topic", topic, false);
    if (invalid !== undefined) throw invalid;
    const bytes = toBytes(payload);
    this.#checkSize(bytes);
    this.#send(encodeFrame({ type: "PUB", topic, headers: options.headers ?? EMPTY, payload: bytes }));
  }

  /** Sends a private message to the user or client with nickname `nick` (unknown: ENOSUCHUSER on 'error'). */
  direct(nick: string, payload: string | Uint8Array, options: { headers?: Headers } = {}): void {
    const bytes = toBytes(payload);
    this.#checkSize(bytes);
    this.#send(
      encodeFrame({ type: "DIRECT", target: nick, headers: options.headers ?? EMPTY, payload: bytes }),
    );
  }

  #checkSize(bytes: Uint8Array): void {
    const max = this.info?.maxPayload;
    if (max !== undefined && bytes.length > max) {
      throw new EnchufeError("ETOOLARGE", `Payload of ${bytes.length} bytes is over the server's ${max}`, {
        details: { limit: max },
      });
    }
  }

  /** Subscribes to `pattern` (`*`, `>` wildcards; iterate with `for await`); `group`: joins that queue group. */
  subscribe(pattern: string, options: { group?: string } = {}): Subscription<Message> {
    return this.#subscribe<Message>(pattern, false, options.group);
  }

  /** Answers requests whose name matches `pattern`: iterate and call `respond()` on each. */
  respond(pattern: string): Subscription<IncomingRequest> {
    return this.#subscribe<IncomingRequest>(pattern, true);
  }

  /** A subscription was ended by its owner: forgotten here and on the server. */
  readonly #unsubscribed = (subscription: { readonly sid: number }): void => {
    this.#subscriptions.delete(subscription.sid);
    this.#sendIfConnected(encodeFrame({ type: "UNSUB", sid: subscription.sid }));
  };

  #subscribe<T extends Delivered>(pattern: string, responder: boolean, group?: string): Subscription<T> {
    const invalid =
      invalidTopicError("Pattern", pattern, true) ??
      (group === undefined ? undefined : invalidTopicError("Queue group", group, false));
    if (invalid !== undefined) throw invalid;
    if (this.#state === "closed") throw new EnchufeError("ECLOSED", "The client is closed", { details: {} });
    const sid = this.#nextId++;
    const max = this.options.maxQueuedMessages;
    const subscription = new Subscription<T>(sid, pattern, responder, max, this.#unsubscribed, group);
    // T is Message or IncomingRequest, matching the responder flag the dispatcher checks.
    this.#subscriptions.add(subscription as unknown as Subscription<Message> | Subscription<IncomingRequest>);
    // While reconnecting, #resume() subscribes every live subscription.
    this.#sendIfConnected(subscription.subscribeFrame());
    return subscription;
  }

  /**
   * Sends a request to the handler or responder named `name` and resolves with its reply.
   * Rejects with ENORESPONDERS, ETIMEDOUT, EREQUESTFAILED, EDENIED, ECLOSED or EABORTED.
   */
  request(
    name: string,
    data?: string | Uint8Array,
    options: { timeoutMs?: number; signal?: AbortSignal; headers?: Headers } = {},
  ): Promise<Reply> {
    const invalid = invalidTopicError("Request name", name, false);
    if (invalid !== undefined) return Promise.reject(invalid);
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    const reqId = this.#nextId++;
    const payload = toBytes(data);
    const pending = this.#requests.add(reqId, name, timeoutMs, options.signal);
    try {
      this.#checkSize(payload);
      this.#send(
        encodeFrame({ type: "REQ", reqId, name, timeoutMs, headers: options.headers ?? EMPTY, payload }),
      );
    } catch (error) {
      pending.settle(error as EnchufeError);
    }
    return pending.promise;
  }

  /** Resolves once the server has processed everything sent before (a PING/PONG round trip). */
  flush(): Promise<void> {
    const connection = this.#connection;
    if (this.#state !== "connected" || connection === undefined) {
      return Promise.reject(this.#closedError("Not connected", "write"));
    }
    return new Promise((resolve, reject) => {
      this.#pongWaiters.push({ resolve, reject });
      connection.write(encodeFrame({ type: "PING" }));
    });
  }

  /** Flushes, unsubscribes everything, waits for requests in flight, then closes. */
  async drain(): Promise<void> {
    if (this.#state === "connected") await this.flush();
    for (const subscription of [...this.#subscriptions.values()]) subscription.unsubscribe();
    await Promise.allSettled(this.#requests.inflight());
    if (this.#state === "connected") await this.flush().catch(() => {});
    await this.close();
  }

  /** Closes now: pending requests fail with ECLOSED, iterations end. */
  async close(): Promise<void> {
    const connection = this.#connection;
    this.#finish();
    await connection?.end();
  }
}

/**
 * Starts a client on the transport `dial` opens; resolves once the handshake is done. An error that is
 * not an EnchufeError goes through `mapError` when given (the caller knows its transport's errors).
 */
export async function openClient(
  options: ClientOptions,
  dial: Dial,
  mapError: (error: unknown) => EnchufeError = (error) => {
    throw error;
  },
): Promise<EnchufeClient> {
  const client = new EnchufeClient(options, dial);
  try {
    await client.start();
  } catch (error) {
    await client.close();
    throw error instanceof EnchufeError ? error : mapError(error);
  }
  return client;
}
