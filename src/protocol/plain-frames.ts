/**
 * The frames a busy connection sends most (PUB, REQ, RESPOND), read without the schema walk when they are
 * plain: ASCII strings and no headers. Each returns the frame decodeBySchema would return, or undefined for
 * anything else, which the general path then decodes or refuses with its message (a property test holds
 * each to it). Payloads are plain Uint8Array views into the body: half the cost of a Buffer's subarray.
 */
import type { Frame, Headers } from "./frame-schema.js";
import { readToken } from "./tokens.js";

/** What a decoder remembers between frames (one per decoder: its client repeats itself). */
export interface PlainCache {
  /** The last topic or name read, bytes and text: its string is reused while the bytes repeat. */
  bytes: Uint8Array;
  text: string;
  /**
   * The last body a payload view was made of, with its ArrayBuffer and offset: reading `buffer` and
   * `byteOffset` from a Buffer costs more than the view, and a read chunk holds many frames.
   */
  body: Buffer | undefined;
  buffer: ArrayBufferLike | undefined;
  offset: number;
}

/** An empty PlainCache. */
export function plainCache(): PlainCache {
  return { bytes: new Uint8Array(0), text: "", body: undefined, buffer: undefined, offset: 0 };
}

/** The headers of every plain frame: one shared list (readonly by its type; not frozen, so it has the
 * same shape as every other header list the hot paths read). */
const NO_HEADERS: Headers = [];

/** PUB: topic str, headers (none), payload. The topic's text comes from `topics` when its bytes repeat. */
export function plainPub(
  body: Buffer,
  start: number,
  end: number,
  topics: PlainCache | undefined,
): Frame | undefined {
  const read = plainRecord();
  if (!readPub(body, start, end, topics, read)) return undefined;
  return { type: "PUB", topic: read.name, headers: NO_HEADERS, payload: read.payload };
}

/** A plain PUB (plainPub's) read into `into` (its topic in `name`, payload): true, or false as plainPub's undefined. */
export function readPub(
  body: Buffer,
  start: number,
  end: number,
  topics: PlainCache | undefined,
  into: PlainRecord,
): boolean {
  if (end - start < 4) return false;
  const topicStart = start + 2;
  const topicEnd = topicStart + u16(body, start);
  if (topicEnd + 2 > end || body[topicEnd] !== 0 || body[topicEnd + 1] !== 0) return false;
  const topic = asciiText(body, topicStart, topicEnd, topics);
  if (topic === undefined) return false;
  into.name = topic;
  into.payload = view(body, topicEnd + 2, end, topics);
  return true;
}

/** REQ: reqId u32, name str, timeoutMs u32, headers (none), payload. The name is cached like a topic. */
export function plainReq(
  body: Buffer,
  start: number,
  end: number,
  names: PlainCache | undefined,
): Frame | undefined {
  const read = plainRecord();
  if (!readReq(body, start, end, names, read)) return undefined;
  const { reqId, name, timeoutMs } = read;
  return { type: "REQ", reqId, name, timeoutMs, headers: NO_HEADERS, payload: read.bytes() };
}

/** A plain REQ (plainReq's) read into `into` (reqId, name, timeoutMs, payload): true, or false as plainReq's undefined. */
export function readReq(
  body: Buffer,
  start: number,
  end: number,
  names: PlainCache | undefined,
  into: PlainRecord,
): boolean {
  if (end - start < 12) return false;
  const nameStart = start + 6;
  const nameEnd = nameStart + u16(body, start + 4);
  if (nameEnd + 6 > end || body[nameEnd + 4] !== 0 || body[nameEnd + 5] !== 0) return false;
  const name = asciiText(body, nameStart, nameEnd, names);
  if (name === undefined) return false;
  into.reqId = u32(body, start);
  into.name = name;
  into.timeoutMs = u32(body, nameEnd);
  into.setPayload(body, nameEnd + 6, end, names);
  return true;
}

