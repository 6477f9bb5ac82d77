/**
 * The messaging client for programs: publish/subscribe, request/reply and direct messages over the
 * framed protocol (docs/PROTOCOL.md), with automatic reconnection and resubscription.
 *
 * Events: `connected` (WELCOME info), `disconnected` (EnchufeError | undefined), `reconnected` (WELCOME info),
 * `error` (EnchufeError: a server ERR not tied to a request, a full subscription queue...), `closed`.
 */
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { EnchufeError, type ErrorCode } from "../errors.js";
import { findPrefaceEnd } from "../protocol/detect.js";
import {
  CloseReason,
  ErrCode,
  encodeFrame,
  type Frame,
  FrameDecoder,
  type FrameOf,
  type Headers,
  NEED_DATA,
  PREFACE,
  PROTOCOL_VERSION,
  RemoteProtocolError,
  ReplyStatus,
} from "../protocol/frames.js";
import { isValidPattern, isValidTopic, matchTopic, topicProblem } from "../protocol/topics.js";
import { normalizeHost } from "../transport/address.js";
import { dial, mapSocketError, timeoutError } from "../transport/tcp.js";
import { TLS_REQUIRED_LINE, tlsDialOptions } from "../transport/tls.js";
import { mapTlsError } from "../transport/tls-errors.js";
import {
  backoffDelay,
  type ClientOptions,
  type ClientOptionsInput,
  type ReconnectOptions,
  resolveClientOptions,
} from "./options.js";
import { type IncomingRequest, type Message, Subscription } from "./subscription.js";

/** What the server said in WELCOME. */
export type ServerInfo = Omit<FrameOf<"WELCOME">, "type">;

/** A reply to a request. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly payload: Uint8Array;
}

interface PendingRequest {
  readonly name: string;
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: EnchufeError) => void;
  readonly timer: NodeJS.Timeout;
}

type State = "connecting" | "connected" | "reconnecting" | "closed";

const EMPTY: Headers = [];
const TLS_REQUIRED_MARKER = Buffer.from(TLS_REQUIRED_LINE.trim());
const HEADROOM_BYTES = 64 * 1024;

function toBytes(data: string | Uint8Array | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
}

/** The EnchufeError for an ERR frame the server sent. */
function errFrameError(frame: FrameOf<"ERR">): EnchufeError {
  const byCode: Record<number, ErrorCode> = {
    [ErrCode.PROTOCOL]: "EPROTOCOL",
    [ErrCode.TOO_LARGE]: "ETOOLARGE",
    [ErrCode.INVALID_TOPIC]: "EINVALIDTOPIC",
    [ErrCode.DENIED]: "EDENIED",
    [ErrCode.AUTH_FAILED]: "EAUTH",
    [ErrCode.AUTH_REQUIRED]: "EAUTHREQUIRED",
    [ErrCode.NO_SUCH_USER]: "ENORESPONDERS",
    [ErrCode.RATE_LIMIT]: "ERATELIMIT",
    [ErrCode.PLAINTEXT_AUTH]: "EPLAINTEXTAUTH",
  };
  const code = byCode[frame.code] ?? "EPROTOCOL";
  return new EnchufeError(code, `The server answered: ${frame.message}`, {
    details: {
      message: frame.message,
      serverCode: frame.code,
      ref: frame.ref,
      topic: "",
      problem: frame.message,
    },
  });
}

/** A connected messaging client. Create it with `connect(options)`. */
export class EnchufeClient extends EventEmitter {
  readonly options: ClientOptions;
  #state: State = "connecting";
  #socket: Socket | undefined;
  #decoder: FrameDecoder | undefined;
  #beforePreface: Buffer | undefined;
  #info: ServerInfo | undefined;
  #nextSid = 1;
  #nextReqId = 1;
  readonly #subscriptions = new Map<number, Subscription<Message> | Subscription<IncomingRequest>>();
  readonly #pending = new Map<number, PendingRequest>();
  /** Requests not yet settled, for drain(). */
  readonly #inflight = new Set<Promise<Reply>>();
  readonly #pongWaiters: Array<{ resolve: () => void; reject: (error: EnchufeError) => void }> = [];
  /** Frames written while disconnected, sent in order on reconnection. */
  #buffer: Buffer[] = [];
  #bufferedBytes = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #handshake: { resolve: () => void; reject: (error: EnchufeError) => void } | undefined;
  #closeReason: FrameOf<"CLOSE"> | undefined;

