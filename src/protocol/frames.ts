/**
 * The framed protocol's codec (docs/PROTOCOL.md §2), pure, no I/O: the public face of frame-schema.ts
 * (types, constants, the one field schema), frame-encoder.ts (the one encoder) and frame-decoder.ts
 * (the pull decoder, with plain-frames.ts's PlainRecord). Import frames from here.
 */
export {
  decodeFrameBody,
  FrameDecoder,
  NEED_DATA,
  nextFrame,
  PUB_READ,
  REQ_READ,
  RESPOND_READ,
  RemoteProtocolError,
} from "./frame-decoder.js";
export {
  encodedFrameSize,
  encodeFrame,
  encodeFrameInto,
  encodeGroupMessages,
  encodeMessages,
  encodePositionedMessages,
} from "./frame-encoder.js";
export {
  CloseReason,
  ErrCode,
  FRAME_HEADER_BYTES,
  FRAME_SCHEMA,
  FRAME_TYPES,
  type Frame,
  type FrameOf,
  type Headers,
  MIN_PROTOCOL_VERSION,
  PREFACE,
  PROTOCOL_VERSION,
  PubAckStatus,
  ReplyStatus,
  SubStart,
} from "./frame-schema.js";
export { type PayloadSource, PlainRecord, payloadOf, plainRecord } from "./plain-frames.js";