/** RESPOND: token str, status u8, headers (none), payload. */
export function plainRespond(
  body: Buffer,
  start: number,
  end: number,
  cache: PlainCache | undefined,
): Frame | undefined {
  if (end - start < 5) return undefined;
  const tokenStart = start + 2;
  const tokenEnd = tokenStart + u16(body, start);
  if (tokenEnd + 3 > end || body[tokenEnd + 1] !== 0 || body[tokenEnd + 2] !== 0) return undefined;
  const token = asciiText(body, tokenStart, tokenEnd, undefined);
  if (token === undefined) return undefined;
  const status = body[tokenEnd]!;
  return {
    type: "RESPOND",
    token,
    status,
    headers: NO_HEADERS,
    payload: view(body, tokenEnd + 3, end, cache),
  };
}

/**
 * A plain PUB, REQ or RESPOND read in place (readPub, readReq, readRespond): one record per reader, filled
 * again for every such frame, so a publish, a request or an answer costs no frame object (and an answer no
 * token string). Read it before the next frame. Which fields hold the frame's depends on its type.
 */
export class PlainRecord {
  /** REQ: its reqId, name, timeoutMs; PUB: its topic in `name`. */
  reqId = 0;
  name = "";
  timeoutMs = 0;
  /** RESPOND: its token's number (protocol/tokens.ts) and status. */
  token = -1;
  status = 0;
  /** PUB: its payload, a view into the body like a plain frame's (a REQ's or RESPOND's: bytes()). */
  payload: Uint8Array = EMPTY_BODY;
  /** REQ and RESPOND: the body read, and where their payload is in it (no view made unless bytes() asks). */
  body: Buffer = EMPTY_BODY;
  payloadStart = 0;
  payloadEnd = 0;
  #cache: PlainCache | undefined;
  #bytes: Uint8Array | undefined;
  /** A DataView of `body` (copyPayload's), made once per body. */
  #bodyView: DataView | undefined;
  #viewed: Buffer | undefined;

  /** A REQ's or RESPOND's payload as a view into the body, like a plain frame's (made when first asked for). */
  bytes(): Uint8Array {
    this.#bytes ??= view(this.body, this.payloadStart, this.payloadEnd, this.#cache);
    return this.#bytes;
  }

  get payloadLength(): number {
    return this.payloadEnd - this.payloadStart;
  }

