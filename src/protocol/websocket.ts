/**
 * The RFC 6455 WebSocket frame codec, pure (no I/O, no timers, no globals), like the frame codec.
 * - Server frames are never masked, so a frame is built once and the same bytes go to every
 *   recipient: `encodeWsFrame()` (one binary message) and `encodeWsTextLines()` (a text message per
 *   line) build them; `wsFrameHeader()` gives just the header, for a payload written after it uncopied.
 * - Client frames are read by a pull decoder in h11's style: `push(chunk)`, then `next()` gives one
 *   message or NEED_DATA. The peer's mistakes are thrown as WsProtocolError carrying the close code
 *   to answer with (ws's receiver does the same), so the connection sends what the error says.
 * No extension is negotiated: every RSV bit set is an error.
 */
import { Buffer, isUtf8 } from "node:buffer";
import { EnchufeError } from "../errors.js";
import { NEED_DATA } from "./frame-decoder.js";

export { NEED_DATA };

/** Frame opcodes (RFC 6455 §5.2). */
export const WsOpcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;
export type WsOpcode = (typeof WsOpcode)[keyof typeof WsOpcode];

/** Close codes enchufe sends (RFC 6455 §7.4.1). */
export const WsCloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  INVALID_DATA: 1007,
  POLICY_VIOLATION: 1008,
  TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
} as const;

const NEWLINE = 0x0a;

/** A control frame's payload may not exceed this (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;
/** A close reason fits in a control frame after the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = MAX_CONTROL_PAYLOAD - 2;

/** One complete message from a client: data messages reassembled, control frames as they come. */
export type WsMessage =
  | { readonly type: "text"; readonly data: Buffer }
  | { readonly type: "binary"; readonly data: Buffer }
  | { readonly type: "ping"; readonly data: Buffer }
  | { readonly type: "pong"; readonly data: Buffer }
  /** `code` is undefined when the close frame carried none (1005, "no status received"). */
  | { readonly type: "close"; readonly code: number | undefined; readonly reason: string };

/** The client broke RFC 6455 or a limit: answer with a close frame of `closeCode`, then close. */
export class WsProtocolError extends EnchufeError {
  readonly closeCode: number;

  constructor(closeCode: number, message: string) {
    super(closeCode === WsCloseCode.TOO_BIG ? "ETOOLARGE" : "EPROTOCOL", message, {
      details: { closeCode },
    });
    this.closeCode = closeCode;
  }
}

/** True for a close code a peer may send (RFC 6455 §7.4, as ws checks it). */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** Bytes of the header of an unmasked (server) frame carrying `length` payload bytes. */
export function wsHeaderLength(length: number): number {
  return length < 126 ? 2 : length <= 0xffff ? 4 : 10;
}

/** Writes an unmasked frame header into `out` at `offset`; returns the offset after it. */
function putHeader(out: Buffer, offset: number, opcode: number, length: number, fin: boolean): number {
  out[offset] = (fin ? 0x80 : 0) | opcode;
  if (length < 126) {
    out[offset + 1] = length;
    return offset + 2;
  }
  if (length <= 0xffff) {
    out[offset + 1] = 126;
    out.writeUInt16BE(length, offset + 2);
    return offset + 4;
  }
  out[offset + 1] = 127;
  out.writeUInt32BE(Math.floor(length / 0x1_0000_0000), offset + 2);
  out.writeUInt32BE(length >>> 0, offset + 6);
  return offset + 10;
}

/** The header of an unmasked (server) frame carrying `length` payload bytes. */
export function wsFrameHeader(opcode: number, length: number, fin = true): Buffer {
  const header = Buffer.allocUnsafe(wsHeaderLength(length));
  putHeader(header, 0, opcode, length, fin);
  return header;
}

/** One unmasked (server) frame: header and payload in one Buffer. */
export function encodeWsFrame(opcode: number, payload: Uint8Array, fin = true): Buffer {
  const out = Buffer.allocUnsafe(wsHeaderLength(payload.length) + payload.length);
  out.set(payload, putHeader(out, 0, opcode, payload.length, fin));
  return out;
}

/**
 * enchufe.text's server side: one text frame per line of `text` ("\n" ends a line and is not sent; a
 * last piece without one is a line too), every frame back to back in one Buffer, built once so that the
 * same bytes can go to every recipient.
 */
export function encodeWsTextLines(text: Uint8Array): Buffer {
  let size = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(NEWLINE, start);
    if (end === -1) end = text.length;
    size += wsHeaderLength(end - start) + end - start;
    start = end + 1;
  }
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(NEWLINE, start);
    if (end === -1) end = text.length;
    offset = putHeader(out, offset, WsOpcode.TEXT, end - start, true);
    out.set(text.subarray(start, end), offset);
    offset += end - start;
    start = end + 1;
  }
  return out;
}

