/**
 * A program speaking binary frames (docs/PROTOCOL.md §2). States: PREFACE (collecting the 4-byte
 * preface) -> HANDSHAKE (waiting for HELLO) -> AUTHENTICATING (credentials or the cluster-wide
 * nickname being checked; frames wait in order) -> READY -> CLOSED.
 *
 * The session runs the decoder loop: decoder.next() is the only call inside the try that turns a
 * RemoteProtocolError into the ERR and CLOSE it carries. Frame handling runs outside it, so a bug of
 * ours is never reported as the client's fault (the owner logs it; the client gets SERVER_ERROR).
 */
import type { TokenBucket } from "../../auth/throttle.js";
import {
  CloseReason,
  ErrCode,
  type Frame,
  FrameDecoder,
  type Headers,
  NEED_DATA,
  nextFrame,
  type PayloadSource,
  type PlainRecord,
  PUB_READ,
  plainRecord,
  REQ_READ,
  RESPOND_READ,
  RemoteProtocolError,
  ReplyStatus,
} from "../../protocol/frames.js";
import { type RequestNames, requestNames } from "../../protocol/request-frames.js";
import { tokenOf } from "../../protocol/tokens.js";
import { isValidTopic } from "../../protocol/topics.js";
import type { Connection } from "../../transport/connection.js";
import { FRAME_OVERHEAD_BYTES, type ResolvedMessagingOptions } from "../limits.js";
import type { Delivery } from "../routing/delivery.js";
import type { Subscriber } from "../routing/interfaces.js";
import type { Router } from "../routing/router.js";
import { type Identity, Session, type SessionOwner } from "../session.js";
import { closeFrame, disconnectReasonOf, errFrame, PING_FRAME, PONG_FRAME, quote } from "./answers.js";
import { afterPreface, HandshakeDeadline, type HandshakeSession, hello } from "./handshake.js";
import { allowsVersion2, HistoryLink, type HistorySession } from "./history-link.js";
import { writePlainReply, writeReply, writeRequestMessage } from "./request-writes.js";
import { SessionSubscriptions } from "./session-subscriptions.js";

export type FramedState = "PREFACE" | "HANDSHAKE" | "AUTHENTICATING" | "READY" | "CLOSED";

/** Frames a client may send before the handshake finished, waiting for it. */
const MAX_QUEUED = 1024;
const NO_HEADERS: Headers = [];

export class FramedSession extends Session implements Subscriber, HandshakeSession, HistorySession {
  readonly #decoder: FrameDecoder;
  readonly #subscriptions: SessionSubscriptions;
  state: FramedState = "PREFACE";
  /** The preface's first bytes while it comes in pieces (handshake.ts afterPreface). */
  preface: Buffer | undefined;
  readonly #deadline: HandshakeDeadline;
  clientName = "";
  version = 1;
  /** Frames received while the handshake finishes; processed in order afterwards. */
  #queued: Frame[] = [];
  /** The last PUB topic or REQ name found valid (clients repeat them: the check runs once per change). */
  #lastValidTopic = "";
  readonly #rate: TokenBucket | undefined;
  /** Where the decoder reads a plain REQ or RESPOND (no frame object for them); made when READY. */
  #record: PlainRecord | undefined;
  /** The last REQMSG's name and from, encoded once while they repeat (a responder's; made on first use). */
  #names: RequestNames | undefined;
  /** APUB and RSUB (version 2), made on first use. */
  #history: HistoryLink | undefined;

  constructor(
    connection: Connection,
    id: string,
    identity: Identity,
    router: Router,
    options: ResolvedMessagingOptions,
    owner: SessionOwner,
    /** True when the transport has no preface (WebSocket enchufe.v1): the session starts at HANDSHAKE. */
    afterPreface = false,
  ) {
    super(connection, id, identity, options, owner, router);
    if (afterPreface) this.state = "HANDSHAKE";
    this.#subscriptions = new SessionSubscriptions(this, router);
    this.#decoder = new FrameDecoder({ maxFrameBytes: options.maxPayloadBytes + FRAME_OVERHEAD_BYTES });
    this.#rate = options.security.messageLimiter();
    this.#deadline = new HandshakeDeadline(this, options.handshakeTimeoutMs);
  }

  get mode(): "framed" {
    return "framed";
  }

  get room(): string | undefined {
    return undefined;
  }

  override get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** The router (handshake.ts registers the nickname through it). */
  routerOf(): Router {
    return this.router;
  }

