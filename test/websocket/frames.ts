/** Client-side WebSocket frames for tests: masked (or not, to be hostile), with any bits set; a guest HELLO. */
import { Buffer } from "node:buffer";
import { encodeFrame } from "../../src/protocol/frames.js";

/** An enchufe.v1 client's first frame: HELLO as a guest, named "ws". */
export const GUEST_HELLO = encodeFrame({
  type: "HELLO",
  version: 1,
  clientName: "ws",
  user: "",
  password: "",
  token: "",
});

export interface ClientFrameOptions {
  readonly fin?: boolean;
  /** RSV1..3 as bits 0x40, 0x20, 0x10 of the first byte. */
  readonly rsv?: number;
  /** False sends the frame unmasked (a protocol error from a client). */
  readonly masked?: boolean;
  readonly mask?: Buffer;
}

/** One client frame: FIN, RSV, opcode, MASK, length, masking key and the masked payload. */
export function clientFrame(
  opcode: number,
  payload: Buffer | string,
  options: ClientFrameOptions = {},
): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const masked = options.masked ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv ?? 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (data.length < 126) header = Buffer.from([first, maskBit | data.length]);
  else if (data.length <= 0xffff) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = maskBit | 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!masked) return Buffer.concat([header, data]);
  const mask = options.mask ?? Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const body = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) body[i] = data[i]! ^ mask[i & 3]!;
  return Buffer.concat([header, mask, body]);
}

/** A client close frame's payload: the code and a reason. */
export function closePayload(code: number, reason = ""): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}
