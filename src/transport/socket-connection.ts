/**
 * Connection over a node:net Socket (plain TCP, or a TLSSocket after its handshake). Listeners are
 * shared named functions, not closures: an idle connection costs as little memory as we can make it.
 */
import type { Socket } from "node:net";
import { type Connection, type ConnectionReceiver, DEFAULT_END_GRACE_MS, type Peer } from "./connection.js";
import { clientCertificateUser } from "./tls.js";

const CONNECTION = Symbol("enchufe.connection");
type OwnedSocket = Socket & { [CONNECTION]?: SocketConnection };

function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[CONNECTION]?.socketData(chunk);
}

function onSocketClose(this: OwnedSocket): void {
  const connection = this[CONNECTION];
  if (connection === undefined) return;
  this[CONNECTION] = undefined;
  const receiver = connection.receiver;
  connection.receiver = undefined;
  receiver?.closed();
}

/** Resets and broken pipes end in 'close', which does the cleanup. */
function onSocketError(): void {}

function destroySocket(socket: Socket): void {
  socket.destroy();
}

/**
 * A socket's Connection, and its own Peer record (read from the socket when asked: an idle connection
 * holds no second object). A transport over a socket (WebSocket) extends it and reads in socketData().
 */
export class SocketConnection implements Connection, Peer {
  receiver: ConnectionReceiver | undefined;
  protected readonly socket: Socket;

  /** Takes over `socket`'s data and close events (the receiver is set by whoever serves it). */
  constructor(socket: Socket) {
    this.socket = socket;
    (socket as OwnedSocket)[CONNECTION] = this;
    socket.setNoDelay(true);
    socket.on("data", onSocketData);
    socket.on("close", onSocketClose);
    if (socket.listenerCount("error") === 0) socket.on("error", onSocketError);
  }

  /** Bytes from the socket: the receiver's, as they came. */
  socketData(chunk: Buffer): void {
    this.receiver?.received(chunk);
  }

  get peer(): Peer {
    return this;
  }

  get address(): string | undefined {
    return this.socket.remoteAddress;
  }

  get port(): number | undefined {
    return this.socket.remotePort;
  }

  get encrypted(): boolean {
    return "encrypted" in this.socket;
  }

  get certificateUser(): string | undefined {
    return this.encrypted ? clientCertificateUser(this.socket) : undefined;
  }

  get pendingBytes(): number {
    return this.socket.writableLength;
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The bytes as they are: a plain socket wraps nothing. */
  writeShared(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  whenDrained(then: () => void): void {
    if (this.socket.writableLength === 0 || !this.socket.writableNeedDrain) setImmediate(then);
    else this.socket.once("drain", then);
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  end(last?: Uint8Array, graceMs = DEFAULT_END_GRACE_MS): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    if (last !== undefined) socket.end(last);
    else socket.end();
    setTimeout(destroySocket, graceMs, socket).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
