/**
 * One framed connection of the client over a transport (TCP/TLS or WebSocket, `transport.ts`): HELLO →
 * WELCOME, then the read loop. Before WELCOME frames are read one at a time under a small limit;
 * WELCOME's maxPayload (plus the frame overhead) sets the limit after it. Keepalive (the server's PING
 * answered with PONG), the client's own PING round trips (`ping()`, which flush() awaits) and the server's
 * CLOSE reason are handled here; every other frame goes to the client. Nothing of Node.
 */
import { EnchufeError, type ErrorCode } from "../errors.js";
import { FRAME_OVERHEAD_BYTES, HANDSHAKE_FRAME_BYTES } from "../protocol/frame-limits.js";
import {
  CloseReason,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FRAME_TYPES,
  type Frame,
  FrameDecoder,
  type FrameOf,
  NEED_DATA,
  nextFrame,
  RemoteProtocolError,
} from "../protocol/frames.js";
import { stepTimeoutError } from "../transport/step-errors.js";
import type { ClientOptions } from "./options.js";
import { errFrameError } from "./server-errors.js";
import type { ClientTransport, Dial, TransportReceiver } from "./transport.js";

/** The protocol version this client asks for in HELLO (docs/PROTOCOL.md). */
const CLIENT_PROTOCOL_VERSION = 2;

/** What the server said in WELCOME. */
export type ServerInfo = Omit<FrameOf<"WELCOME">, "type">;

/** What a connection tells its client once WELCOME has arrived. */
export interface ConnectionHandler {
  /** A frame other than WELCOME, PING, PONG and CLOSE. */
  onFrame(frame: Frame): void;
  /** The server broke the protocol (or a limit); the connection is being destroyed. */
  onProtocolError(error: EnchufeError): void;
  /** The connection is gone; `fatal` when reconnecting cannot help (the server refused our credentials). */
  onClose(connection: Connection, error: EnchufeError, fatal: boolean): void;
}

type Phase = "HANDSHAKE" | "FRAMES" | "CLOSED";

const PONG_FRAME = encodeFrame({ type: "PONG" });
const PING_FRAME = encodeFrame({ type: "PING" });
const EMPTY = Buffer.alloc(0);

/** A framed connection; `open()` resolves once WELCOME has arrived. */
export class Connection implements TransportReceiver {
  readonly #options: ClientOptions;
  readonly #handler: ConnectionHandler;
  readonly #dial: Dial;
  #transport: ClientTransport | undefined;
  #phase: Phase = "HANDSHAKE";
  /** Handshake bytes read but not yet used (a frame split across chunks). */
  #early: Buffer = EMPTY;
  readonly #handshakeDecoder: FrameDecoder;
  #decoder: FrameDecoder | undefined;
  #info: ServerInfo | undefined;
  #closeFrame: FrameOf<"CLOSE"> | undefined;
  /** Why the transport closed, when it said more than "closed". */
  #closeError: EnchufeError | undefined;
  #handshake: { resolve: () => void; reject: (error: EnchufeError) => void } | undefined;
  #destroyed = false;
  /** flush(): one waiter per PING sent, resolved by the PONGs in order. */
  readonly #pongWaiters: Array<{ resolve: () => void; reject: (error: EnchufeError) => void }> = [];

  constructor(options: ClientOptions, handler: ConnectionHandler, dial: Dial) {
    this.#options = options;
    this.#handler = handler;
    this.#dial = dial;
    this.#handshakeDecoder = new FrameDecoder({ maxFrameBytes: HANDSHAKE_FRAME_BYTES });
  }

  /** The server's WELCOME; defined once `open()` has resolved. */
  get info(): ServerInfo {
    return this.#info!;
  }

  /** True when the transport is encrypted (TLS, wss://). */
  get isEncrypted(): boolean {
    return this.#transport?.isEncrypted ?? false;
  }

