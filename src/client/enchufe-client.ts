/**
 * The messaging client for programs: publish/subscribe, request/reply and direct messages over the
 * framed protocol (docs/PROTOCOL.md), with automatic reconnection and resubscription. It knows no
 * transport: `connect()` in client.ts (Node: TCP, TLS or WebSocket) and browser.ts (WebSocket) give it a
 * `Dial` (transport.ts), so this file loads in a browser as it is. A facade over Connection (one transport: handshake, read loop), SubscriptionTable (dispatch by pattern),
 * RequestTable (requests in flight) and AckTable (acknowledged publishes). Subscriptions and requests share
 * one id counter, so an ERR frame's `ref` names exactly one of them. Protocol version 2 (§2.5): after a
 * reconnect every subscription resumes from the last position it delivered (RSUB) and unacknowledged
 * publishes go again (APUB, deduplicated by the server): nothing the server kept is missed or repeated.
 *
 * Events: `connected` (WELCOME info), `disconnected` (EnchufeError | undefined), `reconnected` (WELCOME info),
 * `replayed` (ReplayInfo: a subscription's replay ended; `recovered` false when some was already gone),
 * `error` (EnchufeError: a server ERR not tied to a request, a full subscription queue...), `closed`.
 */
import { EventEmitter } from "node:events";
import { EnchufeError, optionError } from "../errors.js";
import { encodeFrame, type Frame, type FrameOf, type Headers, ReplyStatus } from "../protocol/frames.js";
import { AckTable, type PubAck } from "./acks.js";
import {
  checkPayloadSize,
  historyUnsupported,
  invalidTopicError,
  publishedBytes,
  toBytes,
} from "./arguments.js";
import { Connection, type ConnectionHandler, type ServerInfo } from "./connection.js";
import { SubscriptionTable } from "./dispatch.js";
import { readHistory, type TopicHistory } from "./history.js";
import type { ClientOptions } from "./options.js";
import { Outbox } from "./outbox.js";
import { Reconnector } from "./reconnect.js";
import { incomingRequest, type Reply, RequestTable } from "./requests.js";
import { errFrameError } from "./server-errors.js";
import type { IncomingRequest, Message, SubscribeStart, Subscription } from "./subscription.js";
import type { Dial } from "./transport.js";