  /** Copies a REQ's or RESPOND's payload to `out` at `offset`; returns the offset past it. No view when small. */
  copyPayload(out: Buffer, offset: number): number {
    const length = this.payloadEnd - this.payloadStart;
    if (length > SMALL_PAYLOAD) {
      out.set(this.bytes(), offset);
      return offset + length;
    }
    const body = this.body;
    if (this.#viewed !== body) {
      this.#viewed = body;
      this.#bodyView = new DataView(body.buffer, body.byteOffset, body.byteLength);
    }
    copySmall(this.#bodyView!, this.payloadStart, length, out, offset);
    return offset + length;
  }

  /** @internal readReq and readRespond: the payload is body[start, end). */
  setPayload(body: Buffer, start: number, end: number, cache: PlainCache | undefined): void {
    this.body = body;
    this.payloadStart = start;
    this.payloadEnd = end;
    this.#cache = cache;
    this.#bytes = undefined;
  }
}

const EMPTY_BODY = Buffer.alloc(0);

/** Payloads up to this size are copied four bytes at a time through DataViews: cheaper than a view and set(). */
const SMALL_PAYLOAD = 128;

/** The output buffer last copied to and its DataView (a slab: many frames are encoded in one). */
let viewedOut: Buffer | undefined;
let outView: DataView | undefined;

/**
 * Copies `length` bytes (a few dozen: a small payload, a name) from `from` at `start` to `out` at `offset`,
 * sixteen bytes per step through DataViews: for 64 B about a third of a set() of a view (measured).
 */
export function copySmall(from: DataView, start: number, length: number, out: Buffer, offset: number): void {
  if (viewedOut !== out) {
    viewedOut = out;
    outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
  }
  const to = outView!;
  const blocks = length & ~15;
  let i = 0;
  for (; i < blocks; i += 16) {
    to.setInt32(offset + i, from.getInt32(start + i, true), true);
    to.setInt32(offset + i + 4, from.getInt32(start + i + 4, true), true);
    to.setInt32(offset + i + 8, from.getInt32(start + i + 8, true), true);
    to.setInt32(offset + i + 12, from.getInt32(start + i + 12, true), true);
  }
  for (; i + 4 <= length; i += 4) to.setInt32(offset + i, from.getInt32(start + i, true), true);
  for (; i < length; i++) to.setUint8(offset + i, from.getUint8(start + i));
}

/**
 * A payload, or the plain REQ or RESPOND read in place that holds one (bytes() on demand, copyPayload()):
 * passed down a synchronous path only, and read there at once (the record is filled again by the next frame).
 */
export type PayloadSource = Uint8Array | PlainRecord;

/** The bytes of a PayloadSource (a record's payload view is made here if it was not yet). */
export function payloadOf(source: PayloadSource): Uint8Array {
  return source instanceof PlainRecord ? source.bytes() : source;
}

/** An empty PlainRecord. */
export function plainRecord(): PlainRecord {
  return new PlainRecord();
}

/**
 * A plain RESPOND whose token is a canonical token text (tokens.ts) read into `into`: true, and `into`
 * holds what decodeBySchema's frame would (`tokenText(into.token)` its token); false for any other body
 * (decodeFrameBody then decodes it, or refuses it with its message).
 */
export function readRespond(
  body: Buffer,
  start: number,
  end: number,
  cache: PlainCache | undefined,
  into: PlainRecord,
): boolean {
  if (end - start < 5) return false;
  const tokenStart = start + 2;
  const tokenEnd = tokenStart + u16(body, start);
  if (tokenEnd + 3 > end || body[tokenEnd + 1] !== 0 || body[tokenEnd + 2] !== 0) return false;
  const token = readToken(body, tokenStart, tokenEnd);
  if (token < 0) return false;
  into.token = token;
  into.status = body[tokenEnd]!;
  into.setPayload(body, tokenEnd + 3, end, cache);
  return true;
}

/** The text of body[start, end) if it is ASCII (else undefined): from `cache` when the bytes are its own. */
function asciiText(
  body: Buffer,
  start: number,
  end: number,
  cache: PlainCache | undefined,
): string | undefined {
  const length = end - start;
  const last = cache?.bytes;
  if (last !== undefined && last.length === length) {
    let i = 0;
    while (i < length && body[start + i] === last[i]) i++;
    if (i === length) return cache!.text;
  }
  for (let i = start; i < end; i++) if (body[i]! > 0x7f) return undefined;
  const text = body.toString("latin1", start, end);
  if (cache !== undefined) {
    cache.bytes = Uint8Array.prototype.slice.call(body, start, end);
    cache.text = text;
  }
  return text;
}

function view(body: Buffer, start: number, end: number, cache: PlainCache | undefined): Uint8Array {
  if (cache === undefined) return new Uint8Array(body.buffer, body.byteOffset + start, end - start);
  if (body !== cache.body) {
    cache.body = body;
    cache.buffer = body.buffer;
    cache.offset = body.byteOffset;
  }
  return new Uint8Array(cache.buffer!, cache.offset + start, end - start);
}

function u16(body: Buffer, at: number): number {
  return (body[at]! << 8) | body[at + 1]!;
}

function u32(body: Buffer, at: number): number {
  return body[at]! * 0x1000000 + ((body[at + 1]! << 16) | (body[at + 2]! << 8) | body[at + 3]!);
}
