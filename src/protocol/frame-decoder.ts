/**
 * The frame decoder (docs/PROTOCOL.md §2): pure, no I/O, driven by FRAME_SCHEMA. A pull parser in the
 * style of h11's next_event(): push() adds bytes, next() returns one frame or NEED_DATA. It never calls
 * application code, so a bug in a frame handler can never be reported as the peer's protocol error; the
 * peer's mistakes come out as RemoteProtocolError carrying the ERR code and CLOSE reason to answer with.
 */
import { EnchufeError, type ErrorDetails } from "../errors.js";
import {
  CloseReason,
  ErrCode,
  FRAME_HEADER_BYTES,
  FRAME_LABELS,
  FRAME_SCHEMA,
  FRAME_TYPES,
  type Frame,
  type FrameRecord,
} from "./frame-schema.js";
import {
  type PlainCache,
  type PlainRecord,
  plainCache,
  plainPub,
  plainReq,
  plainRespond,
  readPub,
  readReq,
  readRespond,
} from "./plain-frames.js";
import { WireReader } from "./wire.js";

/** Returned by next() when the buffered bytes hold no complete frame yet. */
export const NEED_DATA: unique symbol = Symbol("NEED_DATA");

/** Returned by next(record) when the frame was a plain RESPOND, read into that record (plain-frames.ts). */
export const RESPOND_READ: unique symbol = Symbol("RESPOND_READ");

/** Returned by next(record) when the frame was a plain REQ, read into that record. */
export const REQ_READ: unique symbol = Symbol("REQ_READ");

/** Returned by next(record) when the frame was a plain PUB, read into that record (its topic in `name`). */
export const PUB_READ: unique symbol = Symbol("PUB_READ");

/** What next(record) may return besides frames. */
export type InPlace = typeof RESPOND_READ | typeof REQ_READ | typeof PUB_READ;

/**
 * The peer broke the protocol: carries the ERR code and CLOSE reason to answer with (ws's createError
 * style), so the session sends what the error says, with no mapping table.
 */
export class RemoteProtocolError extends EnchufeError {
  /** The ErrCode to send in the ERR frame (PROTOCOL, TOO_LARGE...). */
  readonly errCode: number;
  /** The CloseReason to send in the CLOSE frame (PROTOCOL_ERROR, TOO_LARGE...). */
  readonly closeReason: number;

  constructor(
    code: "EPROTOCOL" | "ETOOLARGE",
    message: string,
    answer: { errCode: number; closeReason: number; details?: ErrorDetails; cause?: unknown },
  ) {
    super(code, message, { details: answer.details, cause: answer.cause });
    this.errCode = answer.errCode;
    this.closeReason = answer.closeReason;
  }
}

/** A malformed frame: answered with ERR PROTOCOL and CLOSE PROTOCOL_ERROR. */
function malformed(message: string, cause?: unknown): RemoteProtocolError {
  return new RemoteProtocolError("EPROTOCOL", message, {
    errCode: ErrCode.PROTOCOL,
    closeReason: CloseReason.PROTOCOL_ERROR,
    cause,
  });
}

/**
 * Decodes one frame body (the header already read): `body` from `start` to `end`. Throws EPROTOCOL on any
 * malformed field. Payloads are views into `body`.
 */
export function decodeFrameBody(
  typeByte: number,
  flags: number,
  body: Buffer,
  start = 0,
  end = body.length,
  cache?: PlainCache,
): Frame {
  if (flags === 0) {
    const plain =
      typeByte === PUB_TYPE
        ? plainPub(body, start, end, cache)
        : typeByte === REQ_TYPE
          ? plainReq(body, start, end, cache)
          : typeByte === RESPOND_TYPE
            ? plainRespond(body, start, end, cache)
            : undefined;
    if (plain !== undefined) return plain;
  }
  return decodeBySchema(typeByte, flags, body, start, end);
}

