/**
 * The binary wire primitives shared by the frame codec (docs/PROTOCOL.md §2) and the cluster bus codec:
 * u8, u16 and u32 (big-endian), str (u16 byte length + UTF-8), headers (u16 count + pairs of str) and a
 * payload that runs to the end. Pure, no I/O. Encoding is two steps, so many values can share one
 * allocation: a size function, then an in-place writer into a preallocated Buffer at an offset.
 */
import { isUtf8 } from "node:buffer";
import { EnchufeError } from "../errors.js";

/** Header pairs, in order (a key may repeat). */
export type Headers = ReadonlyArray<readonly [string, string]>;

/** The longest str on the wire, in bytes (its length prefix is a u16). */
export const MAX_STR_BYTES = 0xffff;

/**
 * The bytes `text` takes on the wire as a str, prefix included. `label` names the field for the error:
 * a str over MAX_STR_BYTES throws ETOOLARGE (ours to fix, never sent truncated).
 */
export function strSize(text: string, label: string): number {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_STR_BYTES) {
    throw new EnchufeError(
      "ETOOLARGE",
      `${label} should be at most ${MAX_STR_BYTES} bytes. Received ${bytes}`,
      {
        details: { limit: MAX_STR_BYTES },
      },
    );
  }
  return 2 + bytes;
}

/** The bytes `headers` take on the wire, count included; throws ETOOLARGE as strSize does. */
export function headersSize(headers: Headers, label: string): number {
  let size = 2;
  for (const [key, value] of headers) size += strSize(key, label) + strSize(value, label);
  return size;
}

/** Writes a u8 at `offset`; returns the offset just past it. */
export function writeU8(out: Buffer, offset: number, value: number): number {
  out[offset] = value;
  return offset + 1;
}

/** Writes a big-endian u16 at `offset`; returns the offset just past it. */
export function writeU16(out: Buffer, offset: number, value: number): number {
  out.writeUInt16BE(value, offset);
  return offset + 2;
}

/** Writes a big-endian u32 at `offset`; returns the offset just past it. */
export function writeU32(out: Buffer, offset: number, value: number): number {
  out.writeUInt32BE(value, offset);
  return offset + 4;
}

/**
 * writeU32 without Buffer's argument checks, for a hot path's own values (always a u32 in range): 4 byte
 * stores. Returns the offset just past it.
 */
export function putU32(out: Uint8Array, offset: number, value: number): number {
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
  return offset + 4;
}

/** An empty header list (count 0) at `offset`; returns the offset just past it. */
export function writeNoHeaders(out: Uint8Array, offset: number): number {
  out[offset] = 0;
  out[offset + 1] = 0;
  return offset + 2;
}

/** Writes an unsigned integer below 2^53 as 8 bytes big-endian at `offset`; returns the offset just past it. */
export function writeU53(out: Buffer, offset: number, value: number): number {
  out.writeUInt32BE(Math.floor(value / 0x100000000), offset);
  out.writeUInt32BE(value >>> 0, offset + 4);
  return offset + 8;
}

/** Strings up to this many characters are tried as ASCII by writeStr (the u16 length's high byte is 0). */
const SHORT_STR = 32;

/** Writes a str at `offset` (its size checked by strSize first); returns the offset just past it. */
export function writeStr(out: Buffer, offset: number, text: string): number {
  const chars = text.length;
  if (chars <= SHORT_STR) {
    // Short ASCII (topics, names, tokens, nicks): a byte loop costs a third of a utf8Write call.
    let i = 0;
    for (; i < chars; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) break;
      out[offset + 2 + i] = code;
    }
    if (i === chars) {
      out[offset] = 0;
      out[offset + 1] = chars;
      return offset + 2 + chars;
    }
  }
  const length = out.write(text, offset + 2, "utf8");
  out.writeUInt16BE(length, offset);
  return offset + 2 + length;
}

/** Writes headers at `offset` (sized by headersSize first); returns the offset just past them. */
export function writeHeaders(out: Buffer, offset: number, headers: Headers): number {
  out.writeUInt16BE(headers.length, offset);
  let next = offset + 2;
  for (const [key, value] of headers) {
    next = writeStr(out, next, key);
    next = writeStr(out, next, value);
  }
  return next;
}

/** Copies `bytes` to `offset` (the last field); returns the offset just past them. */
export function writeBytes(out: Buffer, offset: number, bytes: Uint8Array): number {
  out.set(bytes, offset);
  return offset + bytes.byteLength;
}

/**
 * Reads fields from `buffer` between `start` and `end` with bounds and UTF-8 checks; no view is made of
 * the range. Every failure throws EnchufeError EPROTOCOL naming `label` (e.g. "PUB frame") and the field.
 */
export class WireReader {
  offset: number;
  readonly buffer: Buffer;
  readonly end: number;
  readonly label: string;

  constructor(buffer: Buffer, label: string, start = 0, end = buffer.length) {
    this.buffer = buffer;
    this.label = label;
    this.offset = start;
    this.end = end;
  }

  /** Throws EPROTOCOL unless `bytes` more bytes remain. */
  need(bytes: number, name: string): void {
    if (this.offset + bytes > this.end) {
      throw new EnchufeError("EPROTOCOL", `${this.label} is truncated in field '${name}'`);
    }
  }

  u8(name: string): number {
    this.need(1, name);
    return this.buffer[this.offset++]!;
  }

  u16(name: string): number {
    this.need(2, name);
    const value = this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(name: string): number {
    this.need(4, name);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** 8 bytes big-endian; a value of 2^53 or more is a protocol error (a number could not hold it exactly). */
  u53(name: string): number {
    this.need(8, name);
    const high = this.buffer.readUInt32BE(this.offset);
    const low = this.buffer.readUInt32BE(this.offset + 4);
    if (high > 0x1fffff) {
      throw new EnchufeError("EPROTOCOL", `${this.label} has field '${name}' over 2^53`);
    }
    this.offset += 8;
    return high * 0x100000000 + low;
  }

  str(name: string): string {
    const length = this.u16(name);
    this.need(length, name);
    const buffer = this.buffer;
    const start = this.offset;
    const end = start + length;
    this.offset = end;
    // Topics, names and most strings are ASCII: checked and read without a view or a UTF-8 decode.
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (buffer[i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return buffer.toString("latin1", start, end);
    if (!isUtf8(buffer.subarray(start, end))) {
      throw new EnchufeError("EPROTOCOL", `${this.label} has invalid UTF-8 in field '${name}'`);
    }
    return buffer.toString("utf8", start, end);
  }

  headers(name: string): Headers {
    const count = this.u16(name);
    const headers: Array<readonly [string, string]> = [];
    for (let i = 0; i < count; i++) headers.push([this.str(name), this.str(name)]);
    return headers;
  }

  /** The rest of the range, as a view (not a copy). */
  rest(): Buffer {
    const payload = this.buffer.subarray(this.offset, this.end);
    this.offset = this.end;
    return payload;
  }
}
