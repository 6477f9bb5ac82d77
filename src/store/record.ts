/**
 * The history log's record codec (docs/HISTORY.md §4), pure: no I/O. A record is a frame of
 * `length u32 | crc32 u32 | body`, where the CRC covers the body and the body is a batch of messages
 * (kinds 3 and 4, with their dedupe keys: batch-record.ts, what the store writes) or one message,
 * `kind u8 (1) | position u64 | time u64 | topic str | from str | headers | payload (to the end)`, what
 * logs written before batch records hold; all big-endian, strings and headers as on the wire
 * (src/protocol/wire.ts).
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
  writeU53,
} from "../protocol/wire.js";
import {
  type DecodedBatch,
  decodeBatchBody,
  MIN_BATCH_BODY_BYTES,
  RECORD_KIND_BATCH,
  RECORD_KIND_KEYED_BATCH,
} from "./batch-record.js";
import { crc32Range } from "./crc32.js";
import type { StoredMessage } from "./message.js";

/** Bytes before the body: its length and its CRC. */
export const RECORD_HEADER_BYTES = 8;
/** A record of one published message (what the log wrote before batch records, kind 3: batch-record.ts). */
export const RECORD_KIND_MESSAGE = 1;
/** The smallest message body: kind, position, time and three empty fields. */
export const MIN_BODY_BYTES = 1 + 8 + 8 + 2 + 2 + 2;
/** The largest body a reader accepts; anything longer is damage, not a record. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

const TWO_32 = 0x1_0000_0000;

export type { StoredMessage } from "./message.js";

/**
 * A decoded record and the offset just past it: one message (kind 1) or a batch of them (kinds 3 and 4,
 * batch-record.ts; each message's share of the record's bytes in `sizes`, its dedupe key in `keys`).
 */
export type DecodedRecord =
  | { readonly message: StoredMessage; readonly batch?: undefined; readonly end: number }
  | { readonly batch: DecodedBatch; readonly message?: undefined; readonly end: number };

const LABEL = "history record";

/** ETOOLARGE for a record body of `bodyBytes`, over MAX_BODY_BYTES. */
export function tooLarge(bodyBytes: number): EnchufeError {
  return new EnchufeError(
    "ETOOLARGE",
    `A history record should be at most ${MAX_BODY_BYTES} bytes. Received ${bodyBytes}`,
    { details: { limit: MAX_BODY_BYTES } },
  );
}

/**
 * The bytes a one-message record (kind 1) takes, header included; throws ETOOLARGE for a string over
 * 65535 bytes or a body over MAX_BODY_BYTES. The store writes batch records; this and encodeRecord write
 * the records of older logs (the tests that check such logs still open).
 */
export function recordSize(topic: string, from: string, headers: Headers, payloadBytes: number): number {
  const names = strSize(topic, LABEL) + strSize(from, LABEL);
  const size = RECORD_HEADER_BYTES + MIN_BODY_BYTES - 6 + names + headersSize(headers, LABEL) + payloadBytes;
  if (size - RECORD_HEADER_BYTES > MAX_BODY_BYTES) throw tooLarge(size - RECORD_HEADER_BYTES);
  return size;
}

/** The one-message record of `message`, in one new Buffer of `size` bytes (recordSize). */
export function encodeRecord(message: StoredMessage, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let at = writeU32(out, 0, size - RECORD_HEADER_BYTES) + 4; // the CRC, once the body is in place
  at = writeU8(out, at, RECORD_KIND_MESSAGE);
  at = writeU53(out, at, message.position);
  at = writeU53(out, at, message.time);
  at = writeStr(out, writeStr(out, at, message.topic), message.from);
  out.set(message.payload, writeHeaders(out, at, message.headers));
  out.writeUInt32BE(crc32Range(out, RECORD_HEADER_BYTES, size), 4);
  return out;
}

/** The topic and sender fields of a record (str topic, str from), encoded once for a batch. */
export function recordNames(topic: string, from: string): Uint8Array {
  const names = Buffer.allocUnsafe(strSize(topic, LABEL) + strSize(from, LABEL));
  writeStr(names, writeStr(names, 0, topic), from);
  return names;
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
  if (bodyBytes < MIN_BODY_BYTES || bodyBytes > MAX_BODY_BYTES) return "damaged";
  const bodyStart = offset + RECORD_HEADER_BYTES;
  const bodyEnd = bodyStart + bodyBytes;
  if (bodyEnd > end) return "short";
  const kind = buffer[bodyStart];
  const batched = kind === RECORD_KIND_BATCH || kind === RECORD_KIND_KEYED_BATCH;
  if (kind !== RECORD_KIND_MESSAGE && (!batched || bodyBytes < MIN_BATCH_BODY_BYTES)) return "damaged";
  if (crc32Range(buffer, bodyStart, bodyEnd) !== buffer.readUInt32BE(offset + 4)) return "damaged";
  if (batched) {
    const batch = decodeBatchBody(buffer, bodyStart, bodyEnd);
    return batch === undefined ? "damaged" : { batch, end: bodyEnd };
  }
  const position = readU64(buffer, bodyStart + 1);
  const time = readU64(buffer, bodyStart + 9);
  if (position === undefined || position === 0 || time === undefined) return "damaged";
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