/** decodeFrameBody for every frame by walking its schema (exported for the test of the PUB path). */
export function decodeBySchema(
  typeByte: number,
  flags: number,
  body: Buffer,
  start: number,
  end: number,
): Frame {
  const type = FRAME_TYPES[typeByte];
  if (type === undefined || type === "")
    throw new EnchufeError("EPROTOCOL", `unknown frame type 0x${typeByte.toString(16)}`);
  const schema = FRAME_SCHEMA[type];
  if ((flags & ~(schema.flag === undefined ? 0 : 1)) !== 0) {
    throw new EnchufeError("EPROTOCOL", `${type} frame has unknown flag bits 0x${flags.toString(16)}`);
  }
  const reader = new WireReader(body, FRAME_LABELS[typeByte]!, start, end);
  const frame: FrameRecord = { type };
  if (schema.flag !== undefined) frame[schema.flag] = (flags & 1) === 1;
  for (const [name, kind] of schema.fields) {
    switch (kind) {
      case "u8":
        frame[name] = reader.u8(name);
        break;
      case "u16":
        frame[name] = reader.u16(name);
        break;
      case "u32":
        frame[name] = reader.u32(name);
        break;
      case "u53":
        frame[name] = reader.u53(name);
        break;
      case "str":
        frame[name] = reader.str(name);
        break;
      case "headers":
        frame[name] = reader.headers(name);
        break;
      case "payload":
        frame[name] = reader.rest();
        break;
    }
  }
  if (reader.offset !== end) {
    throw new EnchufeError("EPROTOCOL", `${type} frame has ${end - reader.offset} trailing bytes`);
  }
  return frame as unknown as Frame;
}

const EMPTY: Buffer = Buffer.alloc(0);
const PUB_TYPE = FRAME_TYPES.indexOf("PUB");
const REQ_TYPE = FRAME_TYPES.indexOf("REQ");
const RESPOND_TYPE = FRAME_TYPES.indexOf("RESPOND");

