/**
 * The history log's record codec (docs/HISTORY.md §4), pure: no I/O. A record is a frame of
 * `length u32 | crc32 u32 | body`, where the CRC covers the body and the body is either a message,
 * `kind u8 (1) | position u64 | time u64 | topic str | from str | headers | payload (to the end)`, or the
 * dedupe key of the acknowledged publish at a position, `kind u8 (2) | position u64 | time u64 | key (to
 * the end, UTF-8)`, all big-endian, strings and headers as on the wire (src/protocol/wire.ts).
 */
import { EnchufeError } from "../errors.js";
import {
  type Headers,
  headersSize,
  strSize,
  WireReader,
  writeHeaders,
  writeStr,
  writeU8,
  writeU32,
} from "../protocol/wire.js";
import { crc32Range } from "./crc32.js";

/** Bytes before the body: its length and its CRC. */
export const RECORD_HEADER_BYTES = 8;
/** A record of one published message. */
export const RECORD_KIND_MESSAGE = 1;
/**
 * A record of the dedupe key (user and id) of the acknowledged publish (APUB) whose message is the next
 * record, at the same position: what rebuilds the dedupe window after a restart.
 */
export const RECORD_KIND_KEY = 2;
/** The smallest message body: kind, position, time and three empty fields. */
export const MIN_BODY_BYTES = 1 + 8 + 8 + 2 + 2 + 2;
/** Bytes of a key record before its key: header, kind, position and time. */
const KEY_RECORD_BASE = RECORD_HEADER_BYTES + 1 + 8 + 8;
/** The smallest key body: kind, position, time and a key of one byte. */
const MIN_KEY_BODY_BYTES = 1 + 8 + 8 + 1;
/** The largest body a reader accepts; anything longer is damage, not a record. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

const TWO_32 = 0x1_0000_0000;

/** One published message as the history keeps it. */
export interface StoredMessage {
  /** Its place in the server-wide sequence, from 1, never reused within an epoch. */
  readonly position: number;
  /** When it was appended, in ms since 1970; never less than the message before it. */
  readonly time: number;
  readonly topic: string;
  /** The publisher's nickname or client id ("" when unknown). */
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Uint8Array;
}

/**
 * A key record as read back: where its key lies in the buffer, decoded only when wanted (readKey), so a
 * key too old for the dedupe window costs its CRC and nothing more.
 */
export interface StoredKey {
  /** The position of the message it belongs to (the record right after it). */
  readonly position: number;
  readonly time: number;
  /** The key's bytes: buffer[keyStart, keyEnd). */
  readonly keyStart: number;
  readonly keyEnd: number;
}

/** A decoded record (a message or a key) and the offset just past it. */
export type DecodedRecord =
  | { readonly message: StoredMessage; readonly key?: undefined; readonly end: number }
  | { readonly key: StoredKey; readonly message?: undefined; readonly end: number };

function writeU64(out: Buffer, offset: number, value: number): number {
  out.writeUInt32BE(Math.floor(value / TWO_32), offset);
  out.writeUInt32BE(value >>> 0, offset + 4);
  return offset + 8;
}

const LABEL = "history record";

/**
 * The bytes every record of `topic` from `from` takes besides its headers and payload; throws ETOOLARGE
 * for a string over 65535 bytes. Computed once for a batch (recordSizeAfter adds the rest per message).
 */
export function recordBase(topic: string, from: string): number {
  return RECORD_HEADER_BYTES + MIN_BODY_BYTES - 6 + strSize(topic, LABEL) + strSize(from, LABEL);
}

/** A record's size from its `base` (recordBase); throws ETOOLARGE for a body over MAX_BODY_BYTES. */
export function recordSizeAfter(base: number, headers: Headers, payloadBytes: number): number {
  const size = base + (headers.length === 0 ? 2 : headersSize(headers, LABEL)) + payloadBytes;
  const bodyBytes = size - RECORD_HEADER_BYTES;
  if (bodyBytes > MAX_BODY_BYTES) {
    throw new EnchufeError(
      "ETOOLARGE",
      `A history record should be at most ${MAX_BODY_BYTES} bytes. Received ${bodyBytes}`,
      { details: { limit: MAX_BODY_BYTES } },
    );
  }
  return size;
}

/**
 * The bytes a message's record takes, header included; throws ETOOLARGE for a string over 65535 bytes
 * or a body over MAX_BODY_BYTES.
 */
export function recordSize(topic: string, from: string, headers: Headers, payloadBytes: number): number {
  return recordSizeAfter(recordBase(topic, from), headers, payloadBytes);
}

/** The whole record (header and body) for one message, in one new Buffer of `size` bytes (recordSize). */
export function encodeRecord(message: StoredMessage, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  writeRecord(out, 0, size, message);
  return out;
}

/** Writes the record of `message` (`size` bytes: recordSize) into `out` at `offset`. */
export function writeRecord(out: Buffer, offset: number, size: number, message: StoredMessage): void {
  const { position, time, headers, payload } = message;
  writeBatchRecord(
    out,
    offset,
    size,
    position,
    time,
    recordNames(message.topic, message.from),
    headers,
    payload,
  );
}

