/**
 * The history log's record codec (docs/HISTORY.md §3), pure: no I/O. A record is a frame of
 * `length u32 | crc32 u32 | body`, where the CRC covers the body and the body is
 * `kind u8 (1) | position u64 | time u64 | topic str | from str | headers | payload (to the end)`,
 * all big-endian, strings and headers as on the wire (src/protocol/wire.ts).
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
import { crc32 } from "./crc32.js";

/** Bytes before the body: its length and its CRC. */
export const RECORD_HEADER_BYTES = 8;
/** The only record kind so far: one published message. */
export const RECORD_KIND_MESSAGE = 1;
/** The smallest body: kind, position, time and three empty fields. */
export const MIN_BODY_BYTES = 1 + 8 + 8 + 2 + 2 + 2;
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

/** A decoded record and the offset just past it. */
export interface DecodedRecord {
  readonly message: StoredMessage;
  readonly end: number;
}

function writeU64(out: Buffer, offset: number, value: number): number {
  out.writeUInt32BE(Math.floor(value / TWO_32), offset);
  out.writeUInt32BE(value >>> 0, offset + 4);
  return offset + 8;
}

/**
 * The bytes a message's record takes, header included; throws ETOOLARGE for a string over 65535 bytes
 * or a body over MAX_BODY_BYTES.
 */
export function recordSize(topic: string, from: string, headers: Headers, payloadBytes: number): number {
  const label = "history record";
  const bodyBytes =
    MIN_BODY_BYTES -
    6 +
    strSize(topic, label) +
    strSize(from, label) +
    headersSize(headers, label) +
    payloadBytes;
  if (bodyBytes > MAX_BODY_BYTES) {
    throw new EnchufeError(
      "ETOOLARGE",
      `A history record should be at most ${MAX_BODY_BYTES} bytes. Received ${bodyBytes}`,
      { details: { limit: MAX_BODY_BYTES } },
    );
  }
  return RECORD_HEADER_BYTES + bodyBytes;
}

/** The whole record (header and body) for one message, in one new Buffer of `size` bytes (recordSize). */
export function encodeRecord(message: StoredMessage, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let offset = writeU32(out, 0, size - RECORD_HEADER_BYTES);
  offset += 4; // the CRC, written once the body is in place
  offset = writeU8(out, offset, RECORD_KIND_MESSAGE);
  offset = writeU64(out, offset, message.position);
  offset = writeU64(out, offset, message.time);
  offset = writeStr(out, offset, message.topic);
  offset = writeStr(out, offset, message.from);
  offset = writeHeaders(out, offset, message.headers);
  out.set(message.payload, offset);
  out.writeUInt32BE(crc32(out.subarray(RECORD_HEADER_BYTES)), 4);
  return out;
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
 * The message's payload is a view into `buffer`; its strings are copies.
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
  if (buffer[bodyStart] !== RECORD_KIND_MESSAGE) return "damaged";
  if (crc32(buffer.subarray(bodyStart, bodyEnd)) !== buffer.readUInt32BE(offset + 4)) return "damaged";
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
