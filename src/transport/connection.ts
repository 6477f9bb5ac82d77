/**
 * The transport seam: what a session needs from whatever carries its bytes (TCP, TLS, an in-memory
 * pair in tests, WebSocket). A new transport is a new file here that implements Connection;
 * nothing above this folder knows about sockets.
 */

/** Who is on the other end, as the transport knows it. */
export interface Peer {
  readonly address: string | undefined;
  readonly port: number | undefined;
  /** True when the bytes travel encrypted (TLS). */
  readonly encrypted: boolean;
  /** The user named by a verified client certificate (mutual TLS), if any. */
  readonly certificateUser: string | undefined;
}

/** Who reads a connection: one at a time (a text session, then maybe a framed one). */
export interface ConnectionReceiver {
  /** Bytes arrived. The chunk is the receiver's: the transport never reuses it. */
  received(chunk: Buffer): void;
  /** The connection closed (either side); called once. */
  closed(): void;
}

/** A byte stream to one client. */
export interface Connection {
  readonly peer: Peer;
  /** Bytes accepted by write() but not yet handed to the operating system (slow-consumer checks). */
  readonly pendingBytes: number;
  /** True once the connection is destroyed or fully closed. */
  readonly isClosed: boolean;
  /** Who gets this connection's bytes and its close; bytes that arrive while it is undefined are dropped. */
  receiver: ConnectionReceiver | undefined;
  write(bytes: Uint8Array): void;
  /**
   * write() for bytes that go unchanged to many connections (one delivery's Buffer, the same object for
   * every recipient, never modified afterwards): a transport that wraps what it sends (WebSocket) builds
   * the wrapped form once per such Buffer and writes those same bytes to each of its connections.
   */
  writeShared(bytes: Uint8Array): void;
  /**
   * Calls `then` once the output waiting now was handed to the system (soon, when none waits). Not
   * called if the connection closes first.
   */
  whenDrained(then: () => void): void;
  /** Holds writes until uncork() (many small writes, one system call). */
  cork(): void;
  uncork(): void;
  /**
   * Writes `last` (if any), closes gracefully, and destroys after `graceMs` if the peer does not read.
   * `why` is for transports that can say it (a WebSocket close code: 1000, or 1001 for "shutdown").
   */
  end(last?: Uint8Array, graceMs?: number, why?: EndKind): void;
  /** Closes at once, dropping what was not sent. */
  destroy(): void;
}

/** Why the server ends a connection, as end() tells a transport that can carry it. */
export type EndKind = "normal" | "shutdown";

/** How long end() waits for the peer to read before it destroys the connection. */
export const DEFAULT_END_GRACE_MS = 2000;