  /** Bytes from the client (the first chunk starts with the preface). */
  receive(chunk: Buffer): void {
    if (!this.isOpen) return;
    if (this.state === "PREFACE") {
      const rest = afterPreface(this, chunk);
      if (rest === undefined) return;
      chunk = rest;
    }
    const decoder = this.#decoder;
    decoder.push(chunk);
    for (;;) {
      const frame = nextFrame(decoder, this.#record);
      if (frame === NEED_DATA) return;
      if (frame === PUB_READ) {
        // A plain PUB of a READY session (the busiest frame), read into the record: no frame object.
        const read = this.#record!;
        if (this.#admitted(read.payload)) this.#publish(read.name, NO_HEADERS, read.payload);
      } else if (frame === REQ_READ || frame === RESPOND_READ) {
        // A plain REQ or RESPOND of a READY session, read into the record (no frame object).
        const read = this.#record!;
        if (!this.#admittedLength(read.payloadLength)) return;
        if (frame === RESPOND_READ) this.router.respond(this, read.token, read.status, NO_HEADERS, read);
        else this.#request(read.reqId, read.name, read.timeoutMs, NO_HEADERS, read);
      } else if (frame instanceof RemoteProtocolError) {
        this.fail(frame.errCode, frame.closeReason, frame.message);
        return;
      } else if (frame.type === "PUB" && this.state === "READY") {
        if (this.#admitted(frame.payload)) this.#publish(frame.topic, frame.headers, frame.payload);
      } else this.handle(frame);
      if (!this.isOpen) return;
    }
  }

  /** Sends ERR then CLOSE and ends the session (a broken rule or limit). */
  fail(code: number, reason: number, message: string, ref = 0): void {
    if (!this.isOpen) return;
    this.write(errFrame(code, ref, message));
    this.close(reason, message);
  }

  /** Sends CLOSE with `reason` and ends the session. */
  close(reason: number, message: string): void {
    this.state = "CLOSED";
    this.#deadline.clear();
    this.finish(disconnectReasonOf(reason), closeFrame(reason, message));
  }

  /** An ERR that does not end the session. */
  err(code: number, ref: number, message: string): void {
    this.write(errFrame(code, ref, message));
  }

  /** Subscriber: a READY version-1 client is written each batch's MSG frames (deliver). */
  get takesFrames(): boolean {
    return this.state === "READY" && this.version === 1;
  }

  deliver(delivery: Delivery): void {
    if (this.state !== "READY") return;
    this.messagesOut += delivery.count;
    this.write(this.version === 1 ? delivery.frame() : delivery.positionedFrame(), true);
  }

  deliverGroup(frames: Buffer, count: number): void {
    if (this.state !== "READY") return;
    this.messagesOut += count;
    // Batched, but this member's own frames (no other recipient): not shared, a WebSocket frames them here.
    this.write(frames, true, false);
  }

  deliverRequest(token: number, name: string, from: string, headers: Headers, payload: PayloadSource): void {
    this.messagesOut++;
    this.#names ??= requestNames();
    writeRequestMessage(this, this.#names, token, name, from, headers, payload);
  }

  /** The answer to this client's request `reqId`. */
  reply(reqId: number, status: number, headers: Headers, payload: Uint8Array): void {
    writeReply(this, reqId, status, headers, payload);
  }

  /** reply() for a plain RESPOND read in place (Requester.replyFrom): its payload copied from its body. */
  replyFrom(reqId: number, status: number, source: PlainRecord): void {
    writePlainReply(this, reqId, status, source);
  }

  shutdown(): void {
    this.close(CloseReason.SHUTDOWN, "server shutting down");
  }

  checkIdle(now: number, idleTimeoutMs: number, pingEveryMs: number): void {
    const silence = now - this.lastSeen;
    if (silence >= idleTimeoutMs) this.close(CloseReason.IDLE, "idle timeout");
    else if (this.state === "READY" && silence >= pingEveryMs && !this.pinged) {
      this.pinged = true;
      this.write(PING_FRAME);
    }
  }

  /** Leaves every subscription and the nickname registry. Safe to call twice. */
  detach(): void {
    this.#deadline.clear();
    this.state = "CLOSED";
    this.#subscriptions.leaveAll();
    this.router.responderGone(this);
    if (this.nick !== "") this.router.unregister(this);
  }

  handshakeExpired(): void {
    if (this.state === "HANDSHAKE" || this.state === "PREFACE") {
      this.close(CloseReason.HANDSHAKE_TIMEOUT, "no HELLO in time");
    }
  }

  /** HELLO was accepted: no handshake deadline any more. */
  clearHandshakeTimer(): void {
    this.#deadline.clear();
  }

  /** The handshake finished (handshake.ts): WELCOME was sent; the frames that waited run now, in order. */
  ready(): void {
    this.state = "READY";
    this.#record = plainRecord();
    const queued = this.#queued;
    this.#queued = [];
    this.turn.begin(Date.now());
    try {
      for (const next of queued) {
        this.handle(next);
        if (!this.isOpen) break;
      }
    } finally {
      this.turn.end();
    }
  }

  /** One frame from the client, in the session's current state. */
  handle(frame: Frame): void {
    if (this.state === "CLOSED" || !this.isOpen) return;
    if (this.state === "AUTHENTICATING") {
      if (this.#queued.length >= MAX_QUEUED) {
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
    if (this.state === "HANDSHAKE") {
      if (!this.#takeRate()) return;
      if (frame.type === "HELLO") hello(this, frame);
      else if (frame.type === "CLOSE") this.#peerClosed();
      else this.fail(ErrCode.NOT_READY, CloseReason.PROTOCOL_ERROR, `${frame.type} before HELLO`);
      return;
    }
    if (!this.#admitted("payload" in frame ? frame.payload : undefined)) return;
    switch (frame.type) {
      case "PUB":
        this.#publish(frame.topic, frame.headers, frame.payload);
        return;
      case "SUB":
        this.#subscriptions.add(frame.sid, frame.pattern, frame.responder, undefined);
        return;
      case "GSUB":
        this.#subscriptions.add(frame.sid, frame.pattern, false, frame.group);
        return;
      case "APUB":
        this.#v2(frame.type)?.publish(frame);
        return;
      case "RSUB":
        this.#v2(frame.type)?.subscribe(frame);
        return;
      case "UNSUB":
        this.#subscriptions.remove(frame.sid);
        return;
      case "REQ":
        this.#request(frame.reqId, frame.name, frame.timeoutMs, frame.headers, frame.payload);
        return;
      case "RESPOND":
        this.router.respond(this, tokenOf(frame.token), frame.status, frame.headers, frame.payload);
        return;
      case "DIRECT":
        this.#direct(frame.target, frame.headers, frame.payload);
        return;
      case "PING":
        // PONG also means the subscriptions before it reached the other nodes (in a cluster).
        this.router.barrier().then(() => this.write(PONG_FRAME));
        return;
      case "PONG":
        return;
      case "CLOSE":
        this.#peerClosed();
        return;
      default:
        this.fail(ErrCode.PROTOCOL, CloseReason.PROTOCOL_ERROR, `unexpected ${frame.type} from a client`);
    }
  }

  /** The message rate allows one more frame; when not, the session fails. */
  #takeRate(): boolean {
    if (this.#rate === undefined || this.#rate.take()) return true;
    this.fail(ErrCode.RATE_LIMIT, CloseReason.RATE_LIMIT, "too many messages: slow down");
    return false;
  }

  /** A READY frame passes the message rate and payload limit (else the session fails); receive()'s PUB path too. */
  #admitted(payload: Uint8Array | undefined): boolean {
    return this.#admittedLength(payload === undefined ? 0 : payload.length);
  }

  /** #admitted() for a payload of `length` bytes (a REQ or RESPOND read in place: no view made for it). */
  #admittedLength(length: number): boolean {
    if (!this.#takeRate()) return false;
    if (length > this.options.maxPayloadBytes) {
      const limit = this.options.maxPayloadBytes;
      this.fail(ErrCode.TOO_LARGE, CloseReason.TOO_LARGE, `payload over ${limit} bytes`);
      return false;
    }
    return true;
  }

  #publish(topic: string, headers: Headers, payload: Uint8Array): void {
    if (!this.#isValidTopic(topic)) {
      this.#invalidTopic(topic, 0);
      return;
    }
    if (!this.mayPublish(topic)) {
      this.err(ErrCode.DENIED, 0, `may not publish to ${quote(topic)}`);
      return;
    }
    this.messagesIn++;
    this.router.publish(topic, this.nick, headers, payload, this);
  }

  /** The history link of a version-2 session; a version-1 client sending `type` breaks the protocol. */
  #v2(type: string): HistoryLink | undefined {
    if (!allowsVersion2(this, this.version, type)) return undefined;
    this.#history ??= new HistoryLink(this, this.router);
    return this.#history;
  }

  /** HistorySession: the subscription `sid` (its object is a replay's token). */
  subscriptionOf(sid: number): object | undefined {
    return this.#subscriptions.get(sid);
  }

  /** HistorySession: RSUB's plain subscription. */
  subscribePlain(sid: number, pattern: string): object | undefined {
    return this.#subscriptions.add(sid, pattern, false, undefined);
  }

  /** HistorySession: calls `then` once the output waiting now was sent. */
  whenDrained(then: () => void): void {
    this.connection.whenDrained(then);
  }

  #request(reqId: number, name: string, timeoutMs: number, headers: Headers, payload: PayloadSource): void {
    if (!this.#isValidTopic(name)) {
      this.#invalidTopic(name, reqId);
      return;
    }
    if (!this.mayPublish(name)) {
      this.reply(reqId, ReplyStatus.DENIED, [], Buffer.from(`may not request ${quote(name)}`));
      return;
    }
    this.messagesIn++;
    this.router.request(this, reqId, name, timeoutMs, headers, payload);
  }

  #direct(target: string, headers: Headers, payload: Uint8Array): void {
    this.messagesIn++;
    this.router.direct(target, this.nick, headers, payload).then((found) => {
      if (!found && this.isOpen) this.err(ErrCode.NO_SUCH_USER, 0, `no client named ${quote(target)}`);
    });
  }

  /** isValidTopic() remembering the last valid topic: publishers and requesters repeat theirs. */
  #isValidTopic(topic: string): boolean {
    if (topic === this.#lastValidTopic) return true;
    if (!isValidTopic(topic)) return false;
    this.#lastValidTopic = topic;
    return true;
  }

  #invalidTopic(topic: string, ref: number): void {
    this.err(ErrCode.INVALID_TOPIC, ref, `invalid topic or pattern '${quote(topic)}'`);
  }

  #peerClosed(): void {
    this.state = "CLOSED";
    this.finish("closed", undefined);
  }
}
