/**
 * A program speaking binary frames (docs/PROTOCOL.md §2). States: PREFACE (collecting the 4-byte
 * preface) -> HANDSHAKE (waiting for HELLO) -> READY -> CLOSED.
 */

import type { Socket } from "node:net";
import { canSubscribe } from "../auth/permissions.js";
import type { TokenBucket } from "../auth/throttle.js";
import {
  CloseReason,
  ErrCode,
  encodeFrame,
  type Frame,
  FrameDecoder,
  type Headers,
  NEED_DATA,
  PREFACE,
  PROTOCOL_VERSION,
  RemoteProtocolError,
  ReplyStatus,
} from "../protocol/frames.js";
import { nickProblem } from "../protocol/names.js";
import { isValidPattern, isValidTopic } from "../protocol/topics.js";
import type { Broker } from "./broker.js";
import type { Delivery } from "./delivery.js";
import { FRAME_OVERHEAD_BYTES, type MessagingOptions, pingIntervalMs } from "./limits.js";
import { type DisconnectReason, Session, type SessionOwner } from "./session.js";

type FramedState = "PREFACE" | "HANDSHAKE" | "AUTHENTICATING" | "READY" | "CLOSED";

interface Subscription {
  readonly pattern: string;
  readonly responder: boolean;
}

const PING_FRAME = encodeFrame({ type: "PING" });
const PONG_FRAME = encodeFrame({ type: "PONG" });

export class FramedSession extends Session {
  readonly #options: MessagingOptions;
  readonly #decoder: FrameDecoder;
  readonly #subscriptions = new Map<number, Subscription>();
  #state: FramedState = "PREFACE";
  #preface: Buffer = Buffer.alloc(0);
  #handshakeTimer: NodeJS.Timeout | undefined;
  clientName = "";
  /** Frames received while HELLO's credentials are checked; processed in order afterwards. */
  #queued: Frame[] = [];
  /** The last PUB topic found valid (publishers repeat topics: the check runs once per change). */
  #lastValidTopic = "";
  readonly #rate: TokenBucket | undefined;

