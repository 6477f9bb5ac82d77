/**
 * Connection over a socket after the WebSocket upgrade (RFC 6455, docs/PROTOCOL.md §WebSocket).
 * - `enchufe.text`: each text message is one line both ways: a received message reaches the receiver as
 *   `payload + "\n"`; what the session writes is split on "\n" into one text message per line.
 * - `enchufe.v1`: binary messages carry the framed protocol's bytes as they are, both ways (a frame may
 *   span messages, a message may hold several frames).
 * A delivery (writeShared()) is framed once for every WebSocket recipient (SharedFrames): each gets the
 * same bytes, no header built per recipient; other writes are framed here. Pings are answered with
 * pongs; a client close with a close and an end; a client that breaks the protocol gets the close code
 * its WsProtocolError carries.
 * It is a SocketConnection (shared named listeners, the same Peer) that reads messages instead of bytes.
 */
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import {
  encodeWsClose,
  encodeWsTextLines,
  NEED_DATA,
  WsCloseCode,
  WsDecoder,
  type WsMessage,
  WsOpcode,
  WsProtocolError,
  wsFrameHeader,
} from "../protocol/websocket.js";
import { DEFAULT_END_GRACE_MS, type EndKind } from "./connection.js";
import { SocketConnection } from "./socket-connection.js";
import type { SharedFrames } from "./websocket-shared.js";

/** The two subprotocols a client may ask for in Sec-WebSocket-Protocol. */
export type WebSocketKind = "enchufe.text" | "enchufe.v1";
export const WEBSOCKET_KINDS: readonly WebSocketKind[] = ["enchufe.text", "enchufe.v1"];

const NEWLINE_BUFFER = Buffer.from("\n");

function destroySocket(socket: Socket): void {
  socket.destroy();
}

export interface WebSocketConnectionOptions {
  readonly kind: WebSocketKind;
  /** Largest message a client may send (1009 above it). */
  readonly maxMessageBytes: number;
  /** The server's cache of deliveries' frames, shared by all its WebSocket connections. */
  readonly shared: SharedFrames;
}

/** A WebSocket's Connection: the socket's, with messages instead of bytes. */
export class WebSocketConnection extends SocketConnection {
  readonly kind: WebSocketKind;
  readonly #decoder: WsDecoder;
  readonly #text: boolean;
  readonly #shared: SharedFrames;
  /** Set once a close frame was sent: nothing else is written, nothing more is read. */
  #closeSent = false;

  /** Takes over `socket` after the 101 answer; `head` holds bytes that came with the request. */
  constructor(socket: Socket, options: WebSocketConnectionOptions, head?: Buffer) {
    super(socket);
    this.kind = options.kind;
    this.#text = options.kind === "enchufe.text";
    this.#shared = options.shared;
    this.#decoder = new WsDecoder({ maxMessageBytes: options.maxMessageBytes });
    if (head !== undefined && head.length > 0) this.#decoder.push(head);
  }

  /** Reads the bytes `head` left for the decoder (call once the receiver is set). */
  start(): void {
    if (this.#decoder.buffered > 0) this.socketData(Buffer.alloc(0));
  }

  /** Bytes from the socket: decoded, each message handled in order. */
  override socketData(chunk: Buffer): void {
    if (this.#closeSent) return;
    const decoder = this.#decoder;
    decoder.push(chunk);
    for (;;) {
      let message: WsMessage | typeof NEED_DATA;
      try {
        message = decoder.next();
      } catch (error) {
        if (!(error instanceof WsProtocolError)) throw error;
        this.#close(error.closeCode, error.message);
        return;
      }
      if (message === NEED_DATA) return;
      this.#handle(message);
      if (this.#closeSent || this.socket.destroyed) return;
    }
  }

  #handle(message: WsMessage): void {
    switch (message.type) {
      case "text":
        if (!this.#text) this.#close(WsCloseCode.UNSUPPORTED_DATA, "enchufe.v1 carries binary messages");
        else this.receiver?.received(Buffer.concat([message.data, NEWLINE_BUFFER]));
        return;
      case "binary":
        if (this.#text) this.#close(WsCloseCode.UNSUPPORTED_DATA, "enchufe.text carries text messages");
        else this.receiver?.received(message.data);
        return;
      case "ping":
        this.#frame(WsOpcode.PONG, message.data);
        return;
      case "pong":
        return;
      case "close":
        this.#close(message.code ?? WsCloseCode.NORMAL, "");
        return;
    }
  }

  /** One WebSocket message per write (text: one per line); a binary payload is written uncopied. */
  override write(bytes: Uint8Array): void {
    if (this.#closeSent || this.socket.destroyed || bytes.length === 0) return;
    if (this.#text) this.socket.write(encodeWsTextLines(bytes));
    else this.#frame(WsOpcode.BINARY, bytes);
  }

  /** write() for a delivery: its frames are built once (SharedFrames) and the same bytes written here. */
  override writeShared(bytes: Uint8Array): void {
    if (this.#closeSent || this.socket.destroyed || bytes.length === 0) return;
    const socket = this.socket;
    if (this.#text) {
      socket.write(this.#shared.text(bytes));
      return;
    }
    const frame = this.#shared.binary(bytes);
    if (frame.length > bytes.length) {
      socket.write(frame);
      return;
    }
    // A large delivery: the shared header, then the delivery's own bytes.
    socket.cork();
    socket.write(frame);
    socket.write(bytes);
    socket.uncork();
  }

  #frame(opcode: number, payload: Uint8Array): void {
    const socket = this.socket;
    socket.cork();
    socket.write(wsFrameHeader(opcode, payload.length));
    if (payload.length > 0) socket.write(payload);
    socket.uncork();
  }

  /** Writes `last`, then a close frame: 1000, or 1001 "server shutting down" for a shutdown. */
  override end(last?: Uint8Array, graceMs = DEFAULT_END_GRACE_MS, why: EndKind = "normal"): void {
    if (this.socket.destroyed) return;
    if (last !== undefined) this.write(last);
    if (why === "shutdown") this.#close(WsCloseCode.GOING_AWAY, "server shutting down", graceMs);
    else this.#close(WsCloseCode.NORMAL, "", graceMs);
  }

  /** Sends one close frame (the first only) and ends the socket; destroyed after `graceMs` at most. */
  #close(code: number, reason: string, graceMs = DEFAULT_END_GRACE_MS): void {
    const socket = this.socket;
    if (this.#closeSent || socket.destroyed) return;
    this.#closeSent = true;
    socket.end(encodeWsClose(code, reason));
    setTimeout(destroySocket, graceMs, socket).unref();
  }
}
