/**
 * An in-memory Connection pair for session tests (the style of ws and h11): no sockets, the same
 * session code. Bytes cross in a later macrotask, as they would on a network, so a test sees the
 * same interleavings a socket gives; `end` and `destroy` behave like a TCP FIN and reset.
 */
import { EventEmitter } from "node:events";
import type { Connection, ConnectionReceiver, Peer } from "./connection.js";

/** The client's end of a pair: write bytes to the server, read what it sent (events: data, end, close). */
export class MemoryClientEnd extends EventEmitter {
  #server: MemoryConnection | undefined;
  /** Everything the server sent so far. */
  received: Buffer = Buffer.alloc(0);
  ended = false;
  closed = false;

  /** @internal */
  attach(server: MemoryConnection): void {
    this.#server = server;
  }

  write(bytes: Uint8Array | string): void {
    const chunk = Buffer.from(bytes);
    const server = this.#server;
    if (server === undefined || this.closed) return;
    setImmediate(deliverToServer, server, chunk);
  }

  /** Closes the client's side (FIN): the server sees its connection close once it has ended too. */
  end(): void {
    setImmediate(closeBoth, this.#server);
  }

  /** @internal */
  push(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    this.emit("data", chunk);
  }

  /** @internal */
  finish(): void {
    if (this.closed) return;
    if (!this.ended) {
      this.ended = true;
      this.emit("end");
    }
    this.closed = true;
    this.emit("close");
  }
}

function deliverToServer(server: MemoryConnection, chunk: Buffer): void {
  if (!server.isClosed) server.receiver?.received(chunk);
}

function deliverToClient(client: MemoryClientEnd, chunk: Buffer): void {
  if (!client.closed) client.push(chunk);
}

function closeBoth(server: MemoryConnection | undefined): void {
  server?.close();
}

export class MemoryConnection implements Connection {
  readonly peer: Peer;
  receiver: ConnectionReceiver | undefined;
  readonly #client: MemoryClientEnd;
  #corked: Buffer[] | undefined;
  #closed = false;

  constructor(client: MemoryClientEnd, peer: Peer) {
    this.#client = client;
    this.peer = peer;
  }

  get pendingBytes(): number {
    let bytes = 0;
    for (const chunk of this.#corked ?? []) bytes += chunk.length;
    return bytes;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  write(bytes: Uint8Array): void {
    if (this.#closed) return;
    const chunk = Buffer.from(bytes);
    if (this.#corked !== undefined) this.#corked.push(chunk);
    else setImmediate(deliverToClient, this.#client, chunk);
  }

  writeShared(bytes: Uint8Array): void {
    this.write(bytes);
  }

  /** Nothing waits in memory once uncorked: `then` runs on the next turn. */
  whenDrained(then: () => void): void {
    setImmediate(then);
  }

  cork(): void {
    this.#corked ??= [];
  }

  uncork(): void {
    const corked = this.#corked;
    this.#corked = undefined;
    if (corked !== undefined && corked.length > 0)
      setImmediate(deliverToClient, this.#client, Buffer.concat(corked));
  }

  end(last?: Uint8Array): void {
    if (this.#closed) return;
    if (last !== undefined) this.write(last);
    this.uncork();
    setImmediate(closeBoth, this);
  }

  destroy(): void {
    this.#corked = undefined;
    this.close();
  }

  /** @internal Both sides closed: the client sees end and close, the receiver its close. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.finish();
    const receiver = this.receiver;
    this.receiver = undefined;
    receiver?.closed();
  }
}

/** A connected pair: `server` is what a ConnectionHandler serves, `client` what the test drives. */
export function connectionPair(peer: Partial<Peer> = {}): { server: Connection; client: MemoryClientEnd } {
  const client = new MemoryClientEnd();
  const server = new MemoryConnection(client, {
    address: peer.address ?? "127.0.0.1",
    port: peer.port ?? 40000,
    encrypted: peer.encrypted ?? false,
    certificateUser: peer.certificateUser,
  });
  client.attach(server);
  return { server, client };
}