/** The topic and sender fields of a record (str topic, str from), encoded once for a batch. */
export function recordNames(topic: string, from: string): Uint8Array {
  const names = Buffer.allocUnsafe(strSize(topic, LABEL) + strSize(from, LABEL));
  writeStr(names, writeStr(names, 0, topic), from);
  return names;
}

/**
 * Writes one record of a batch into `out` at `offset` (`size` bytes: recordSize), its topic and sender
 * already encoded (`names`: recordNames): no object, no view per message.
 */
export function writeBatchRecord(
  out: Buffer,
  offset: number,
  size: number,
  position: number,
  time: number,
  names: Uint8Array,
  headers: Headers,
  payload: Uint8Array,
): void {
  let at = writeU32(out, offset, size - RECORD_HEADER_BYTES);
  at += 4; // the CRC, written once the body is in place
  at = writeU8(out, at, RECORD_KIND_MESSAGE);
  at = writeU64(out, at, position);
  at = writeU64(out, at, time);
  out.set(names, at);
  at = writeHeaders(out, at + names.length, headers);
  out.set(payload, at);
  out.writeUInt32BE(crc32Range(out, offset + RECORD_HEADER_BYTES, offset + size), offset + 4);
}

/** The bytes the key record of `key` takes, header included (the key is at most 64 MiB, never near it). */
export function keyRecordSize(key: string): number {
  return KEY_RECORD_BASE + Buffer.byteLength(key);
}

/** Writes the key record of the message at `position` (`size` bytes: keyRecordSize) into `out` at `offset`. */
export function writeKeyRecord(
  out: Buffer,
  offset: number,
  size: number,
  position: number,
  time: number,
  key: string,
): void {
  let at = writeU32(out, offset, size - RECORD_HEADER_BYTES);
  at += 4;
  at = writeU8(out, at, RECORD_KIND_KEY);
  at = writeU64(out, at, position);
  at = writeU64(out, at, time);
  if (offset + size - at === key.length) {
    // One byte a character: ASCII (most keys are), copied here, cheaper than a Buffer.write of a few bytes.
    for (let i = 0; i < key.length; i++) out[at + i] = key.charCodeAt(i);
  } else out.write(key, at, "utf8");
  out.writeUInt32BE(crc32Range(out, offset + RECORD_HEADER_BYTES, offset + size), offset + 4);
}

/** The key of a key record read from `buffer`. */
export function readKey(buffer: Buffer, key: StoredKey): string {
  return buffer.toString("utf8", key.keyStart, key.keyEnd);
}

/** What `decodeRecord` found at an offset. */
export type RecordProblem =
  /** Fewer bytes remain than the record needs: the end of a log cut short, or damage. */
  | "short"
  /** The bytes there are not a record: a bad length, kind, CRC or field. */
  | "damaged";

function readU64(buffer: Buffer, offset: number): number | undefined {
  const high = buffer.readUInt32BE(offset);
  // Positions and times are JavaScript numbers: anything past 2^53 is damage.
  if (high >= 0x20_0000) return undefined;
  return high * TWO_32 + buffer.readUInt32BE(offset + 4);
}

/**
 * The record that starts at `offset` in `buffer` (only bytes before `end` count), or why there is none.
 * A message's payload is a view into `buffer`, its strings are copies; a key is left in `buffer`.
 */
export function decodeRecord(
  buffer: Buffer,
  offset: number,
  end = buffer.length,
): DecodedRecord | RecordProblem {
  if (end - offset < RECORD_HEADER_BYTES) return "short";
  const bodyBytes = buffer.readUInt32BE(offset);
  if (bodyBytes < MIN_KEY_BODY_BYTES || bodyBytes > MAX_BODY_BYTES) return "damaged";
  const bodyStart = offset + RECORD_HEADER_BYTES;
  const bodyEnd = bodyStart + bodyBytes;
  if (bodyEnd > end) return "short";
  const kind = buffer[bodyStart];
  if (kind !== RECORD_KIND_MESSAGE && kind !== RECORD_KIND_KEY) return "damaged";
  if (kind === RECORD_KIND_MESSAGE && bodyBytes < MIN_BODY_BYTES) return "damaged";
  if (crc32Range(buffer, bodyStart, bodyEnd) !== buffer.readUInt32BE(offset + 4)) return "damaged";
  const position = readU64(buffer, bodyStart + 1);
  const time = readU64(buffer, bodyStart + 9);
  if (position === undefined || position === 0 || time === undefined) return "damaged";
  if (kind === RECORD_KIND_KEY) {
    return { key: { position, time, keyStart: bodyStart + 17, keyEnd: bodyEnd }, end: bodyEnd };
  }
  try {
    const reader = new WireReader(buffer, "history record", bodyStart + 17, bodyEnd);
    const topic = reader.str("topic");
    const from = reader.str("from");
    const headers = reader.headers("headers");
    const payload = reader.rest();
    return { message: { position, time, topic, from, headers, payload }, end: bodyEnd };
  } catch {
    // A record whose CRC matches but whose fields do not parse was written by a bug or another program.
    return "damaged";
  }
}