  /** Dials, sends HELLO, and waits for WELCOME (or the server's refusal). */
  async open(): Promise<void> {
    const { timeoutMs } = this.#options;
    const transport = await this.#dial(this.#options);
    if (this.#destroyed) {
      transport.destroy();
      throw this.#closedError();
    }
    this.#transport = transport;
    transport.receiver = this;
    const welcomed = new Promise<void>((resolve, reject) => {
      this.#handshake = { resolve, reject };
    });
    this.write(
      encodeFrame({
        type: "HELLO",
        version: CLIENT_PROTOCOL_VERSION,
        clientName: this.#options.name,
        user: this.#options.user ?? "",
        password: this.#options.password ?? "",
        token: this.#options.token ?? "",
      }),
    );
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            this.#handshake?.reject(stepTimeoutError(transport.place, "handshake", timeoutMs));
            transport.destroy();
          }, timeoutMs)
        : undefined;
    try {
      await welcomed;
    } finally {
      clearTimeout(timer);
      this.#handshake = undefined;
    }
  }

  /** Writes whole frames (one or more, back to back). */
  write(frames: Buffer): void {
    if (this.#options.trace !== undefined) this.#traceSent(frames);
    this.#transport?.send(frames);
  }

  /** `--trace`: one event per frame in `frames`, found by walking the headers. */
  #traceSent(frames: Buffer): void {
    for (let offset = 0; offset + FRAME_HEADER_BYTES <= frames.length; ) {
      const end = offset + FRAME_HEADER_BYTES + frames.readUInt32BE(offset + 2);
      const type = FRAME_TYPES[frames[offset]!] ?? "?";
      this.#options.trace?.({ step: "frame", direction: "sent", type, data: frames.subarray(offset, end) });
      offset = end;
    }
  }

  /** Resolves once the server has processed everything sent before (its PONG); rejects if it closes first. */
  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pongWaiters.push({ resolve, reject });
      this.write(PING_FRAME);
    });
  }

  cork(): void {
    this.#transport?.cork();
  }

  uncork(): void {
    this.#transport?.uncork();
  }

  /** Sends CLOSE NORMAL and waits (at most a second) for the transport to close. */
  async end(): Promise<void> {
    this.#destroyed = true;
    if (this.#phase === "CLOSED") return;
    const close = encodeFrame({ type: "CLOSE", reason: CloseReason.NORMAL, message: "" });
    if (this.#options.trace !== undefined) this.#traceSent(close);
    await this.#transport?.end(close);
  }

  destroy(): void {
    this.#destroyed = true;
    this.#transport?.destroy();
  }

  /** The transport's bytes (TransportReceiver). */
  received(chunk: Buffer): void {
    let data = chunk;
    if (this.#phase === "HANDSHAKE") {
      data = this.#readHandshake(data);
      if (data.length === 0) return;
    }
    const decoder = this.#decoder;
    if (decoder === undefined) return;
    decoder.push(data);
    // The decoder loop: only next() is inside the try; frames are handled outside it, so a bug in a
    // handler is never reported as the server's protocol error.
    for (;;) {
      const frame = this.#next(decoder);
      if (frame === NEED_DATA) return;
      this.#onFrame(frame);
      if (this.#decoder !== decoder) return;
    }
  }

  /** The decoder's next frame; NEED_DATA also after a protocol error (reported, connection destroyed). */
  #next(decoder: FrameDecoder): Frame | typeof NEED_DATA {
    const frame = nextFrame(decoder);
    if (!(frame instanceof RemoteProtocolError)) {
      // The encoding is canonical (one schema), so encoding the frame again gives the bytes that came.
      if (frame !== NEED_DATA && this.#options.trace !== undefined) {
        this.#options.trace({
          step: "frame",
          direction: "received",
          type: frame.type,
          data: encodeFrame(frame),
        });
      }
      return frame;
    }
    this.#protocolError(frame);
    return NEED_DATA;
  }

  /**
   * Gives the handshake decoder whole frames only, one at a time, so that no byte after WELCOME reaches
   * it; returns the bytes after WELCOME (empty while the handshake goes on).
   */
  #readHandshake(chunk: Buffer): Buffer {
    const data = this.#early.length > 0 ? Buffer.concat([this.#early, chunk]) : chunk;
    let offset = 0;
    while (this.#phase === "HANDSHAKE" && data.length - offset >= FRAME_HEADER_BYTES) {
      const bodyBytes = data.readUInt32BE(offset + 2);
      const decoder = this.#handshakeDecoder;
      if (bodyBytes > HANDSHAKE_FRAME_BYTES) {
        // The header alone is enough for the decoder to refuse the frame as too large.
        decoder.push(data.subarray(offset, offset + FRAME_HEADER_BYTES));
        this.#next(decoder);
        return EMPTY;
      }
      const end = offset + FRAME_HEADER_BYTES + bodyBytes;
      if (data.length < end) break;
      decoder.push(data.subarray(offset, end));
      offset = end;
      const frame = this.#next(decoder);
      if (frame === NEED_DATA) return EMPTY;
      this.#onHandshakeFrame(frame);
    }
    const rest = data.subarray(offset);
    if (this.#phase !== "HANDSHAKE") return rest;
    this.#early = rest;
    return EMPTY;
  }

  #onHandshakeFrame(frame: Frame): void {
    switch (frame.type) {
      case "WELCOME": {
        const { type: _type, ...info } = frame;
        this.#info = info;
        this.#phase = "FRAMES";
        this.#early = EMPTY;
        this.#decoder = new FrameDecoder({ maxFrameBytes: info.maxPayload + FRAME_OVERHEAD_BYTES });
        this.#handshake?.resolve();
        return;
      }
      case "ERR":
        this.#handshake?.reject(errFrameError(frame));
        return;
      default:
        this.#onFrame(frame);
    }
  }

  #onFrame(frame: Frame): void {
    switch (frame.type) {
      case "PING":
        this.write(PONG_FRAME);
        return;
      case "PONG":
        this.#pongWaiters.shift()?.resolve();
        return;
      case "CLOSE":
        this.#closeFrame = frame;
        if (this.#handshake !== undefined) {
          const code: ErrorCode = frame.reason === CloseReason.AUTH_FAILED ? "EAUTH" : "ESERVERCLOSED";
          this.#handshake.reject(
            new EnchufeError(code, `The server closed the connection: ${frame.message}`, {
              details: { message: frame.message, reason: frame.reason },
            }),
          );
        }
        return;
      default:
        if (this.#phase === "FRAMES") this.#handler.onFrame(frame);
    }
  }

  #protocolError(error: EnchufeError): void {
    if (this.#handshake !== undefined) this.#handshake.reject(error);
    else this.#handler.onProtocolError(error);
    this.destroy();
  }

  /** The transport closed (TransportReceiver). */
  closed(error: EnchufeError | undefined): void {
    const welcomed = this.#phase === "FRAMES";
    this.#phase = "CLOSED";
    this.#decoder = undefined;
    this.#closeError = error;
    const closedError = this.#closedError();
    this.#handshake?.reject(closedError);
    for (const waiter of this.#pongWaiters.splice(0)) waiter.reject(closedError);
    if (!welcomed) return;
    const fatal = this.#closeFrame !== undefined && this.#closeFrame.reason === CloseReason.AUTH_FAILED;
    this.#handler.onClose(this, closedError, fatal);
  }

  /** Why the connection ended: the server's CLOSE reason when it sent one, else the transport's. */
  #closedError(): EnchufeError {
    const frame = this.#closeFrame;
    if (frame === undefined) {
      return (
        this.#closeError ??
        new EnchufeError("ECLOSED", "The connection closed", {
          details: {
            address: this.#transport?.place.address ?? `${this.#options.host}:${this.#options.port}`,
            step: "read",
          },
        })
      );
    }
    return new EnchufeError(
      frame.reason === CloseReason.SLOW_CONSUMER ? "ESLOWCONSUMER" : "ESERVERCLOSED",
      `The server closed the connection: ${frame.message}`,
      { details: { message: frame.message, reason: frame.reason } },
    );
  }
}
