/**
 * A version-2 framed session's side of the history (docs/PROTOCOL.md §2.5): APUB with its PUBACK, RSUB
 * with its replay (HMSG frames, then REPLAYED). One per session that uses them, made on first use.
 */
import { CloseReason, ErrCode, encodeFrame, type FrameOf, SubStart } from "../../protocol/frames.js";
import { isValidTopic } from "../../protocol/topics.js";
import type { Acker, AckOutcome, HistoryMessage, ReplayTarget } from "../routing/history-types.js";
import type { Router } from "../routing/router.js";
import { pubAckFrame, quote } from "./answers.js";

/** The longest APUB id, in bytes. */
export const MAX_PUBLISH_ID_BYTES = 128;

/** What the link needs of its session (FramedSession). */
export interface HistorySession {
  readonly isOpen: boolean;
  readonly nick: string;
  readonly user: string | undefined;
  readonly pendingBytes: number;
  messagesIn: number;
  messagesOut: number;
  mayPublish(topic: string): boolean;
  write(bytes: Buffer): void;
  fail(code: number, reason: number, message: string): void;
  whenDrained(then: () => void): void;
  /** The subscription object of `sid`, if any (the replay's token). */
  subscriptionOf(sid: number): object | undefined;
  /** SUB's checks and registration; the new subscription, or undefined when refused (ERR sent). */
  subscribePlain(sid: number, pattern: string): object | undefined;
}

/** True when the session's `version` has the version-2 frame `type`; else the session fails (PROTOCOL_ERROR). */
export function allowsVersion2(session: HistorySession, version: number, type: string): boolean {
  if (version >= 2) return true;
  session.fail(
    ErrCode.PROTOCOL,
    CloseReason.PROTOCOL_ERROR,
    `${type} needs protocol version 2 (HELLO version 2)`,
  );
  return false;
}

export class HistoryLink implements Acker, ReplayTarget {
  readonly #session: HistorySession;
  readonly #router: Router;

  constructor(session: HistorySession, router: Router) {
    this.#session = session;
    this.#router = router;
  }

  get isOpen(): boolean {
    return this.#session.isOpen;
  }

  get pendingBytes(): number {
    return this.#session.pendingBytes;
  }

  /** APUB: checked like PUB, answered with PUBACK instead of ERR. */
  publish(frame: FrameOf<"APUB">): void {
    const { id, topic } = frame;
    const idBytes = Buffer.byteLength(id, "utf8");
    if (idBytes === 0 || idBytes > MAX_PUBLISH_ID_BYTES) {
      this.#refuse(id, ErrCode.PROTOCOL, `an APUB id is 1 to ${MAX_PUBLISH_ID_BYTES} bytes, not ${idBytes}`);
      return;
    }
    if (!isValidTopic(topic)) {
      this.#refuse(id, ErrCode.INVALID_TOPIC, `invalid topic '${quote(topic)}'`);
      return;
    }
    const session = this.#session;
    if (!session.mayPublish(topic)) {
      this.#refuse(id, ErrCode.DENIED, `may not publish to ${quote(topic)}`);
      return;
    }
    session.messagesIn++;
    const key = `${session.user ?? ""}\u0000${id}`;
    this.#router.publishAcked(topic, session.nick, frame.headers, frame.payload, this, id, key);
  }

  /** RSUB: a plain subscription, then the replay of its start. */
  subscribe(frame: FrameOf<"RSUB">): void {
    if (frame.start > SubStart.TIME) {
      this.#session.fail(ErrCode.PROTOCOL, CloseReason.PROTOCOL_ERROR, `unknown RSUB start ${frame.start}`);
      return;
    }
    const token = this.#session.subscribePlain(frame.sid, frame.pattern);
    if (token === undefined) return;
    this.#router.history.replay(this, frame.sid, token, frame.pattern, frame.start, frame.value, frame.epoch);
  }

  acked(id: string, outcome: AckOutcome): void {
    this.#session.write(pubAckFrame(id, outcome));
  }

  replaying(sid: number, token: object): boolean {
    return this.#session.subscriptionOf(sid) === token;
  }

  replayMessage(sid: number, message: HistoryMessage): void {
    const bytes = encodeFrame({
      type: "HMSG",
      sid,
      position: message.position,
      time: message.time,
      topic: message.topic,
      from: message.from,
      headers: message.headers,
      payload: message.payload,
    });
    this.#session.messagesOut++;
    this.#session.write(bytes);
  }

  replayed(sid: number, recovered: boolean, epoch: string, position: number, count: number): void {
    this.#session.write(encodeFrame({ type: "REPLAYED", recovered, sid, epoch, position, count }));
  }

  whenDrained(then: () => void): void {
    this.#session.whenDrained(then);
  }

  #refuse(id: string, code: number, message: string): void {
    this.acked(id, { status: "error", code, message });
  }
}
