/**
 * The frames a framed session answers with, built in one place. Messages quote the client's own input
 * (a topic, a nickname) only up to a bounded length, so building an answer can never fail because
 * of what the client sent (a 65,530-byte topic still gets its ERR INVALID_TOPIC).
 */
import { canSubscribe, type Permissions } from "../../auth/permissions.js";
import { CloseReason, ErrCode, encodeFrame, PubAckStatus } from "../../protocol/frames.js";
import { isValidPattern, isValidTopic } from "../../protocol/topics.js";
import type { AckOutcome } from "../routing/history-types.js";
import type { DisconnectReason } from "../session.js";

/** The longest piece of client input quoted in an ERR or CLOSE message, in characters. */
const MAX_QUOTE = 64;
/** The longest ERR / CLOSE message, in UTF-8 bytes (well inside the u16 string limit). */
const MAX_MESSAGE_BYTES = 1024;

export const PING_FRAME = encodeFrame({ type: "PING" });
export const PONG_FRAME = encodeFrame({ type: "PONG" });

/** Client input as quoted in a message: at most MAX_QUOTE characters, then "…". */
export function quote(text: string): string {
  return text.length <= MAX_QUOTE ? text : `${text.slice(0, MAX_QUOTE)}…`;
}

function bounded(message: string): string {
  if (Buffer.byteLength(message, "utf8") <= MAX_MESSAGE_BYTES) return message;
  // Cut on a character boundary: decoding the cut bytes drops a partial last character as U+FFFD.
  return `${Buffer.from(message, "utf8")
    .subarray(0, MAX_MESSAGE_BYTES - 4)
    .toString("utf8")
    .replace(/\uFFFD$/, "")}…`;
}

export function errFrame(code: number, ref: number, message: string): Buffer {
  return encodeFrame({ type: "ERR", code, ref, message: bounded(message) });
}

/** Why SUB, GSUB or RSUB `sid` is refused ([ERR code, message], ref = sid), or undefined when it is fine. */
export function subscriptionProblem(
  permissions: Permissions,
  taken: ReadonlyMap<number, unknown>,
  sid: number,
  pattern: string,
  group: string | undefined,
): readonly [number, string] | undefined {
  if (!isValidPattern(pattern))
    return [ErrCode.INVALID_TOPIC, `invalid topic or pattern '${quote(pattern)}'`];
  if (group !== undefined && !isValidTopic(group))
    return [ErrCode.INVALID_TOPIC, `invalid queue group name '${quote(group)}'`];
  if (!canSubscribe(permissions, pattern)) return [ErrCode.DENIED, `may not subscribe to ${quote(pattern)}`];
  if (taken.has(sid)) return [ErrCode.DUPLICATE_SID, `sid ${sid} is in use`];
  return undefined;
}

/** PUBACK for APUB `id` (docs/PROTOCOL.md §2.5). */
export function pubAckFrame(id: string, outcome: AckOutcome): Buffer {
  if (outcome.status === "error") {
    return encodeFrame({
      type: "PUBACK",
      id,
      status: PubAckStatus.ERROR,
      position: 0,
      code: outcome.code,
      message: bounded(outcome.message),
    });
  }
  const status = outcome.status === "ok" ? PubAckStatus.OK : PubAckStatus.DUPLICATE;
  return encodeFrame({ type: "PUBACK", id, status, position: outcome.position, code: 0, message: "" });
}

export function closeFrame(reason: number, message: string): Buffer {
  return encodeFrame({ type: "CLOSE", reason, message: bounded(message) });
}

const DISCONNECT_REASONS: Readonly<Record<number, DisconnectReason>> = {
  [CloseReason.SHUTDOWN]: "shutdown",
  [CloseReason.IDLE]: "idle",
  [CloseReason.SLOW_CONSUMER]: "slow-consumer",
  [CloseReason.PROTOCOL_ERROR]: "protocol-error",
  [CloseReason.TOO_LARGE]: "too-large",
  [CloseReason.AUTH_FAILED]: "auth-failed",
  [CloseReason.HANDSHAKE_TIMEOUT]: "handshake-timeout",
  [CloseReason.RATE_LIMIT]: "rate-limit",
  [CloseReason.SERVER_FULL]: "server-full",
  [CloseReason.SERVER_ERROR]: "server-error",
};

/** The disconnect event's reason for a CLOSE reason. */
export function disconnectReasonOf(reason: number): DisconnectReason {
  return DISCONNECT_REASONS[reason] ?? "closed";
}
