/**
 * The client's transport seam (the nats.js `Transport` shape, with callbacks): what a framed Connection
 * needs of whatever carries its bytes. One file per transport: `tcp-transport.ts` (TCP and TLS, Node
 * only) and `websocket-transport.ts` (subprotocol enchufe.v1, Node and browsers). A transport delivers
 * the framed byte stream from the server's first frame on: anything a transport has before it (the TCP
 * greeting and preface echo) is its own business. This file imports nothing of Node.
 */
import type { EnchufeError } from "../errors.js";
import type { Place } from "../transport/step-errors.js";
import type { ClientOptions } from "./options.js";

/** Who reads a transport (the Connection). */
export interface TransportReceiver {
  /** Framed bytes from the server; the chunk is the receiver's. */
  received(chunk: Buffer): void;
  /** The transport closed (either side), once; `error` says why when it knows more than "closed". */
  closed(error: EnchufeError | undefined): void;
}

/** An open transport to one server. */
export interface ClientTransport {
  /** Where it goes, for error messages (`127.0.0.1:5000`, `ws://127.0.0.1:5000/ws`). */
  readonly place: Place;
  /** True when the bytes travel encrypted (TLS, wss://). */
  readonly isEncrypted: boolean;
  /** Gets the bytes and the close; set by the Connection right after dialing. */
  receiver: TransportReceiver | undefined;
  send(bytes: Uint8Array): void;
  /** Holds sends until uncork() where the transport can join them (TCP: one system call). */
  cork(): void;
  uncork(): void;
  /** Sends `last`, closes gracefully and resolves once closed (or after a grace period). */
  end(last: Uint8Array): Promise<void>;
  /** Closes at once, dropping what was not sent. */
  destroy(): void;
}

/** Opens a transport for the client's options; rejects with an EnchufeError. */
export type Dial = (options: ClientOptions) => Promise<ClientTransport>;

/** How long end() waits for the server to close before it gives up on a graceful close. */
export const END_GRACE_MS = 1000;