  constructor(
    socket: Socket,
    info: { id: string; remoteAddress?: string | undefined; remotePort?: number | undefined },
    broker: Broker,
    options: MessagingOptions,
    owner: SessionOwner,
  ) {
    super(socket, info, options.maxPendingBytes, owner, broker);
    this.#options = options;
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxPayloadBytes + FRAME_OVERHEAD_BYTES });
    this.#rate = options.security?.messageLimiter();
    if (options.handshakeTimeoutMs > 0) {
      this.#handshakeTimer = setTimeout(handshakeExpired, options.handshakeTimeoutMs, this);
      this.#handshakeTimer.unref();
    }
  }

  get mode(): "framed" {
    return "framed";
  }

  get room(): string | undefined {
    return undefined;
  }

  get state(): FramedState {
    return this.#state;
  }

  /** Bytes from the client (the first chunk starts with the preface). */
  receive(chunk: Buffer): void {
    if (!this.isOpen) return;
    if (this.#state === "PREFACE") {
      this.#preface = Buffer.concat([this.#preface, chunk]);
      if (this.#preface.length < PREFACE.length) return;
      if (!this.#preface.subarray(0, PREFACE.length).equals(PREFACE)) {
        this.endReason = "protocol-error";
        this.socket.destroy();
        return;
      }
      chunk = this.#preface.subarray(PREFACE.length);
      this.#preface = Buffer.alloc(0);
      this.#state = "HANDSHAKE";
      this.write(PREFACE);
      if (chunk.length === 0) return;
    }
    this.#decoder.push(chunk);
    for (;;) {
      let frame: Frame | typeof NEED_DATA;
      try {
        frame = this.#decoder.next();
      } catch (error) {
        if (error instanceof RemoteProtocolError) {
          this.fail(error.errCode, error.closeReason, error.message);
          return;
        }
        throw error;
      }
      if (frame === NEED_DATA) break;
      this.#onFrame(frame);
    }
  }

  /** Sends ERR then CLOSE and ends the session (a broken rule or limit). */
  fail(code: number, reason: number, message: string, ref = 0): void {
    if (!this.isOpen) return;
    this.write(encodeFrame({ type: "ERR", code, ref, message }));
    this.close(reason, message);
  }

  /** Sends CLOSE with `reason` and ends the session. */
  close(reason: number, message: string): void {
    this.#state = "CLOSED";
    this.#clearHandshakeTimer();
    this.finish(disconnectReasonOf(reason), encodeFrame({ type: "CLOSE", reason, message }));
  }

  deliver(delivery: Delivery): void {
    if (this.#state === "READY") this.write(delivery.frame(), true);
  }

  /** A request routed to this responder. */
  deliverRequest(token: string, name: string, from: string, headers: Headers, payload: Uint8Array): void {
    this.write(encodeFrame({ type: "REQMSG", token, name, from, headers, payload }));
  }

  /** The answer to this client's request `reqId`. */
  reply(reqId: number, status: number, headers: Headers, payload: Uint8Array): void {
    this.write(encodeFrame({ type: "REPLY", reqId, status, headers, payload }));
  }

  shutdown(): void {
    this.close(CloseReason.SHUTDOWN, "server shutting down");
  }

  checkIdle(now: number, idleTimeoutMs: number, pingEveryMs: number): void {
    const silence = now - this.lastSeen;
    if (silence >= idleTimeoutMs) this.close(CloseReason.IDLE, "idle timeout");
    else if (this.#state === "READY" && silence >= pingEveryMs && !this.pinged) {
      this.pinged = true;
      this.write(PING_FRAME);
    }
  }

  /** Leaves every subscription and the nickname registry (on close). */
  detach(): void {
    this.#clearHandshakeTimer();
    this.#state = "CLOSED";
    for (const subscription of this.#subscriptions.values()) {
      this.broker.unsubscribe(this, subscription.pattern, subscription.responder);
    }
    this.#subscriptions.clear();
    this.broker.responderGone(this);
    if (this.nick !== "") this.broker.unregister(this);
  }

  handshakeExpired(): void {
    this.#handshakeTimer = undefined;
    if (this.#state === "HANDSHAKE" || this.#state === "PREFACE") {
      this.close(CloseReason.HANDSHAKE_TIMEOUT, "no HELLO in time");
    }
  }

  #clearHandshakeTimer(): void {
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
  }

  #onFrame(frame: Frame): void {
    if (this.#state === "CLOSED" || !this.isOpen) return;
    if (this.#state === "AUTHENTICATING") {
      if (this.#queued.length >= 1024) {
        this.fail(
          ErrCode.RATE_LIMIT,
          CloseReason.RATE_LIMIT,
          "too many frames before the handshake finished",
        );
        return;
      }
      this.#queued.push(frame);
      return;
    }
    if (this.#rate !== undefined && !this.#rate.take()) {
      this.fail(ErrCode.RATE_LIMIT, CloseReason.RATE_LIMIT, "too many messages: slow down");
      return;
    }
    if (this.#state === "HANDSHAKE") {
      if (frame.type === "HELLO") {
        this.#hello(frame);
        return;
      }
      if (frame.type === "CLOSE") {
        this.#peerClosed();
        return;
      }
      this.fail(ErrCode.NOT_READY, CloseReason.PROTOCOL_ERROR, `${frame.type} before HELLO`);
      return;
    }
    if ("payload" in frame && frame.payload.length > this.#options.maxPayloadBytes) {
      this.#tooLarge();
      return;
    }
    switch (frame.type) {
      case "PUB":
        if (frame.topic !== this.#lastValidTopic) {
          if (!isValidTopic(frame.topic)) {
            this.#invalidTopic(frame.topic, 0);
            return;
          }
          this.#lastValidTopic = frame.topic;
        }
        if (!this.mayPublish(frame.topic)) {
          this.#denied(`may not publish to ${frame.topic}`, 0);
          return;
        }
        this.broker.publish(frame.topic, this.nick, frame.headers, frame.payload, this);
        return;
      case "SUB": {
        this.#subscribe(frame.sid, frame.pattern, frame.responder);
        return;
      }
      case "UNSUB": {
        const subscription = this.#subscriptions.get(frame.sid);
        if (subscription === undefined) return;
        this.#subscriptions.delete(frame.sid);
        this.broker.unsubscribe(this, subscription.pattern, subscription.responder);
        return;
      }
      case "REQ":
        if (!isValidTopic(frame.name)) {
          this.#invalidTopic(frame.name, frame.reqId);
          return;
        }
        if (!this.mayPublish(frame.name)) {
          this.reply(frame.reqId, ReplyStatus.DENIED, [], Buffer.from(`may not request ${frame.name}`));
          return;
        }
        this.broker.request(this, frame.reqId, frame.name, frame.timeoutMs, frame.headers, frame.payload);
        return;
      case "RESPOND":
        this.broker.respond(this, frame.token, frame.status, frame.headers, frame.payload);
        return;
      case "DIRECT": {
        const sent = this.broker.direct(frame.target, this.nick, frame.headers, frame.payload);
        if (sent === false) this.#noSuchUser(frame.target);
        else if (sent !== true) sent.then((found) => found || this.#noSuchUser(frame.target));
        return;
      }
      case "PING": {
        // In a cluster PONG also means the subscriptions before it reached the other nodes.
        const barrier = this.broker.barrier();
        if (barrier === undefined) this.write(PONG_FRAME);
        else barrier.then(() => this.write(PONG_FRAME));
        return;
      }
      case "PONG":
        return;
      case "CLOSE": {
        this.#peerClosed();
        return;
      }
      default: {
        this.fail(ErrCode.PROTOCOL, CloseReason.PROTOCOL_ERROR, `unexpected ${frame.type} from a client`);
        return;
      }
    }
  }

  #hello(frame: Extract<Frame, { type: "HELLO" }>): void {
    if (frame.version !== PROTOCOL_VERSION) {
      this.fail(
        ErrCode.PROTOCOL,
        CloseReason.PROTOCOL_ERROR,
        `unsupported protocol version ${frame.version}`,
      );
      return;
    }
    this.#clearHandshakeTimer();
    this.clientName = frame.clientName;
    const security = this.#options.security;
    const identity = security?.certificateIdentity(this.socket);
    if (identity !== undefined) {
      this.user = identity.user;
      this.permissions = identity.permissions;
    } else if (security !== undefined) {
      this.permissions = security.guest;
    }
    const hasCredentials = frame.token !== "" || frame.user !== "" || frame.password !== "";
    if (
      security === undefined ||
      (!hasCredentials && (identity !== undefined || !security.options.requireAuth))
    ) {
      this.#welcome();
      return;
    }
    if (!hasCredentials) {
      this.fail(ErrCode.AUTH_REQUIRED, CloseReason.AUTH_FAILED, "this server requires authentication");
      return;
    }
    this.#state = "AUTHENTICATING";
    const credentials = { user: frame.user, password: frame.password, token: frame.token };
    security.login(credentials, this.socket, this.remoteAddress).then(
      (outcome) => {
        if (!this.isOpen) return;
        if (!outcome.ok) {
          const message =
            outcome.code === "EPLAINTEXTAUTH"
              ? "credentials are refused on an unencrypted connection: use TLS"
              : outcome.code === "ERATELIMIT"
                ? "too many failed logins from your address: wait and try again"
                : "authentication failed";
          const code =
            outcome.code === "ERATELIMIT"
              ? ErrCode.RATE_LIMIT
              : outcome.code === "EPLAINTEXTAUTH"
                ? ErrCode.PLAINTEXT_AUTH
                : ErrCode.AUTH_FAILED;
          this.fail(code, CloseReason.AUTH_FAILED, message);
          return;
        }
        this.user = outcome.user;
        this.permissions = outcome.permissions;
        this.#welcome();
      },
      (error: unknown) => this.owner.sessionFailed(this, error),
    );
  }

  #welcome(): void {
    const named = this.broker.register(
      this,
      nickProblem(this.clientName) === undefined ? this.clientName : undefined,
    );
    if (typeof named === "string") {
      this.#ready();
      return;
    }
    // A cluster claims the nickname on every node first; frames that arrive meanwhile wait in order.
    this.#state = "AUTHENTICATING";
    named.then(
      () => {
        if (this.isOpen) this.#ready();
      },
      (error: unknown) => this.owner.sessionFailed(this, error),
    );
  }

  #ready(): void {
    this.#state = "READY";
    this.write(
      encodeFrame({
        type: "WELCOME",
        version: PROTOCOL_VERSION,
        clientId: this.id,
        nick: this.nick,
        serverName: this.#options.serverName,
        maxPayload: this.#options.maxPayloadBytes,
        maxPending: this.#options.maxPendingBytes,
        pingIntervalMs: pingIntervalMs(this.#options),
        idleTimeoutMs: this.#options.idleTimeoutMs,
      }),
    );
    const queued = this.#queued;
    this.#queued = [];
    for (const next of queued) this.#onFrame(next);
  }

  #subscribe(sid: number, pattern: string, responder: boolean): void {
    if (!isValidPattern(pattern)) {
      this.#invalidTopic(pattern, sid);
      return;
    }
    if (!canSubscribe(this.permissions, pattern)) {
      this.#denied(`may not subscribe to ${pattern}`, sid);
      return;
    }
    if (this.#subscriptions.has(sid)) {
      this.write(
        encodeFrame({ type: "ERR", code: ErrCode.DUPLICATE_SID, ref: sid, message: `sid ${sid} is in use` }),
      );
      return;
    }
    this.#subscriptions.set(sid, { pattern, responder });
    this.broker.subscribe(this, pattern, responder);
  }

  #noSuchUser(target: string): void {
    this.write(
      encodeFrame({ type: "ERR", code: ErrCode.NO_SUCH_USER, ref: 0, message: `no client named ${target}` }),
    );
  }

  #denied(message: string, ref: number): void {
    this.write(encodeFrame({ type: "ERR", code: ErrCode.DENIED, ref, message }));
  }

  #invalidTopic(topic: string, ref: number): void {
    this.write(
      encodeFrame({
        type: "ERR",
        code: ErrCode.INVALID_TOPIC,
        ref,
        message: `invalid topic or pattern '${topic}'`,
      }),
    );
  }

  #tooLarge(): void {
    this.fail(
      ErrCode.TOO_LARGE,
      CloseReason.TOO_LARGE,
      `payload over ${this.#options.maxPayloadBytes} bytes`,
    );
  }

  #peerClosed(): void {
    this.#state = "CLOSED";
    this.finish("closed", undefined);
  }
}

function handshakeExpired(session: FramedSession): void {
  session.handshakeExpired();
}

function disconnectReasonOf(reason: number): DisconnectReason {
  switch (reason) {
    case CloseReason.SHUTDOWN:
      return "shutdown";
    case CloseReason.IDLE:
      return "idle";
    case CloseReason.SLOW_CONSUMER:
      return "slow-consumer";
    case CloseReason.TOO_LARGE:
      return "too-large";
    case CloseReason.HANDSHAKE_TIMEOUT:
      return "handshake-timeout";
    case CloseReason.SERVER_FULL:
      return "server-full";
    case CloseReason.PROTOCOL_ERROR:
      return "protocol-error";
    default:
      return "closed";
  }
}
