/**
 * The one frame encoder (docs/PROTOCOL.md §2): pure, no I/O, driven by FRAME_SCHEMA. Every byte of every
 * frame is produced here; encodeFrame and encodeMessages are thin wrappers over encodeFrameInto.
 */
import {
  FRAME_HEADER_BYTES,
  FRAME_SCHEMA,
  FRAME_TYPE_NUMBER,
  type Frame,
  type FrameOf,
  type FrameRecord,
  type Headers,
} from "./frame-schema.js";
import type { OutputSlab } from "./slab.js";
import { strSize, writeStr, writeU53 } from "./wire.js";

function strBytes(value: unknown, type: string, name: string): number {
  return strSize(value as string, `${type}.${name}`);
}

/** The exact number of bytes `frame` takes on the wire, header included. */
export function encodedFrameSize(frame: Frame): number {
  const schema = FRAME_SCHEMA[frame.type];
  const record = frame as unknown as FrameRecord;
  let size = FRAME_HEADER_BYTES;
  for (const [name, kind] of schema.fields) {
    const value = record[name];
    switch (kind) {
      case "u8":
        size += 1;
        break;
      case "u16":
        size += 2;
        break;
      case "u32":
        size += 4;
        break;
      case "u53":
        size += 8;
        break;
      case "str":
        size += strBytes(value, frame.type, name);
        break;
      case "headers":
        size += 2;
        for (const [key, headerValue] of value as Headers) {
          size += strBytes(key, frame.type, "header") + strBytes(headerValue, frame.type, "header");
        }
        break;
      case "payload":
        size += (value as Uint8Array).byteLength;
        break;
    }
  }
  return size;
}

/**
 * The one encoder: writes `frame` into `out` at `offset` (which must have encodedFrameSize(frame)
 * bytes free) and returns the offset just past it. Many frames can so share one allocation.
 */
export function encodeFrameInto(frame: Frame, out: Buffer, start: number): number {
  const schema = FRAME_SCHEMA[frame.type];
  const record = frame as unknown as FrameRecord;
  out[start] = FRAME_TYPE_NUMBER[frame.type];
  out[start + 1] = schema.flag !== undefined && record[schema.flag] === true ? 1 : 0;
  let offset = start + FRAME_HEADER_BYTES;
  for (const [name, kind] of schema.fields) {
    const value = record[name];
    switch (kind) {
      case "u8":
        out[offset++] = value as number;
        break;
      case "u16":
        out.writeUInt16BE(value as number, offset);
        offset += 2;
        break;
      case "u32":
        out.writeUInt32BE(value as number, offset);
        offset += 4;
        break;
      case "u53":
        offset = writeU53(out, offset, value as number);
        break;
      case "str":
        offset = writeStr(out, offset, value as string);
        break;
      case "headers":
        out.writeUInt16BE((value as Headers).length, offset);
        offset += 2;
        for (const [key, headerValue] of value as Headers) {
          offset = writeStr(out, offset, key);
          offset = writeStr(out, offset, headerValue);
        }
        break;
      case "payload":
        out.set(value as Uint8Array, offset);
        offset += (value as Uint8Array).byteLength;
        break;
    }
  }
  out.writeUInt32BE(offset - start - FRAME_HEADER_BYTES, start + 2);
  return offset;
}

/** A frame to its exact bytes, in one allocation (encodeFrameInto on a buffer of the right size). */
export function encodeFrame(frame: Frame): Buffer {
  const out = Buffer.allocUnsafe(encodedFrameSize(frame));
  encodeFrameInto(frame, out, 0);
  return out;
}

const NO_PAYLOAD = new Uint8Array(0);
const NO_HEADERS: Headers = [];

/** The head of a run of messages: a MSG, PMSG or GMSG frame whose payload is left out. */
type MessageHead = FrameOf<"MSG"> | FrameOf<"GMSG"> | FrameOf<"PMSG">;

/**
 * MSG frames that share topic, sender and flag (one sender's messages to one topic), back to back in one
 * Buffer. Each frame is what encodeFrame would make; the bytes before the payload are encoded once by
 * encodeFrameInto and copied for every further message with the same (or no) headers. With `slab`, the
 * Buffer is carved from it (slab.ts: bytes never written again), else allocated.
 */
export function encodeMessages(
  message: { readonly private: boolean; readonly topic: string; readonly from: string },
  headers: readonly Headers[] | undefined,
  payloads: readonly Uint8Array[],
  slab?: OutputSlab,
  payloadBytes = -1,
): Buffer {
  const head: MessageHead = {
    type: "MSG",
    private: message.private,
    topic: message.topic,
    from: message.from,
    headers: headers?.[0] ?? NO_HEADERS,
    payload: NO_PAYLOAD,
  };
  return encodeRun(head, headers, payloads, undefined, -1, slab, payloadBytes);
}

/**
 * PMSG frames (version 2, docs/PROTOCOL.md §2.5) like encodeMessages: message i has the position
 * `firstPosition + i`, or 0 for every message when `firstPosition` is 0 (not kept: private, history off).
 */
