/** The EnchufeErrors the client raises for what the server answered: ERR frames and REPLY statuses. */
import { EnchufeError, type ErrorCode } from "../errors.js";
import { ErrCode, type FrameOf, ReplyStatus } from "../protocol/frames.js";

/** ERR codes (docs/PROTOCOL.md) to error codes; anything else is EPROTOCOL. */
const ERR_CODE_TO_ERROR: Readonly<Record<number, ErrorCode>> = Object.freeze({
  [ErrCode.PROTOCOL]: "EPROTOCOL",
  [ErrCode.TOO_LARGE]: "ETOOLARGE",
  [ErrCode.INVALID_TOPIC]: "EINVALIDTOPIC",
  [ErrCode.DENIED]: "EDENIED",
  [ErrCode.AUTH_FAILED]: "EAUTH",
  [ErrCode.AUTH_REQUIRED]: "EAUTHREQUIRED",
  [ErrCode.NO_SUCH_USER]: "ENOSUCHUSER",
  [ErrCode.RATE_LIMIT]: "ERATELIMIT",
  [ErrCode.PLAINTEXT_AUTH]: "EPLAINTEXTAUTH",
});

/** The EnchufeError for an ERR frame the server sent. */
export function errFrameError(frame: FrameOf<"ERR">): EnchufeError {
  const code = ERR_CODE_TO_ERROR[frame.code] ?? "EPROTOCOL";
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

/** The EnchufeError for a REPLY whose status is not OK, for the request named `name` that allowed `timeoutMs`. */
export function replyError(frame: FrameOf<"REPLY">, name: string, timeoutMs: number): EnchufeError {
  const details = { name, message: Buffer.from(frame.payload).toString("utf8") };
  switch (frame.status) {
    case ReplyStatus.NO_RESPONDERS:
      return new EnchufeError("ENORESPONDERS", `No responder for ${name}`, { details });
    case ReplyStatus.TIMEOUT:
      return new EnchufeError("ETIMEDOUT", `Request ${name} timed out`, {
        details: { ...details, step: "request", address: name, seconds: timeoutMs / 1000 },
      });
    case ReplyStatus.DENIED:
      return new EnchufeError("EDENIED", `Request ${name} denied`, { details });
    default:
      return new EnchufeError("EREQUESTFAILED", `Request ${name} failed`, { details });
  }
}