/** A close frame with `code` and `reason` (cut to 123 bytes at a character boundary). */
export function encodeWsClose(code: number, reason = ""): Buffer {
  let text = Buffer.from(reason, "utf8");
  if (text.length > MAX_CLOSE_REASON_BYTES) {
    let end = MAX_CLOSE_REASON_BYTES;
    while (end > 0 && (text[end]! & 0xc0) === 0x80) end--;
    text = text.subarray(0, end);
  }
  const payload = Buffer.allocUnsafe(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return encodeWsFrame(WsOpcode.CLOSE, payload);
}

export interface WsDecoderOptions {
  /** Largest data message (all its fragments), in bytes; refused from the header with 1009. */
  readonly maxMessageBytes: number;
}

type DecoderState = "INFO" | "LENGTH_16" | "LENGTH_64" | "MASK" | "DATA" | "FAILED";

const EMPTY = Buffer.alloc(0);

function protocolError(message: string): WsProtocolError {
  return new WsProtocolError(WsCloseCode.PROTOCOL_ERROR, message);
}

/**
 * Pull decoder for client frames: push() adds bytes, next() returns one message or NEED_DATA.
 * Named states follow the frame layout: INFO (2 bytes) -> LENGTH_16 / LENGTH_64 -> MASK -> DATA.
 * After an error the decoder is FAILED: every later next() throws the same error.
 */
export class WsDecoder {
  readonly #maxMessageBytes: number;
  #state: DecoderState = "INFO";
  #chunks: Buffer[] = [];
  #buffered = 0;
  #failure: WsProtocolError | undefined;
  // The frame being read.
  #fin = false;
  #opcode = 0;
  #length = 0;
  readonly #mask = Buffer.alloc(4);
  // The data message being reassembled (opcode 0 when none).
  #messageOpcode = 0;
  #fragments: Buffer[] = [];
  #messageBytes = 0;

  constructor(options: WsDecoderOptions) {
    this.#maxMessageBytes = options.maxMessageBytes;
  }

  /** Bytes received and not yet decoded. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Adds received bytes (the chunk is not modified: payloads are unmasked into new buffers). */
  push(chunk: Buffer): void {
    if (this.#state === "FAILED" || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** The next complete message, or NEED_DATA. Throws WsProtocolError for a frame that breaks a rule. */
  next(): WsMessage | typeof NEED_DATA {
    for (;;) {
      switch (this.#state) {
        case "INFO":
          if (this.#buffered < 2) return NEED_DATA;
          this.#readInfo();
          break;
        case "LENGTH_16":
          if (this.#buffered < 2) return NEED_DATA;
          this.#setLength(this.#take(2).readUInt16BE(0));
          break;
        case "LENGTH_64": {
          if (this.#buffered < 8) return NEED_DATA;
          const bytes = this.#take(8);
          const high = bytes.readUInt32BE(0);
          if (high > 0x1fffff) this.#setLength(Number.MAX_SAFE_INTEGER);
          else this.#setLength(high * 0x1_0000_0000 + bytes.readUInt32BE(4));
          break;
        }
        case "MASK":
          if (this.#buffered < 4) return NEED_DATA;
          this.#take(4).copy(this.#mask);
          this.#state = "DATA";
          break;
        case "DATA": {
          if (this.#buffered < this.#length) return NEED_DATA;
          const message = this.#readData();
          if (message !== undefined) return message;
          break;
        }
        case "FAILED":
          throw this.#failure;
      }
    }
  }

  /** INFO: FIN, RSV, opcode, MASK and the 7-bit length; every rule decidable from them is checked here. */
  #readInfo(): void {
    const info = this.#take(2);
    const first = info[0]!;
    const second = info[1]!;
    this.#fin = (first & 0x80) !== 0;
    this.#opcode = first & 0x0f;
    if ((first & 0x70) !== 0)
      throw this.#fail(protocolError("reserved bits set (no extension was negotiated)"));
    const opcode = this.#opcode;
    const control = opcode >= 0x8;
    if (opcode > WsOpcode.BINARY && !(opcode >= WsOpcode.CLOSE && opcode <= WsOpcode.PONG)) {
      throw this.#fail(protocolError(`unknown opcode 0x${opcode.toString(16)}`));
    }
    if ((second & 0x80) === 0) throw this.#fail(protocolError("client frames must be masked"));
    if (control && !this.#fin) throw this.#fail(protocolError("a control frame may not be fragmented"));
    if (opcode === WsOpcode.CONTINUATION && this.#messageOpcode === 0) {
      throw this.#fail(protocolError("a continuation frame without a message to continue"));
    }
    if ((opcode === WsOpcode.TEXT || opcode === WsOpcode.BINARY) && this.#messageOpcode !== 0) {
      throw this.#fail(protocolError("a new message started before the fragmented one ended"));
    }
    const length = second & 0x7f;
    if (control && length > MAX_CONTROL_PAYLOAD) {
      throw this.#fail(protocolError(`a control frame of more than ${MAX_CONTROL_PAYLOAD} bytes`));
    }
    if (length === 126) this.#state = "LENGTH_16";
    else if (length === 127) this.#state = "LENGTH_64";
    else this.#setLength(length);
  }

  /** The payload length is known: a data message over the limit is refused before it is buffered. */
  #setLength(length: number): void {
    this.#length = length;
    if (this.#opcode < 0x8 && this.#messageBytes + length > this.#maxMessageBytes) {
      throw this.#fail(
        new WsProtocolError(
          WsCloseCode.TOO_BIG,
          `a message of more than ${this.#maxMessageBytes} bytes (the limit)`,
        ),
      );
    }
    this.#state = "MASK";
  }

  /** DATA: the payload, unmasked; a control message or the last fragment of a data message is returned. */
  #readData(): WsMessage | undefined {
    const payload = this.#unmask(this.#length);
    this.#state = "INFO";
    const opcode = this.#opcode;
    if (opcode >= 0x8) return this.#control(opcode, payload);
    if (opcode !== WsOpcode.CONTINUATION) this.#messageOpcode = opcode;
    if (!this.#fin) {
      this.#fragments.push(payload);
      this.#messageBytes += payload.length;
      return undefined;
    }
    let data = payload;
    if (this.#fragments.length > 0) {
      this.#fragments.push(payload);
      data = Buffer.concat(this.#fragments, this.#messageBytes + payload.length);
      this.#fragments = [];
    }
    const type = this.#messageOpcode === WsOpcode.TEXT ? "text" : "binary";
    this.#messageOpcode = 0;
    this.#messageBytes = 0;
    if (type === "text" && !isUtf8(data)) {
      throw this.#fail(
        new WsProtocolError(WsCloseCode.INVALID_DATA, "a text message that is not valid UTF-8"),
      );
    }
    return { type, data };
  }

  #control(opcode: number, payload: Buffer): WsMessage {
    if (opcode === WsOpcode.PING) return { type: "ping", data: payload };
    if (opcode === WsOpcode.PONG) return { type: "pong", data: payload };
    if (payload.length === 0) return { type: "close", code: undefined, reason: "" };
    if (payload.length === 1) throw this.#fail(protocolError("a close frame with a 1-byte payload"));
    const code = payload.readUInt16BE(0);
    if (!isValidCloseCode(code)) throw this.#fail(protocolError(`an invalid close code ${code}`));
    const reason = payload.subarray(2);
    if (!isUtf8(reason)) {
      throw this.#fail(
        new WsProtocolError(WsCloseCode.INVALID_DATA, "a close reason that is not valid UTF-8"),
      );
    }
    return { type: "close", code, reason: reason.toString("utf8") };
  }

  /** Takes `count` buffered bytes (a view when they sit in one chunk). */
  #take(count: number): Buffer {
    const first = this.#chunks[0]!;
    this.#buffered -= count;
    if (first.length > count) {
      this.#chunks[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    if (first.length === count) {
      this.#chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(count);
    this.#copyOut(out, count, false);
    return out;
  }

  /** Takes `count` payload bytes into a new buffer, unmasked. */
  #unmask(count: number): Buffer {
    if (count === 0) return EMPTY;
    const out = Buffer.allocUnsafe(count);
    this.#buffered -= count;
    this.#copyOut(out, count, true);
    return out;
  }

  /** Moves `count` bytes from the chunks into `out` (XORed with the mask when `masked`). */
  #copyOut(out: Buffer, count: number, masked: boolean): void {
    const mask = this.#mask;
    let written = 0;
    while (written < count) {
      const chunk = this.#chunks[0]!;
      const n = Math.min(chunk.length, count - written);
      if (masked) {
        for (let i = 0; i < n; i++) out[written + i] = chunk[i]! ^ mask[(written + i) & 3]!;
      } else {
        chunk.copy(out, written, 0, n);
      }
      written += n;
      if (n === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(n);
    }
  }

  /** Enters FAILED, drops what is buffered, and returns `error` to throw. */
  #fail(error: WsProtocolError): WsProtocolError {
    this.#state = "FAILED";
    this.#failure = error;
    this.#chunks = [];
    this.#buffered = 0;
    this.#fragments = [];
    return error;
  }
}
