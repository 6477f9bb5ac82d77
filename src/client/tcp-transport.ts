/**
 * The client's TCP (and TLS) transport: dials with `dialServer`, sends the preface, and skips what the
 * server says before its preface echo (the greeting line, any text), so the Connection reads frames
 * from WELCOME on. A plain client on a TLS port reads the server's TLS-required line: ETLSPLAIN.
 */
import type { Socket } from "node:net";
import { EnchufeError } from "../errors.js";
import { findPrefaceEnd } from "../protocol/detect.js";
import { PREFACE } from "../protocol/frames.js";
import { formatAddress } from "../transport/address.js";
import type { Place } from "../transport/step-errors.js";
import { TLS_REQUIRED_LINE } from "../transport/tls.js";
import { dialServer } from "./dial.js";
import type { ClientOptions } from "./options.js";
import { type ClientTransport, END_GRACE_MS, type TransportReceiver } from "./transport.js";

const TLS_REQUIRED_MARKER = Buffer.from(TLS_REQUIRED_LINE.trim());
/** Greeting text kept while looking for the preface echo; past it only the tail is kept. */
const HEADROOM_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Dials `host:port` (TLS when `tls` is set) and sends the preface. */
export async function dialTcp(options: ClientOptions): Promise<ClientTransport> {
  const socket = await dialServer(options);
  const place = {
    host: options.host,
    port: options.port,
    address: formatAddress(options.host, options.port),
  };
  return new TcpTransport(socket, place);
}

class TcpTransport implements ClientTransport {
  readonly place: Place;
  receiver: TransportReceiver | undefined;
  readonly #socket: Socket;
  /** True until the preface echo has been read. */
  #beforePreface = true;
  /** Bytes read before the preface echo, kept to find it across chunks. */
  #early: Buffer = EMPTY;
  #error: EnchufeError | undefined;

  constructor(socket: Socket, place: Place) {
    this.#socket = socket;
    this.place = place;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", () => {
      // 'close' follows and tells the receiver.
    });
    socket.once("close", () => {
      const receiver = this.receiver;
      this.receiver = undefined;
      receiver?.closed(this.#error);
    });
    socket.write(PREFACE);
  }

  get isEncrypted(): boolean {
    return "encrypted" in this.#socket;
  }

  send(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  cork(): void {
    this.#socket.cork();
  }

  uncork(): void {
    this.#socket.uncork();
  }

  async end(last: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (socket.destroyed) return;
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.end(last);
    const timer = setTimeout(() => socket.destroy(), END_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    const data = this.#beforePreface ? this.#skipToPreface(chunk) : chunk;
    if (data.length > 0) this.receiver?.received(data);
  }

  /** Skips the greeting line and any text the server sent before it switched to frames. */
  #skipToPreface(chunk: Buffer): Buffer {
    const data = this.#early.length > 0 ? Buffer.concat([this.#early, chunk]) : chunk;
    const end = findPrefaceEnd(data);
    if (end === -1 && data.includes(TLS_REQUIRED_MARKER)) {
      this.#error = new EnchufeError("ETLSPLAIN", "The server speaks TLS: connect with tls options", {
        details: { address: this.place.address, message: "TLS required" },
      });
      this.destroy();
      return EMPTY;
    }
    if (end === -1) {
      this.#early = data.length > HEADROOM_BYTES ? data.subarray(data.length - 8) : data;
      return EMPTY;
    }
    this.#early = EMPTY;
    this.#beforePreface = false;
    return data.subarray(end);
  }
}
