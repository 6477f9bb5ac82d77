/**
 * The bytes the RedisBus puts on Redis channels (pure, no I/O). Every field is length-prefixed,
 * so frames and payloads cross nodes untouched, binary included.
 *
 * Topic channel message:  u8 nodeIdLength, nodeId, frame            (the sender skips its own)
 * Node channel message:   u8 kind, then
 *   DIRECT  (1): str nick, frame
 *   REQUEST (2): str token, str name, str from, str replyNode, headers, payload
 *   REPLY   (3): str token, u16 status, headers, payload
 *   GROUP   (4): str name, str pattern, frame    (MSG frames for this node's members of a queue group)
 * Shared log entry (redis-log.ts), field `m` (its meta): u32 count, u32 tag, str node; field `g` (queue-group shares): empty, or u16 count, then per share
 *   str node, str name, str pattern, u32 picked count (0: every message), u32 index per picked message;
 * field `k` (APUB dedupe keys): empty, or u16 count, then per key u32 index, str key
 * str = u16 byte length + UTF-8; headers = u16 count + pairs of str; the last field runs to the end
 * (the primitives of src/protocol/wire.ts, shared with the frame codec).
 */
import { isEnchufeError } from "../../errors.js";
import {
  headersSize,
  strSize,
  WireReader,
  writeBytes,
  writeHeaders,
  writeStr,
  writeU8,
  writeU16,
  writeU32,
} from "../../protocol/wire.js";
import type { Headers, IncomingRequest, LogKey, LogShare } from "./bus.js";

export const KIND_DIRECT = 1;
export const KIND_REQUEST = 2;
export const KIND_REPLY = 3;
export const KIND_GROUP = 4;

export type NodeMessage =
  | { kind: typeof KIND_DIRECT; nick: string; frame: Buffer }
  | { kind: typeof KIND_REQUEST; request: IncomingRequest }
  | { kind: typeof KIND_REPLY; token: string; status: number; headers: Headers; payload: Buffer }
  | { kind: typeof KIND_GROUP; name: string; pattern: string; frame: Buffer };

export function encodeTopicMessage(nodeId: Buffer, frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + nodeId.length + frame.length);
  out[0] = nodeId.length;
  nodeId.copy(out, 1);
  frame.copy(out, 1 + nodeId.length);
  return out;
}

/** Splits a topic channel message; undefined when malformed. */
export function decodeTopicMessage(message: Buffer): { nodeId: Buffer; frame: Buffer } | undefined {
  if (message.length < 1) return undefined;
  const length = message[0]!;
  if (message.length < 1 + length) return undefined;
  return { nodeId: message.subarray(1, 1 + length), frame: message.subarray(1 + length) };
}

const LABEL = "bus message";

export function encodeDirect(nick: string, frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + strSize(nick, `${LABEL} nick`) + frame.length);
  writeBytes(out, writeStr(out, writeU8(out, 0, KIND_DIRECT), nick), frame);
  return out;
}

export function encodeGroup(name: string, pattern: string, frame: Buffer): Buffer {
  const out = Buffer.allocUnsafe(
    1 + strSize(name, `${LABEL} group`) + strSize(pattern, `${LABEL} pattern`) + frame.length,
  );
  writeBytes(out, writeStr(out, writeStr(out, writeU8(out, 0, KIND_GROUP), name), pattern), frame);
  return out;
}

export function encodeRequest(request: IncomingRequest): Buffer {
  const size =
    1 +
    strSize(request.token, `${LABEL} token`) +
    strSize(request.name, `${LABEL} name`) +
    strSize(request.from, `${LABEL} from`) +
    strSize(request.replyNode, `${LABEL} replyNode`) +
    headersSize(request.headers, `${LABEL} header`) +
    request.payload.length;
  const out = Buffer.allocUnsafe(size);
  let offset = writeU8(out, 0, KIND_REQUEST);
  offset = writeStr(out, offset, request.token);
  offset = writeStr(out, offset, request.name);
  offset = writeStr(out, offset, request.from);
  offset = writeStr(out, offset, request.replyNode);
  offset = writeHeaders(out, offset, request.headers);
  writeBytes(out, offset, request.payload);
  return out;
}

export function encodeReply(token: string, status: number, headers: Headers, payload: Buffer): Buffer {
  const size =
    1 + strSize(token, `${LABEL} token`) + 2 + headersSize(headers, `${LABEL} header`) + payload.length;
  const out = Buffer.allocUnsafe(size);
  let offset = writeU8(out, 0, KIND_REPLY);
  offset = writeStr(out, offset, token);
  offset = writeU16(out, offset, status);
  offset = writeHeaders(out, offset, headers);
  writeBytes(out, offset, payload);
  return out;
}