export function encodePositionedMessages(
  message: { readonly private: boolean; readonly topic: string; readonly from: string },
  firstPosition: number,
  headers: readonly Headers[] | undefined,
  payloads: readonly Uint8Array[],
  slab?: OutputSlab,
  payloadBytes = -1,
): Buffer {
  const head: MessageHead = {
    type: "PMSG",
    private: message.private,
    position: firstPosition,
    topic: message.topic,
    from: message.from,
    headers: headers?.[0] ?? NO_HEADERS,
    payload: NO_PAYLOAD,
  };
  return encodeRun(head, headers, payloads, undefined, firstPosition, slab, payloadBytes);
}

/**
 * GMSG frames for one queue-group subscription `sid` (docs/PROTOCOL.md §2.4): the messages of a batch
 * at `picked` (every message when undefined), back to back in one Buffer, like encodeMessages.
 */
export function encodeGroupMessages(
  sid: number,
  message: { readonly topic: string; readonly from: string },
  headers: readonly Headers[] | undefined,
  payloads: readonly Uint8Array[],
  picked: readonly number[] | undefined,
  slab?: OutputSlab,
): Buffer {
  const first = picked === undefined ? 0 : picked[0]!;
  const head: MessageHead = {
    type: "GMSG",
    sid,
    topic: message.topic,
    from: message.from,
    headers: headers?.[first] ?? NO_HEADERS,
    payload: NO_PAYLOAD,
  };
  return encodeRun(head, headers, payloads, picked, -1, slab);
}

/**
 * The one run encoder behind encodeMessages, encodePositionedMessages and encodeGroupMessages. A PMSG
 * run (`firstPosition` >= 0) writes each message's position, the body's first field, into its copy.
 * `headers` undefined: no message has any (then a whole batch is sized without a walk when
 * `payloadBytes`, the payloads' bytes summed, is known: >= 0).
 */
function encodeRun(
  head: MessageHead,
  headers: readonly Headers[] | undefined,
  payloads: readonly Uint8Array[],
  picked: readonly number[] | undefined,
  firstPosition: number,
  slab: OutputSlab | undefined,
  payloadBytes = -1,
): Buffer {
  const firstHeaders = head.headers;
  const headSize = encodedFrameSize(head);
  const count = picked === undefined ? payloads.length : picked.length;
  let size = 0;
  // True while every message shares the head (the common batch): then the plain copy loop below.
  let uniform = picked === undefined && firstPosition <= 0;
  if (headers === undefined && picked === undefined && payloadBytes >= 0) {
    size = count * headSize + payloadBytes;
  } else {
    for (let n = 0; n < count; n++) {
      const i = picked === undefined ? n : picked[n]!;
      const own = headers === undefined ? NO_HEADERS : headers[i]!;
      if (sameHead(own, firstHeaders)) size += headSize;
      else {
        size += encodedFrameSize({ ...head, headers: own });
        uniform = false;
      }
      size += payloads[i]!.length;
    }
  }
  const out = slab === undefined ? Buffer.allocUnsafe(size) : slab.take(size);
  encodeFrameInto(head, out, 0);
  if (uniform) return copyRun(out, headSize, payloads);
  let offset = 0;
  for (let n = 0; n < count; n++) {
    const i = picked === undefined ? n : picked[n]!;
    const payload = payloads[i]!;
    const own = headers === undefined ? NO_HEADERS : headers[i]!;
    if (sameHead(own, firstHeaders)) {
      if (offset > 0) out.copyWithin(offset, 0, headSize);
      writeLength(out, offset, headSize - FRAME_HEADER_BYTES + payload.length);
      if (firstPosition > 0) writeU53(out, offset + FRAME_HEADER_BYTES, firstPosition + n);
      offset += headSize;
      out.set(payload, offset);
      offset += payload.length;
    } else {
      const frame = { ...head, headers: own, payload };
      if (frame.type === "PMSG" && firstPosition > 0) frame.position = firstPosition + n;
      offset = encodeFrameInto(frame, out, offset);
    }
  }
  return out;
}

/** True when a message's headers encode as the run's first ones (the same list, or both empty). */
function sameHead(own: Headers, first: Headers): boolean {
  return own === first || (own.length === 0 && first.length === 0);
}

/** Every message with the head at 0 of `out` (encoded there already): the head copied, its length set, the payload. */
function copyRun(out: Buffer, headSize: number, payloads: readonly Uint8Array[]): Buffer {
  let offset = 0;
  for (let i = 0; i < payloads.length; i++) {
    const payload = payloads[i]!;
    const length = payload.length;
    if (offset > 0) out.copyWithin(offset, 0, headSize);
    writeLength(out, offset, headSize - FRAME_HEADER_BYTES + length);
    offset += headSize;
    out.set(payload, offset);
    offset += length;
  }
  return out;
}

/** A frame header's body length (bytes 2-5, big-endian) without writeUInt32BE's checks. */
function writeLength(out: Buffer, frame: number, length: number): void {
  out[frame + 2] = length >>> 24;
  out[frame + 3] = (length >>> 16) & 0xff;
  out[frame + 4] = (length >>> 8) & 0xff;
  out[frame + 5] = length & 0xff;
}