/**
 * The pull decoder. States: HEADER (waiting for 6 header bytes) and BODY (waiting for `length` body
 * bytes); FAILED once the peer broke the protocol. Partial input is normal: bytes that do not complete
 * the current unit wait as a list of chunks and are joined once, when the unit is complete (never
 * re-copied per push). Frames inside one chunk are decoded in place: their payloads are views into it.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #state: "HEADER" | "BODY" | "FAILED" = "HEADER";
  #failure: RemoteProtocolError | undefined;
  #type = 0;
  #flags = 0;
  #length = 0;
  /** The buffer being decoded, from #offset on. */
  #data: Buffer = EMPTY;
  #offset = 0;
  /** Chunks pushed after #data while its tail is an incomplete unit (empty whenever #data is used up). */
  #chunks: Buffer[] = [];
  #chunkBytes = 0;
  /** The last PUB topic or REQ name and the last body viewed (plain-frames.ts): made once per change. */
  readonly #plain: PlainCache = plainCache();

  constructor(options: { maxFrameBytes: number }) {
    this.#maxFrameBytes = options.maxFrameBytes;
  }

  /** Bytes held that next() has not returned yet. */
  get buffered(): number {
    // In BODY the header is read but its frame not returned yet: its 6 bytes still count.
    const header = this.#state === "BODY" ? FRAME_HEADER_BYTES : 0;
    return header + this.#data.length - this.#offset + this.#chunkBytes;
  }

  /**
   * Adds bytes. Never throws, never calls back. The chunk is not copied when nothing is buffered
   * (payloads of frames returned by next() are views into it: callers must not reuse pushed buffers).
   */
  push(chunk: Buffer): void {
    if (this.#state === "FAILED" || chunk.length === 0) return;
    if (this.#offset === this.#data.length) {
      this.#data = chunk;
      this.#offset = 0;
    } else {
      this.#chunks.push(chunk);
      this.#chunkBytes += chunk.length;
    }
  }

  /**
   * The next complete frame, or NEED_DATA. Throws RemoteProtocolError for a malformed frame or a frame
   * over maxFrameBytes (the decoder is then failed: every later next() throws the same error).
   */
  next(): Frame | typeof NEED_DATA;
  /**
   * next(), but a plain PUB (PUB_READ), a plain REQ (REQ_READ) or a plain RESPOND with a canonical token
   * (RESPOND_READ) is read into `record`, no frame made.
   */
  next(record: PlainRecord | undefined): Frame | typeof NEED_DATA | InPlace;
  next(record?: PlainRecord): Frame | typeof NEED_DATA | InPlace {
    if (this.#state === "HEADER") {
      if (this.#data.length - this.#offset < FRAME_HEADER_BYTES && !this.#join(FRAME_HEADER_BYTES))
        return NEED_DATA;
      this.#readHeader();
    } else if (this.#state === "FAILED") {
      throw this.#failure;
    }
    // BODY
    if (this.#data.length - this.#offset < this.#length && !this.#join(this.#length)) return NEED_DATA;
    const start = this.#offset;
    const end = start + this.#length;
    this.#offset = end;
    this.#state = "HEADER";
    if (record !== undefined && this.#flags === 0) {
      if (this.#type === PUB_TYPE && readPub(this.#data, start, end, this.#plain, record)) return PUB_READ;
      if (this.#type === REQ_TYPE && readReq(this.#data, start, end, this.#plain, record)) return REQ_READ;
      if (this.#type === RESPOND_TYPE && readRespond(this.#data, start, end, this.#plain, record))
        return RESPOND_READ;
    }
    try {
      return decodeFrameBody(this.#type, this.#flags, this.#data, start, end, this.#plain);
    } catch (error) {
      throw this.#fail(error instanceof EnchufeError ? malformed(error.message, error) : error);
    }
  }

  /** Reads the 6 header bytes at #offset (HEADER -> BODY); a bad type or length fails the decoder. */
  #readHeader(): void {
    const data = this.#data;
    const offset = this.#offset;
    this.#type = data[offset]!;
    this.#flags = data[offset + 1]!;
    // Big-endian u32 without readUInt32BE's checks (the 6 bytes are there).
    this.#length =
      data[offset + 2]! * 0x1000000 +
      ((data[offset + 3]! << 16) | (data[offset + 4]! << 8) | data[offset + 5]!);
    if (this.#type === 0 || this.#type >= FRAME_TYPES.length) {
      throw this.#fail(malformed(`unknown frame type 0x${this.#type.toString(16)}`));
    }
    if (this.#length > this.#maxFrameBytes) {
      // Refused from the header alone: the body is never buffered.
      throw this.#fail(
        new RemoteProtocolError(
          "ETOOLARGE",
          `a ${FRAME_TYPES[this.#type]} frame of ${this.#length} bytes is over the limit of ${this.#maxFrameBytes}`,
          {
            errCode: ErrCode.TOO_LARGE,
            closeReason: CloseReason.TOO_LARGE,
            details: { limit: this.#maxFrameBytes },
          },
        ),
      );
    }
    this.#offset = offset + FRAME_HEADER_BYTES;
    this.#state = "BODY";
  }

  /** Joins #data's tail and the waiting chunks once they hold `needed` bytes; false while they do not. */
  #join(needed: number): boolean {
    const tail = this.#data.length - this.#offset;
    if (tail + this.#chunkBytes < needed) return false;
    const parts = this.#chunks;
    if (tail > 0) parts.unshift(this.#data.subarray(this.#offset));
    this.#data = Buffer.concat(parts, tail + this.#chunkBytes);
    this.#offset = 0;
    this.#chunks = [];
    this.#chunkBytes = 0;
    return true;
  }

  /** Enters FAILED, drops what is buffered, and returns `error` to throw (RemoteProtocolError or a bug). */
  #fail(error: unknown): unknown {
    if (error instanceof RemoteProtocolError) {
      this.#state = "FAILED";
      this.#failure = error;
      this.#data = EMPTY;
      this.#offset = 0;
      this.#chunks = [];
      this.#chunkBytes = 0;
    }
    return error;
  }
}

/**
 * `decoder.next()` with the peer's protocol error as a value instead of a throw, so every decoder loop
 * keeps its frame handling outside any try (a bug in a handler still throws as what it is).
 */
export function nextFrame(decoder: FrameDecoder): Frame | typeof NEED_DATA | RemoteProtocolError;
/** nextFrame() with a plain REQ or RESPOND read into `record` (decoder.next(record)). */
export function nextFrame(
  decoder: FrameDecoder,
  record: PlainRecord | undefined,
): Frame | typeof NEED_DATA | InPlace | RemoteProtocolError;
export function nextFrame(
  decoder: FrameDecoder,
  record?: PlainRecord,
): Frame | typeof NEED_DATA | InPlace | RemoteProtocolError {
  try {
    return decoder.next(record);
  } catch (error) {
    if (error instanceof RemoteProtocolError) return error;
    throw error;
  }
}
