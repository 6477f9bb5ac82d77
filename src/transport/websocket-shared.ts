/**
 * A delivery's WebSocket frames, built once for every WebSocket recipient. Server frames are never
 * masked, so the bytes one recipient gets are the bytes every recipient gets: the first
 * WebSocketConnection that writes a shared Buffer (writeShared(), a delivery) builds its frames here and
 * the others find them by the Buffer's identity. The router sends one delivery to all its recipients
 * before the next, so one entry per subprotocol is enough: a field compare per recipient, no map lookup.
 * (The last delivery of each subprotocol stays referenced until the next one replaces it.)
 * One instance per server (created by its web endpoint), shared by its WebSocket connections.
 */
import { Buffer } from "node:buffer";
import { encodeWsFrame, encodeWsTextLines, WsOpcode, wsFrameHeader } from "../protocol/websocket.js";

/**
 * Above this size an enchufe.v1 delivery is not copied behind its header: each recipient gets the shared
 * header, then the delivery's own Buffer (two writes, no second copy of a large payload in memory).
 */
export const SHARED_COPY_LIMIT = 64 * 1024;

const EMPTY = Buffer.alloc(0);

export class SharedFrames {
  #textSource: Uint8Array | undefined;
  #text: Buffer = EMPTY;
  #binarySource: Uint8Array | undefined;
  #binary: Buffer = EMPTY;

  /** enchufe.text: one text message per line of `bytes`, in one Buffer. */
  text(bytes: Uint8Array): Buffer {
    if (bytes !== this.#textSource) {
      this.#text = encodeWsTextLines(bytes);
      this.#textSource = bytes;
    }
    return this.#text;
  }

  /**
   * enchufe.v1: `bytes` as one binary message, header and payload in one Buffer; for a payload over
   * SHARED_COPY_LIMIT only the header (the caller writes `bytes` after it).
   */
  binary(bytes: Uint8Array): Buffer {
    if (bytes !== this.#binarySource) {
      this.#binary =
        bytes.length > SHARED_COPY_LIMIT
          ? wsFrameHeader(WsOpcode.BINARY, bytes.length)
          : encodeWsFrame(WsOpcode.BINARY, bytes);
      this.#binarySource = bytes;
    }
    return this.#binary;
  }
}
