/**
 * The batch record (docs/HISTORY.md §4), pure: no I/O. One record holds the messages of one append of a
 * batch (one topic, one sender, one time, consecutive positions), with one length and one CRC:
 *
 *   length u32 | crc32 u32 | kind u8 (3) | first u64 | time u64 | topic str | from str | count u32 |
 *   count × (headers | length u32 | payload)
 *
 * all big-endian, strings and headers as on the wire (src/protocol/wire.ts). Per message it costs 6 bytes
 * besides its headers and payload (a message record repeats its position, time, topic and sender), and
 * its CRC is one call over the whole batch (zlib's, for all but the smallest). Kind 4 is the same with a
 * `key str` before each message's headers: the dedupe key (user and id) of an acknowledged publish, empty
 * for a message without one, so a message and its key are written, torn or kept together.
 */
import {
  type Headers,
  headersSize,
  putU32,
  strSize,
  WireReader,
  writeHeaders,
  writeNoHeaders,
  writeStr,
  writeU8,
  writeU32,
  writeU53,
} from "../protocol/wire.js";
import { crc32Range } from "./crc32.js";
import type { StoredMessage } from "./message.js";

/** The record kind of a batch (1 is one message: record.ts). */
export const RECORD_KIND_BATCH = 3;
/** A batch whose messages carry their dedupe keys. */
export const RECORD_KIND_KEYED_BATCH = 4;
/** Bytes before the body: its length and its CRC (as every record). */
const HEADER_BYTES = 8;
/** Body bytes before the names: kind, first position, time. */
const FIXED_BODY_BYTES = 1 + 8 + 8;
/** The fewest bytes a message takes in a batch record: empty headers, a length, no payload. */
export const MIN_MESSAGE_SHARE = 2 + 4;
/** The smallest body: kind, first, time, two empty strings, count 1 and one empty message. */
export const MIN_BATCH_BODY_BYTES = FIXED_BODY_BYTES + 2 + 2 + 4 + 2 + 4;

const LABEL = "history record";
const NO_HEADERS: Headers = Object.freeze([]);

/**
 * The bytes of a batch record of `topic` from `from` besides its messages; throws ETOOLARGE for a string
 * over 65535 bytes. Nothing is encoded (the memory store only counts).
 */
export function batchBase(topic: string, from: string): number {
  return HEADER_BYTES + FIXED_BODY_BYTES + strSize(topic, LABEL) + strSize(from, LABEL) + 4;
}

/** The bytes one message takes in a batch record. */
export function batchShare(headers: Headers, payloadBytes: number): number {
  return (headers.length === 0 ? 2 : headersSize(headers, LABEL)) + 4 + payloadBytes;
}

/** The bytes a message without headers takes in a batch record beyond its payload. */
export const PLAIN_SHARE = batchShare([], 0);

/** The bytes a message's key field takes in a keyed batch (kind 4); undefined is an empty key. */
export function keyShare(key: string | undefined): number {
  return key === undefined ? 2 : strSize(key, LABEL);
}

/**
 * Writes the batch record of `payloads[from..to)` (positions `first`..) into `out` at `offset`; `size` is
 * batchBase plus their batchShare (and keyShare, with `keys`: then a keyed batch, kind 4, with
 * `keys[i]` for message i). `bounds` gets each payload's [start, end) in `out`.
 */
export function writeBatch(
  out: Buffer,
  offset: number,
  size: number,
  first: number,
  time: number,
  names: Uint8Array,
  payloads: readonly Uint8Array[],
  headers: readonly Headers[] | undefined,
  from: number,
  to: number,
  bounds: number[],
  keys?: readonly (string | undefined)[],
): void {
  out.writeUInt32BE(size - HEADER_BYTES, offset);
  let at = writeU8(
    out,
    offset + HEADER_BYTES,
    keys === undefined ? RECORD_KIND_BATCH : RECORD_KIND_KEYED_BATCH,
  );
  at = writeU53(out, at, first);
  at = writeU53(out, at, time);
  out.set(names, at);
  at = writeU32(out, at + names.length, to - from);
  for (let i = from; i < to; i++) {
    if (keys !== undefined) at = writeStr(out, at, keys[i] ?? "");
    const own = headers?.[i];
    at = own === undefined || own.length === 0 ? writeNoHeaders(out, at) : writeHeaders(out, at, own);
    const payload = payloads[i]!;
    const length = payload.length;
    at = putU32(out, at, length);
    out.set(payload, at);
    bounds.push(at, at + length);
    at += length;
  }
  out.writeUInt32BE(crc32Range(out, offset + HEADER_BYTES, offset + size), offset + 4);
}

/** A dedupe key read back: where it lies in the buffer (decoded only when wanted), and its message's place. */
export interface KeyInRecord {
  readonly position: number;
  readonly time: number;
  /** The key's bytes: buffer[keyStart, keyEnd). */
  readonly keyStart: number;
  readonly keyEnd: number;
}

/** A batch record read back: its messages (payloads are views of the buffer) and each one's share of its bytes. */
export interface DecodedBatch {
  readonly messages: readonly StoredMessage[];
  /** A keyed batch's keys by message (undefined: the message has none); undefined for kind 3. */
  readonly keys: readonly (KeyInRecord | undefined)[] | undefined;
  /** Bytes of the record per message (the first also carries the record's own), summing to its size. */
  readonly sizes: readonly number[];
}

/**
 * The messages of the batch body at buffer[bodyStart, bodyEnd) (its length and CRC already checked);
 * undefined when its fields do not parse (written by a bug or another program: damage).
 */
export function decodeBatchBody(
  buffer: Buffer,
  bodyStart: number,
  bodyEnd: number,
): DecodedBatch | undefined {
  try {
    const reader = new WireReader(buffer, LABEL, bodyStart + 1, bodyEnd);
    const first = reader.u53("first");
    const time = reader.u53("time");
    const topic = reader.str("topic");
    const from = reader.str("from");
    const count = reader.u32("count");
    // Each message takes 6 bytes at least: a count the body cannot hold is damage.
    if (first === 0 || count === 0 || count > (bodyEnd - reader.offset) / MIN_MESSAGE_SHARE) return undefined;
    const messages: StoredMessage[] = new Array(count);
    const sizes: number[] = new Array(count);
    const keyed = buffer[bodyStart] === RECORD_KIND_KEYED_BATCH;
    const keys: (KeyInRecord | undefined)[] | undefined = keyed
      ? new Array(count).fill(undefined)
      : undefined;
    let start = bodyStart - HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      if (keys !== undefined) {
        const length = reader.u16("key");
        reader.need(length, "key");
        const keyStart = reader.offset;
        reader.offset += length;
        if (length > 0) keys[i] = { position: first + i, time, keyStart, keyEnd: reader.offset };
      }
      reader.need(2, "headers");
      const at = reader.offset;
      const headers =
        buffer[at] === 0 && buffer[at + 1] === 0 ? skipEmpty(reader) : reader.headers("headers");
      const length = reader.u32("length");
      reader.need(length, "payload");
      const payload = buffer.subarray(reader.offset, reader.offset + length);
      reader.offset += length;
      messages[i] = { position: first + i, time, topic, from, headers, payload };
      sizes[i] = reader.offset - start;
      start = reader.offset;
    }
    if (reader.offset !== bodyEnd) return undefined;
    return { messages, sizes, keys };
  } catch {
    return undefined;
  }
}

function skipEmpty(reader: WireReader): Headers {
  reader.offset += 2;
  return NO_HEADERS;
}