/** Decodes a node channel message; undefined when malformed (truncated, bad UTF-8) or of an unknown kind. */
export function decodeNodeMessage(message: Buffer): NodeMessage | undefined {
  try {
    const reader = new WireReader(message, LABEL);
    const kind = reader.u8("kind");
    if (kind === KIND_DIRECT) return { kind, nick: reader.str("nick"), frame: reader.rest() };
    if (kind === KIND_REQUEST) {
      const token = reader.str("token");
      const name = reader.str("name");
      const from = reader.str("from");
      const replyNode = reader.str("replyNode");
      const headers = reader.headers("headers");
      return { kind, request: { token, name, from, replyNode, headers, payload: reader.rest() } };
    }
    if (kind === KIND_GROUP) {
      const name = reader.str("group");
      const pattern = reader.str("pattern");
      return { kind, name, pattern, frame: reader.rest() };
    }
    if (kind === KIND_REPLY) {
      const token = reader.str("token");
      const status = reader.u16("status");
      const headers = reader.headers("headers");
      return { kind, token, status, headers, payload: reader.rest() };
    }
    return undefined;
  } catch (error) {
    // Only a malformed message is dropped; anything else is a bug and must surface.
    if (isEnchufeError(error)) return undefined;
    throw error;
  }
}

/** The queue-group shares of a shared log entry (field `g`). */
export function encodeShares(shares: readonly LogShare[]): Buffer {
  if (shares.length === 0) return EMPTY;
  let size = 2;
  for (const share of shares) {
    size += strSize(share.node, `${LABEL} node`) + strSize(share.name, `${LABEL} group`);
    size += strSize(share.pattern, `${LABEL} pattern`) + 4 + 4 * (share.picked?.length ?? 0);
  }
  const out = Buffer.allocUnsafe(size);
  let offset = writeU16(out, 0, shares.length);
  for (const share of shares) {
    offset = writeStr(out, offset, share.node);
    offset = writeStr(out, offset, share.name);
    offset = writeStr(out, offset, share.pattern);
    offset = writeU32(out, offset, share.picked?.length ?? 0);
    for (const index of share.picked ?? []) offset = writeU32(out, offset, index);
  }
  return out;
}

/** Decodes field `g`; an empty list when malformed (nobody to tell: those shares are dropped). */
export function decodeShares(bytes: Buffer): LogShare[] {
  if (bytes.length === 0) return [];
  try {
    const reader = new WireReader(bytes, LABEL);
    const shares: LogShare[] = [];
    for (let count = reader.u16("shares"); count > 0; count--) {
      const node = reader.str("node");
      const name = reader.str("group");
      const pattern = reader.str("pattern");
      const picked = Array.from({ length: reader.u32("picked") }, () => reader.u32("index"));
      shares.push({ node, name, pattern, picked: picked.length === 0 ? undefined : picked });
    }
    return shares;
  } catch (error) {
    if (isEnchufeError(error)) return [];
    throw error;
  }
}

/** The APUB dedupe keys of a shared log entry (field `k`). */
export function encodeKeys(keys: readonly LogKey[]): Buffer {
  if (keys.length === 0) return EMPTY;
  let size = 2;
  for (const { key } of keys) size += 4 + strSize(key, `${LABEL} key`);
  const out = Buffer.allocUnsafe(size);
  let offset = writeU16(out, 0, keys.length);
  for (const { index, key } of keys) offset = writeStr(out, writeU32(out, offset, index), key);
  return out;
}

/** Decodes field `k`; an empty list when malformed (those keys are not remembered). */
export function decodeKeys(bytes: Buffer): LogKey[] {
  if (bytes.length === 0) return [];
  try {
    const reader = new WireReader(bytes, LABEL);
    const keys: LogKey[] = [];
    for (let count = reader.u16("keys"); count > 0; count--) {
      const index = reader.u32("index");
      keys.push({ index, key: reader.str("key") });
    }
    return keys;
  } catch (error) {
    if (isEnchufeError(error)) return [];
    throw error;
  }
}

/** A shared log entry's meta (field `m`): how many messages, the appending node's tag and the node. */
export function encodeLogMeta(count: number, tag: number, node: string): Buffer {
  const out = Buffer.allocUnsafe(8 + strSize(node, `${LABEL} node`));
  writeStr(out, writeU32(out, writeU32(out, 0, count), tag), node);
  return out;
}

export function decodeLogMeta(bytes: Buffer): { count: number; tag: number; node: string } | undefined {
  try {
    const reader = new WireReader(bytes, LABEL);
    const count = reader.u32("count");
    const tag = reader.u32("tag");
    return { count, tag, node: reader.str("node") };
  } catch (error) {
    if (isEnchufeError(error)) return undefined;
    throw error;
  }
}

const EMPTY = Buffer.alloc(0);
