/**
 * The request frames the server writes most (docs/PROTOCOL.md §2.5): REPLY and REQMSG, encoded straight
 * into a caller's buffer at an offset, without a frame object or a walk over FRAME_SCHEMA. Each function
 * writes exactly the bytes encodeFrame writes for the same frame (a test holds them to it, field by
 * field); every other frame type, and these ones everywhere else, go through the one schema encoder.
 */
import { FRAME_HEADER_BYTES, FRAME_TYPE_NUMBER, type Headers } from "./frame-schema.js";
import { copySmall, type PayloadSource, PlainRecord } from "./plain-frames.js";
import { tokenDigits, writeToken } from "./tokens.js";
import { headersSize, putU32, strSize, writeHeaders, writeNoHeaders, writeStr } from "./wire.js";

const REPLY_TYPE = FRAME_TYPE_NUMBER.REPLY;
const REQMSG_TYPE = FRAME_TYPE_NUMBER.REQMSG;

/** The bytes a REPLY takes on the wire, header included (throws ETOOLARGE as encodedFrameSize does). */
export function replyFrameSize(headers: Headers, payload: Uint8Array): number {
  return FRAME_HEADER_BYTES + 4 + 1 + headersSize(headers, "REPLY.header") + payload.byteLength;
}

/** Writes a REPLY of replyFrameSize() bytes at `start`; returns the offset just past it. */
export function encodeReplyInto(
  out: Buffer,
  start: number,
  reqId: number,
  status: number,
  headers: Headers,
  payload: Uint8Array,
): number {
  const head = writeReplyHead(out, start, reqId, status);
  let offset = headers.length === 0 ? writeNoHeaders(out, head) : writeHeaders(out, head, headers);
  out.set(payload, offset);
  offset += payload.byteLength;
  putU32(out, start + 2, offset - start - FRAME_HEADER_BYTES);
  return offset;
}

/** A REPLY's type, flags, reqId and status at `start` (its length is written last); returns where its headers go. */
function writeReplyHead(out: Buffer, start: number, reqId: number, status: number): number {
  out[start] = REPLY_TYPE;
  out[start + 1] = 0;
  putU32(out, start + 6, reqId);
  out[start + 10] = status;
  return start + 11;
}

/** The bytes of a REPLY without headers whose payload is a plain RESPOND's (`source`, read in place). */
export function plainReplyFrameSize(source: PlainRecord): number {
  return FRAME_HEADER_BYTES + 4 + 1 + 2 + source.payloadLength;
}

/**
 * Writes a REPLY of plainReplyFrameSize() bytes at `start`: no headers, the payload copied from the body
 * `source` was read from (encodeReplyInto's bytes for `source.bytes()`); returns the offset just past it.
 */
export function encodePlainReplyInto(
  out: Buffer,
  start: number,
  reqId: number,
  status: number,
  source: PlainRecord,
): number {
  const offset = source.copyPayload(out, writeNoHeaders(out, writeReplyHead(out, start, reqId, status)));
  putU32(out, start + 2, offset - start - FRAME_HEADER_BYTES);
  return offset;
}

/**
 * A responder's last REQMSG name and from (one per responder: requests to it repeat them), with their two
 * strs encoded once the pair is seen twice in a row: later REQMSGs copy those bytes.
 */
export interface RequestNames {
  name: string;
  from: string;
  /** The two strs' bytes (copied with copySmall), and their length (a DataView's byteLength is a call). */
  bytes: DataView | undefined;
  length: number;
}

/** Names' bytes up to this size are copied by copySmall (usually a few dozen); longer ones by set(). */
const SMALL_NAMES = 128;

/** An empty RequestNames. */
export function requestNames(): RequestNames {
  return { name: "", from: "", bytes: undefined, length: 0 };
}

/** The encoded strs of `name` and `from` when `names` holds them (made on the pair's second use), else undefined. */
function namesBytes(names: RequestNames | undefined, name: string, from: string): DataView | undefined {
  if (names === undefined) return undefined;
  if (names.name !== name || names.from !== from) {
    names.name = name;
    names.from = from;
    names.bytes = undefined;
    return undefined;
  }
  if (names.bytes === undefined) {
    const bytes = Buffer.allocUnsafe(strSize(name, "REQMSG.name") + strSize(from, "REQMSG.from"));
    writeStr(bytes, writeStr(bytes, 0, name), from);
    names.bytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    names.length = bytes.length;
  }
  return names.bytes;
}

/**
 * The bytes a REQMSG takes on the wire, header included (throws ETOOLARGE as encodedFrameSize does). Its
 * token is a number, written as its text (tokens.ts): the REQMSG of `tokenText(token)`; its payload may be
 * a plain REQ's read in place (copied from the body it was read from). With `names`, the
 * encoding of a repeated name and from is kept there for encodeRequestMessageInto (same `names`, right after).
 */
export function requestMessageFrameSize(
  token: number,
  name: string,
  from: string,
  headers: Headers,
  payload: PayloadSource,
  names?: RequestNames,
): number {
  const known = namesBytes(names, name, from);
  return (
    FRAME_HEADER_BYTES +
    2 +
    tokenDigits(token) +
    (known === undefined ? strSize(name, "REQMSG.name") + strSize(from, "REQMSG.from") : names!.length) +
    headersSize(headers, "REQMSG.header") +
    (payload instanceof PlainRecord ? payload.payloadLength : payload.byteLength)
  );
}

/** Writes a REQMSG of requestMessageFrameSize() bytes at `start`; returns the offset just past it. */
export function encodeRequestMessageInto(
  out: Buffer,
  start: number,
  token: number,
  name: string,
  from: string,
  headers: Headers,
  payload: PayloadSource,
  names?: RequestNames,
): number {
  out[start] = REQMSG_TYPE;
  out[start + 1] = 0;
  let offset = writeToken(out, start + FRAME_HEADER_BYTES, token);
  const known = names?.bytes;
  if (known !== undefined && names!.name === name && names!.from === from) {
    const length = names!.length;
    if (length > SMALL_NAMES) out.set(new Uint8Array(known.buffer, known.byteOffset, length), offset);
    else copySmall(known, 0, length, out, offset);
    offset += length;
  } else offset = writeStr(out, writeStr(out, offset, name), from);
  offset = headers.length === 0 ? writeNoHeaders(out, offset) : writeHeaders(out, offset, headers);
  if (payload instanceof PlainRecord) offset = payload.copyPayload(out, offset);
  else {
    out.set(payload, offset);
    offset += payload.byteLength;
  }
  putU32(out, start + 2, offset - start - FRAME_HEADER_BYTES);
  return offset;
}
