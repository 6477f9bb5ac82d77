/**
 * The request frames a framed session writes most: REQMSG to a responder, REPLY to a requester, encoded
 * straight into the owner's output slab where Session.reserve() says (protocol/request-frames.ts); nothing
 * is written when reserve() refuses (the session closed or was cut off).
 */
import type { Headers, PayloadSource, PlainRecord } from "../../protocol/frames.js";
import {
  encodePlainReplyInto,
  encodeReplyInto,
  encodeRequestMessageInto,
  plainReplyFrameSize,
  type RequestNames,
  replyFrameSize,
  requestMessageFrameSize,
} from "../../protocol/request-frames.js";
import type { Session } from "../session.js";

/** A REQMSG; `names` is the responder's (its repeated name and from, encoded once). The payload may be a plain REQ's read in place. */
export function writeRequestMessage(
  session: Session,
  names: RequestNames,
  token: number,
  name: string,
  from: string,
  headers: Headers,
  payload: PayloadSource,
): void {
  const at = session.reserve(requestMessageFrameSize(token, name, from, headers, payload, names));
  if (at >= 0)
    encodeRequestMessageInto(session.owner.output.buffer, at, token, name, from, headers, payload, names);
}

export function writeReply(
  session: Session,
  reqId: number,
  status: number,
  headers: Headers,
  payload: Uint8Array,
): void {
  const at = session.reserve(replyFrameSize(headers, payload));
  if (at >= 0) encodeReplyInto(session.owner.output.buffer, at, reqId, status, headers, payload);
}

/** A REPLY for a plain RESPOND read in place: no headers, the payload copied from the body `source` read. */
export function writePlainReply(session: Session, reqId: number, status: number, source: PlainRecord): void {
  const at = session.reserve(plainReplyFrameSize(source));
  if (at >= 0) encodePlainReplyInto(session.owner.output.buffer, at, reqId, status, source);
}