export type { PubAck } from "./acks.js";
export type { ServerInfo } from "./connection.js";
export type { TopicHistory } from "./history.js";
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
  readonly #subscriptions = new SubscriptionTable((error) => this.emit("error", error));
  readonly #requests = new RequestTable();
  /** Frames written while disconnected, sent in order on reconnection. */
  readonly #outbox: Outbox;
  /** Acknowledged publishes waiting for their PUBACK. */
  readonly #acks: AckTable;
  #reconnector: Reconnector | undefined;
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
    this.#acks = new AckTable(options.maxBufferedMessages, options.maxBufferedBytes);
  }

  /** The server's WELCOME (limits, client id, nickname) of the current connection. */
  get info(): ServerInfo | undefined {
    return this.#info;
  }

  get state(): State {
    return this.#state;
  }

  /** True while connected over an encrypted transport (TLS, wss://). */ get encrypted(): boolean {
    return this.#connection?.isEncrypted ?? false;
  }

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
      case "PMSG":
        this.#subscriptions.deliverMessage(frame);
        return;
      case "HMSG":
        this.#subscriptions.deliverReplayed(frame);
        return;
      case "REPLAYED": {
        const replay = this.#subscriptions.replayed(frame);
        if (replay !== undefined) this.emit("replayed", replay);
        return;
      }
      case "PUBACK":
        this.#acks.onPubAck(frame);
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
    const request = incomingRequest(frame, (respond) => {
      // Answer on the connection the request came from; after a reconnection the token is void.
      if (connection === this.#connection) connection?.write(respond);
    });
    if (!this.#subscriptions.deliverRequest(request))
      request.respond("", { status: ReplyStatus.NO_RESPONDERS });
  }

  #onClose(connection: Connection, error: EnchufeError, fatal: boolean): void {
    if (connection !== this.#connection) return;
    this.#connection = undefined;
    // Requests in flight may or may not have been processed: fail them (at most once).
    this.#requests.failAll(error);
    if (this.#state !== "connected") return;
    this.emit("disconnected", error);
    if (this.options.reconnect === false || fatal) {
      this.#finish(error);
      return;
    }
    this.#state = "reconnecting";
    this.#reconnector ??= new Reconnector(this.options.reconnect, this.options.random);
    this.#reconnector.start(
      () =>
        this.#open().then(
          (opened) => this.#resume(opened),
          () => this.#state !== "reconnecting",
        ),
      (attempts) => {
        const gaveUp = this.#closedError(`Gave up reconnecting after ${attempts} attempts`, "connect");
        this.emit("error", gaveUp);
        this.#finish(gaveUp);
      },
    );
  }

  /**
   * After a reconnection: subscribe again (each from where it stopped), send again the acknowledged
   * publishes the lost connection carried, then what was buffered meanwhile, in order. True: no more attempts.
   */
  #resume(connection: Connection): true {
    if (this.#state !== "reconnecting") {
      connection.destroy();
      return true;
    }
    this.#connection = connection;
    this.#info = connection.info;
    this.#state = "connected";
    connection.cork();
    const version = connection.info.version;
    for (const subscription of this.#subscriptions.values())
      connection.write(subscription.subscribeFrame(version));
    for (const frame of this.#acks.resend()) connection.write(frame);
    for (const frame of this.#outbox.take()) connection.write(frame);
    this.#acks.markSent();
    connection.uncork();
    this.emit("reconnected", this.info);
    return true;
  }

  /** Closed for good; publishes still waiting for their PUBACK fail with `cause` (why it ended) or ECLOSED. */
  #finish(cause?: EnchufeError): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#reconnector?.cancel();
    this.#opening?.destroy();
    this.#subscriptions.endAll();
    this.#outbox.take();
    this.#acks.failAll(cause ?? this.#closedError("The client is closed", "write"));
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
    if (this.#state === "closed") throw this.#closedError("The client is closed", "write");
    this.#outbox.add(frame);
  }

  /** Publishes `payload` to `topic` (a room is a topic). Buffered while reconnecting. */
  publish(topic: string, payload: string | Uint8Array, options: { headers?: Headers } = {}): void {
    const bytes = publishedBytes(topic, payload, this.info?.maxPayload);
    this.#send(encodeFrame({ type: "PUB", topic, headers: options.headers ?? EMPTY, payload: bytes }));
  }

  /**
   * Publishes and resolves once the server has kept the message in its history (with `--fsync always`, on
   * disk) and delivered it: its position, and whether it was a duplicate (sent again after a reconnect).
   * Kept until then, and sent again after a reconnect: effectively once. Rejects with the server's reason
   * (ENOTKEPT: delivered live but not kept, a full disk; EDENIED, EINVALIDTOPIC: not published), EBUFFERFULL,
   * ECLOSED, or EABORTED through `signal` (the message may still be published, once).
   */
  publishAcked(
    topic: string,
    payload: string | Uint8Array,
    options: { headers?: Headers; signal?: AbortSignal } = {},
  ): Promise<PubAck> {
    try {
      const bytes = publishedBytes(topic, payload, this.info?.maxPayload);
      if (this.#state === "closed") throw this.#closedError("The client is closed", "write");
      const old = historyUnsupported(this.#info?.version ?? 2, "publishAcked");
      if (old !== undefined) throw old;
      const connected = this.#state === "connected" && this.#connection !== undefined;
      const publish = this.#acks.add(topic, options.headers ?? EMPTY, bytes, connected, options.signal);
      try {
        this.#send(publish.frame);
      } catch (error) {
        this.#acks.fail(publish.id, error as EnchufeError);
      }
      return publish.acked;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Sends a private message to the user or client with nickname `nick` (unknown: ENOSUCHUSER on 'error'). */
  direct(nick: string, payload: string | Uint8Array, options: { headers?: Headers } = {}): void {
    const bytes = toBytes(payload);
    checkPayloadSize(bytes, this.info?.maxPayload);
    this.#send(
      encodeFrame({ type: "DIRECT", target: nick, headers: options.headers ?? EMPTY, payload: bytes }),
    );
  }

  /**
   * Subscribes to `pattern` (`*`, `>` wildcards; iterate with `for await`). `start` replays the history
   * first (`{ last: N }`, `{ since: POSITION }`, `{ sinceTime: Date }`; the `replayed` event ends it);
   * `group` joins that queue group instead (no replay). After a reconnect it resumes where it stopped.
   */
  subscribe(
    pattern: string,
    options: { group?: string; start?: SubscribeStart } = {},
  ): Subscription<Message> {
    if (options.group !== undefined && options.start !== undefined) {
      throw optionError("start", "cannot be combined with group: queue groups do not replay", options.start);
    }
    const old = options.start && historyUnsupported(this.#info?.version ?? 2, "A subscription's start");
    if (old) throw old;
    return this.#subscribe<Message>(pattern, false, options.group, options.start);
  }

  /** The messages kept on `pattern` from `start` (the last N, since a position or a time), oldest first. */
  history(pattern: string, start: SubscribeStart): Promise<TopicHistory> {
    return readHistory(this, pattern, start);
  }

  /** Answers requests whose name matches `pattern`: iterate and call `respond()` on each. */
  respond(pattern: string): Subscription<IncomingRequest> {
    return this.#subscribe<IncomingRequest>(pattern, true);
  }

  /** A subscription was ended by its owner: forgotten here and on the server. */
  readonly #unsubscribed = (subscription: { readonly sid: number }): void => {
    this.#subscriptions.delete(subscription.sid);
    // Not buffered: after a reconnect the subscription is simply not made again.
    if (this.#state === "connected")
      this.#connection?.write(encodeFrame({ type: "UNSUB", sid: subscription.sid }));
  };

  #subscribe<T extends Delivered>(
    pattern: string,
    responder: boolean,
    group?: string,
    start?: SubscribeStart,
  ): Subscription<T> {
    if (this.#state === "closed") throw new EnchufeError("ECLOSED", "The client is closed", { details: {} });
    const made = { sid: this.#nextId, pattern, responder, group, start };
    const subscription = this.#subscriptions.open<T>(
      made,
      this.options.maxQueuedMessages,
      this.#unsubscribed,
    );
    this.#nextId++;
    // While reconnecting, #resume() subscribes every live subscription.
    if (this.#state === "connected")
      this.#connection?.write(subscription.subscribeFrame(this.#info?.version ?? 1));
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
      checkPayloadSize(payload, this.info?.maxPayload);
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
    return connection.ping();
  }

  /** Flushes, unsubscribes everything, waits for requests in flight, then closes. */
  async drain(): Promise<void> {
    if (this.#state === "connected") await this.flush();
    for (const subscription of [...this.#subscriptions.values()]) subscription.unsubscribe();
    await Promise.allSettled([...this.#requests.inflight(), this.#acks.settled()]);
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