  constructor(options: ClientOptions) {
    super();
    this.options = options;
  }

  /** The server's WELCOME (limits, client id, nickname) of the current connection. */
  get info(): ServerInfo | undefined {
    return this.#info;
  }

  get state(): State {
    return this.#state;
  }

  // ---- connection ----

  /** @internal Connects for the first time; rejects on failure (no reconnection for the first attempt). */
  async start(): Promise<void> {
    await this.#open();
    this.#state = "connected";
    this.emit("connected", this.#info);
  }

  async #open(): Promise<void> {
    const { host, port, timeoutMs, signal, tls } = this.options;
    let socket: Socket;
    try {
      socket = await dial({
        host,
        port,
        timeoutMs,
        signal,
        trace: this.options.trace,
        ...(tls === undefined ? {} : tlsDialOptions(tls, normalizeHost(host))),
      });
    } catch (error) {
      throw tls === undefined ? error : mapTlsError(error, { host, port, step: "connect" });
    }
    this.#socket = socket;
    this.#beforePreface = Buffer.alloc(0);
    this.#closeReason = undefined;
    this.#decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 });
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", () => {
      // 'close' follows and decides what to do.
    });
    socket.once("close", () => this.#onClose(socket));
    const welcomed = new Promise<void>((resolve, reject) => {
      this.#handshake = { resolve, reject };
    });
    socket.write(PREFACE);
    socket.write(
      encodeFrame({
        type: "HELLO",
        version: PROTOCOL_VERSION,
        clientName: this.options.name,
        user: this.options.user ?? "",
        password: this.options.password ?? "",
        token: this.options.token ?? "",
      }),
    );
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            this.#handshake?.reject(timeoutError({ host, port, step: "handshake" }, timeoutMs));
            socket.destroy();
          }, timeoutMs)
        : undefined;
    try {
      await welcomed;
    } finally {
      clearTimeout(timer);
      this.#handshake = undefined;
    }
  }

  #onData(chunk: Buffer): void {
    if (this.#beforePreface !== undefined) {
      // Skip the greeting line and any text sent before the server switched to frames.
      const data = this.#beforePreface.length > 0 ? Buffer.concat([this.#beforePreface, chunk]) : chunk;
      const end = findPrefaceEnd(data);
      if (end === -1 && data.includes(TLS_REQUIRED_MARKER)) {
        this.#handshake?.reject(
          new EnchufeError("ETLSPLAIN", "The server speaks TLS: connect with tls options", {
            details: { address: `${this.options.host}:${this.options.port}`, message: "TLS required" },
          }),
        );
        this.#socket?.destroy();
        return;
      }
      if (end === -1) {
        this.#beforePreface = data.length > HEADROOM_BYTES ? data.subarray(data.length - 8) : data;
        return;
      }
      this.#beforePreface = undefined;
      chunk = data.subarray(end);
      if (chunk.length === 0) return;
    }
    const decoder = this.#decoder;
    if (decoder === undefined) return;
    decoder.push(chunk);
    for (;;) {
      let frame: Frame | typeof NEED_DATA;
      try {
        frame = decoder.next();
      } catch (error) {
        if (error instanceof RemoteProtocolError) {
          this.emit("error", error);
          this.#socket?.destroy();
          return;
        }
        throw error;
      }
      if (frame === NEED_DATA) break;
      this.#onFrame(frame);
    }
  }

  #onFrame(frame: Frame): void {
    switch (frame.type) {
      case "WELCOME": {
        const { type: _type, ...info } = frame;
        this.#info = info;
        this.#handshake?.resolve();
        return;
      }
      case "MSG":
        this.#deliver(frame);
        return;
      case "REQMSG":
        this.#deliverRequest(frame);
        return;
      case "REPLY":
        this.#settle(frame);
        return;
      case "PING":
        this.#socket?.write(encodeFrame({ type: "PONG" }));
        return;
      case "PONG":
        this.#pongWaiters.shift()?.resolve();
        return;
      case "ERR": {
        const error = errFrameError(frame);
        const pending = this.#pending.get(frame.ref);
        const subscription = this.#subscriptions.get(frame.ref);
        const aboutSubscription =
          frame.code === ErrCode.DENIED || frame.code === ErrCode.DUPLICATE_SID || pending === undefined;
        if (frame.ref !== 0 && subscription !== undefined && aboutSubscription) {
          this.#subscriptions.delete(frame.ref);
          subscription.fail(error);
          this.emit("error", error);
        } else if (frame.ref !== 0 && pending !== undefined) {
          this.#pending.delete(frame.ref);
          clearTimeout(pending.timer);
          pending.reject(error);
        } else if (this.#handshake !== undefined) {
          this.#handshake.reject(error);
        } else {
          this.emit("error", error);
        }
        return;
      }
      case "CLOSE":
        this.#closeReason = frame;
        if (this.#handshake !== undefined) {
          const code: ErrorCode = frame.reason === CloseReason.AUTH_FAILED ? "EAUTH" : "ESERVERCLOSED";
          this.#handshake.reject(
            new EnchufeError(code, `The server closed the connection: ${frame.message}`, {
              details: { message: frame.message, reason: frame.reason },
            }),
          );
        }
        return;
      default:
        return;
    }
  }

  #deliver(frame: FrameOf<"MSG">): void {
    const message: Message = {
      topic: frame.topic,
      from: frame.from,
      headers: frame.headers,
      payload: frame.payload,
      private: frame.private,
    };
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.responder) continue;
      // Direct messages go to every plain subscription of this client; topics are matched here,
      // since the server sends each message once per connection (docs/PROTOCOL.md).
      if (!frame.private && !matchTopic(subscription.pattern, frame.topic)) continue;
      if (!(subscription as Subscription<Message>).queue.push(message)) this.#queueFull(subscription);
    }
  }

  #deliverRequest(frame: FrameOf<"REQMSG">): void {
    const socket = this.#socket;
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
        if (socket !== this.#socket || socket === undefined) return;
        socket.write(
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
    for (const subscription of this.#subscriptions.values()) {
      if (!subscription.responder || !matchTopic(subscription.pattern, frame.name)) continue;
      if (!(subscription as Subscription<IncomingRequest>).queue.push(request)) this.#queueFull(subscription);
      return;
    }
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

  #settle(frame: FrameOf<"REPLY">): void {
    const pending = this.#pending.get(frame.reqId);
    if (pending === undefined) return;
    this.#pending.delete(frame.reqId);
    clearTimeout(pending.timer);
    const details = { name: pending.name, message: Buffer.from(frame.payload).toString("utf8") };
    if (frame.status === ReplyStatus.OK) {
      pending.resolve({ status: frame.status, headers: frame.headers, payload: frame.payload });
    } else if (frame.status === ReplyStatus.NO_RESPONDERS) {
      pending.reject(new EnchufeError("ENORESPONDERS", `No responder for ${pending.name}`, { details }));
    } else if (frame.status === ReplyStatus.TIMEOUT) {
      pending.reject(
        new EnchufeError("ETIMEDOUT", `Request ${pending.name} timed out`, {
          details: { ...details, step: "request", address: pending.name, seconds: "" },
        }),
      );
    } else if (frame.status === ReplyStatus.DENIED) {
      pending.reject(new EnchufeError("EDENIED", `Request ${pending.name} denied`, { details }));
    } else {
      pending.reject(new EnchufeError("EREQUESTFAILED", `Request ${pending.name} failed`, { details }));
    }
  }

  #onClose(socket: Socket): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    this.#decoder = undefined;
    const closeFrame = this.#closeReason;
    const error =
      closeFrame === undefined
        ? new EnchufeError("ECLOSED", "The connection closed", {
            details: { address: `${this.options.host}:${this.options.port}`, step: "read" },
          })
        : new EnchufeError(
            closeFrame.reason === CloseReason.SLOW_CONSUMER ? "ESLOWCONSUMER" : "ESERVERCLOSED",
            `The server closed the connection: ${closeFrame.message}`,
            { details: { message: closeFrame.message, reason: closeFrame.reason } },
          );
    this.#handshake?.reject(error);
    for (const waiter of this.#pongWaiters.splice(0)) waiter.reject(error);
    // Requests in flight may or may not have been processed: fail them (at most once).
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    if (this.#state !== "connected") return;
    this.emit("disconnected", error);
    const fatal = closeFrame !== undefined && closeFrame.reason === CloseReason.AUTH_FAILED;
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
        new EnchufeError("ECLOSED", `Gave up reconnecting after ${reconnect.maxAttempts} attempts`, {
          details: { address: `${this.options.host}:${this.options.port}`, step: "connect" },
        }),
      );
      this.#finish();
      return;
    }
    const delay = backoffDelay(reconnect, attempt, this.options.random);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#open().then(
        () => this.#resume(),
        () => {
          if (this.#state === "reconnecting") this.#scheduleReconnect(reconnect, attempt + 1);
        },
      );
    }, delay);
  }

  /** After a reconnection: subscribe again, send what was buffered, in order. */
  #resume(): void {
    if (this.#state !== "reconnecting") {
      this.#socket?.destroy();
      return;
    }
    const socket = this.#socket!;
    this.#state = "connected";
    socket.cork();
    for (const subscription of this.#subscriptions.values()) {
      socket.write(
        encodeFrame({
          type: "SUB",
          sid: subscription.sid,
          pattern: subscription.pattern,
          responder: subscription.responder,
        }),
      );
    }
    for (const frame of this.#buffer) socket.write(frame);
    socket.uncork();
    this.#buffer = [];
    this.#bufferedBytes = 0;
    this.emit("reconnected", this.#info);
  }

  #finish(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    for (const subscription of this.#subscriptions.values()) subscription.queue.end();
    this.#subscriptions.clear();
    const error = new EnchufeError("ECLOSED", "The client is closed", { details: { step: "write" } });
    for (const waiter of this.#pongWaiters.splice(0)) waiter.reject(error);
    this.#buffer = [];
    this.emit("closed");
  }

  /** Sends a frame now, or buffers it while reconnecting (bounded: EBUFFERFULL past the limits). */
  #send(frame: Buffer): void {
    if (this.#state === "connected" && this.#socket !== undefined) {
      this.#socket.write(frame);
      return;
    }
    if (this.#state === "closed") {
      throw new EnchufeError("ECLOSED", "The client is closed", {
        details: { address: `${this.options.host}:${this.options.port}`, step: "write" },
      });
    }
    const { maxBufferedMessages, maxBufferedBytes } = this.options;
    if (this.#buffer.length >= maxBufferedMessages || this.#bufferedBytes + frame.length > maxBufferedBytes) {
      throw new EnchufeError("EBUFFERFULL", "Too many messages buffered while disconnected", {
        details: { limit: `${maxBufferedMessages} / ${maxBufferedBytes} bytes` },
      });
    }
    this.#buffer.push(frame);
    this.#bufferedBytes += frame.length;
  }

  // ---- public API ----

  /** Publishes `payload` to `topic` (a room is a topic). Buffered while reconnecting. */
  publish(topic: string, payload: string | Uint8Array, options: { headers?: Headers } = {}): void {
    const problem = topicProblem(topic, false);
    if (problem !== undefined) {
      throw new EnchufeError("EINVALIDTOPIC", `Topic '${topic}' ${problem}`, { details: { topic, problem } });
    }
    const bytes = toBytes(payload);
    this.#checkSize(bytes);
    this.#send(encodeFrame({ type: "PUB", topic, headers: options.headers ?? EMPTY, payload: bytes }));
  }

  /** Sends a private message to the user or client with nickname `nick`. */
  direct(nick: string, payload: string | Uint8Array, options: { headers?: Headers } = {}): void {
    const bytes = toBytes(payload);
    this.#checkSize(bytes);
    this.#send(
      encodeFrame({ type: "DIRECT", target: nick, headers: options.headers ?? EMPTY, payload: bytes }),
    );
  }

  #checkSize(bytes: Uint8Array): void {
    const max = this.#info?.maxPayload;
    if (max !== undefined && bytes.length > max) {
      throw new EnchufeError("ETOOLARGE", `Payload of ${bytes.length} bytes is over the server's ${max}`, {
        details: { limit: max },
      });
    }
  }

  /** Subscribes to `pattern` (`*` one token, `>` the rest). Iterate the result with `for await`. */
  subscribe(pattern: string): Subscription<Message> {
    return this.#subscribe<Message>(pattern, false);
  }

  /** Answers requests whose name matches `pattern`: iterate and call `respond()` on each. */
  respond(pattern: string): Subscription<IncomingRequest> {
    return this.#subscribe<IncomingRequest>(pattern, true);
  }

  #subscribe<T extends Message | IncomingRequest>(pattern: string, responder: boolean): Subscription<T> {
    if (!isValidPattern(pattern)) {
      const problem = topicProblem(pattern, true) ?? "";
      throw new EnchufeError("EINVALIDTOPIC", `Pattern '${pattern}' ${problem}`, {
        details: { topic: pattern, problem },
      });
    }
    if (this.#state === "closed") throw new EnchufeError("ECLOSED", "The client is closed", { details: {} });
    const sid = this.#nextSid++;
    const subscription = new Subscription<T>(sid, pattern, responder, this.options.maxQueuedMessages, (s) => {
      this.#subscriptions.delete(s.sid);
      if (this.#state === "connected") this.#socket?.write(encodeFrame({ type: "UNSUB", sid: s.sid }));
    });
    // T is Message or IncomingRequest, matching the responder flag the dispatcher checks.
    this.#subscriptions.set(
      sid,
      subscription as unknown as Subscription<Message> | Subscription<IncomingRequest>,
    );
    // While reconnecting, #resume() subscribes every live subscription.
    if (this.#state === "connected")
      this.#socket?.write(encodeFrame({ type: "SUB", sid, pattern, responder }));
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
    if (!isValidTopic(name)) {
      const problem = topicProblem(name, false) ?? "";
      return Promise.reject(
        new EnchufeError("EINVALIDTOPIC", `Request name '${name}' ${problem}`, {
          details: { topic: name, problem },
        }),
      );
    }
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    const reqId = this.#nextReqId++;
    const payload = toBytes(data);
    const promise = new Promise<Reply>((resolve, reject) => {
      const fail = (error: EnchufeError) => {
        if (this.#pending.delete(reqId)) {
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          reject(error);
        }
      };
      const onAbort = () =>
        fail(new EnchufeError("EABORTED", "The request was aborted", { details: { name } }));
      // The client keeps its own timer a little longer than the server's, so the server's TIMEOUT reply wins.
      const timer = setTimeout(
        () =>
          fail(
            new EnchufeError("ETIMEDOUT", `Request ${name} timed out after ${timeoutMs} ms`, {
              details: { name, step: "request", address: name, seconds: timeoutMs / 1000 },
            }),
          ),
        timeoutMs + 250,
      );
      this.#pending.set(reqId, {
        name,
        timer,
        resolve: (reply) => {
          options.signal?.removeEventListener("abort", onAbort);
          resolve(reply);
        },
        reject: (error) => {
          options.signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      options.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        this.#checkSize(payload);
        this.#send(
          encodeFrame({ type: "REQ", reqId, name, timeoutMs, headers: options.headers ?? EMPTY, payload }),
        );
      } catch (error) {
        fail(error as EnchufeError);
      }
    });
    this.#inflight.add(promise);
    const forget = () => this.#inflight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Resolves once the server has processed everything sent before (a PING/PONG round trip). */
  flush(): Promise<void> {
    if (this.#state !== "connected" || this.#socket === undefined) {
      return Promise.reject(
        new EnchufeError("ECLOSED", "Not connected", {
          details: { address: `${this.options.host}:${this.options.port}`, step: "write" },
        }),
      );
    }
    const socket = this.#socket;
    return new Promise((resolve, reject) => {
      this.#pongWaiters.push({ resolve, reject });
      socket.write(encodeFrame({ type: "PING" }));
    });
  }

  /** Flushes, unsubscribes everything, waits for requests in flight, then closes. */
  async drain(): Promise<void> {
    if (this.#state === "connected") await this.flush();
    for (const subscription of [...this.#subscriptions.values()]) subscription.unsubscribe();
    await Promise.allSettled([...this.#inflight]);
    if (this.#state === "connected") await this.flush().catch(() => {});
    await this.close();
  }

  /** Closes now: pending requests fail with ECLOSED, iterations end. */
  async close(): Promise<void> {
    const socket = this.#socket;
    this.#finish();
    if (socket !== undefined && !socket.destroyed) {
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      socket.end(encodeFrame({ type: "CLOSE", reason: CloseReason.NORMAL, message: "" }));
      const timer = setTimeout(() => socket.destroy(), 1000);
      await closed;
      clearTimeout(timer);
    }
  }
}

/** Connects to an enchufe server in framed mode; resolves once the handshake is done. */
export async function connect(options: ClientOptionsInput = {}): Promise<EnchufeClient> {
  const client = new EnchufeClient(resolveClientOptions(options));
  try {
    await client.start();
  } catch (error) {
    await client.close();
    throw error instanceof EnchufeError
      ? error
      : mapSocketError(error, {
          host: options.host ?? "127.0.0.1",
          port: options.port ?? 5000,
          step: "handshake",
        });
  }
  return client;
}
