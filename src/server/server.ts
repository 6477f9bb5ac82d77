/**
 * The enchufe server: listens, greets, and hands each connection to the messaging handler
 * (or, in the original's modes, greets and closes). Events:
 * - `listening` ({ address, port, family }), `connection` (ConnectionInfo & { address }),
 * - `trace` (TraceEvent), `done` (after the one client of `once` mode), `error` (a socket error after listen).
 */
import { EventEmitter } from "node:events";
import type { Server, Socket } from "node:net";
import { EnchufeError } from "../errors.js";
import { formatAddress } from "../transport/address.js";
import { SocketConnection } from "../transport/socket-connection.js";
import { listen } from "../transport/tcp.js";
import type { TraceEvent } from "../transport/trace.js";
import {
  type ConnectionInfo,
  greetingBytes,
  resolveServerOptions,
  type ServerOptions,
  servesWebSocket,
} from "./options.js";
import { type SniffResult, sniffHttp } from "./sniff.js";
import { WebEndpoint } from "./web.js";

/** Where the server listens, as the operating system reports it (the real port when port 0 was asked). */
export interface BoundAddress {
  readonly address: string;
  readonly port: number;
  readonly family: string;
}

export class EnchufeServer extends EventEmitter {
  readonly options: ServerOptions;
  readonly #greeting: Buffer;
  /** The greeting as a line, for the messaging handler (session mode). */
  readonly #greetingLine: Buffer;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #bound: BoundAddress | undefined;
  #nextId = 0;
  #closing: Promise<void> | undefined;
  /** HTTP and WebSocket clients on the same port, when the handler serves them (session mode). */
  readonly #web: WebEndpoint | undefined;

  constructor(options: Partial<ServerOptions> = {}) {
    super();
    this.options = resolveServerOptions(options);
    this.#greeting = greetingBytes(this.options.message);
    this.#greetingLine = Buffer.concat([this.#greeting, NEWLINE]);
    const handler = this.options.mode === "session" ? this.options.handler : undefined;
    this.#web =
      handler !== undefined && servesWebSocket(handler)
        ? new WebEndpoint({
            handler,
            origins: this.options.wsOrigins,
            handshakeTimeoutMs: this.options.httpHandshakeTimeoutMs,
            webRoot: this.options.webRoot,
            pageLang: this.options.pageLang,
          })
        : undefined;
  }

  /** The bound address once listening. */
  get address(): BoundAddress | undefined {
    return this.#bound;
  }

  /** Sockets currently open. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Starts listening; rejects with EADDRINUSE, EACCES, EADDRNOTAVAIL or ENOTFOUND. */
  async listen(): Promise<BoundAddress> {
    if (this.#server !== undefined) throw new EnchufeError("EOPTION", "The server is already listening");
    const trace =
      this.listenerCount("trace") > 0 ? (event: TraceEvent) => this.emit("trace", event) : undefined;
    const server = await listen({
      host: this.options.host,
      port: this.options.port,
      backlog: this.options.backlog,
      createServer: this.options.createServer,
      trace,
    });
    this.#server = server;
    const bound = server.address();
    if (bound === null || typeof bound !== "object") throw new EnchufeError("EOPTION", "Not a TCP server");
    this.#bound = Object.freeze({ address: bound.address, port: bound.port, family: bound.family });
    server.on("connection", (socket: Socket) => this.#accept(socket));
    server.on("secureConnection", (socket: Socket) => this.#accept(socket));
    server.on("error", (error) => this.emit("error", error));
    this.emit("listening", this.#bound);
    return this.#bound;
  }

  #accept(socket: Socket): void {
    // A TLS server emits both 'connection' (raw TCP) and 'secureConnection' (after the handshake):
    // sessions start on the secure one.
    if (this.options.createServer !== undefined && !("encrypted" in socket)) return;
    if (this.#closing !== undefined) {
      socket.destroy();
      return;
    }
    const id = ++this.#nextId;
    const remoteAddress = socket.remoteAddress ?? "?";
    const remotePort = socket.remotePort ?? 0;
    socket.on("error", ignoreSocketError);
    const handler = this.options.mode === "session" ? this.options.handler : undefined;
    if (this.listenerCount("trace") > 0) {
      this.#traceSocket(socket, formatAddress(remoteAddress, remotePort), id);
    } else if (handler === undefined) {
      // In session mode the handler tracks its sockets; without one, close() waits for these.
      this.#sockets.add(socket);
      (socket as TrackedSocket)[SERVER] = this;
      socket.on("close", untrackSocket);
    }
    if (this.listenerCount("connection") > 0)
      this.emit("connection", {
        remoteAddress,
        remotePort,
        id,
        address: formatAddress(remoteAddress, remotePort),
      });

    if (handler !== undefined) {
      const info: ConnectionInfo = { remoteAddress, remotePort, id, greeting: this.#greetingLine };
      const web = this.#web;
      if (web === undefined) handler.handle(new SocketConnection(socket), info);
      // The greeting waits until the first bytes (or their deadline) say this is no HTTP client.
      else
        sniffHttp(socket, this.options.sniffDeadlineMs, (sniffed) =>
          this.#sniffed(socket, info, web, sniffed),
        );
      return;
    }
    const mode = this.options.mode;
    if (this.listenerCount("trace") > 0) {
      const peer = formatAddress(remoteAddress, remotePort);
      this.emit("trace", { step: "send", bytes: this.#greeting.length, peer } satisfies TraceEvent);
    }
    // As servidor.py's conn.close(): once the greeting is handed to the system, the socket is closed on
    // our side, whatever the client does (a client that keeps its side open, like nc, does not hold us).
    socket.resume();
    socket.on("finish", destroyAfterGreeting);
    socket.end(this.#greeting);
    if (mode === "once") {
      // The original accepts exactly one client: stop listening now, report done once it is closed.
      this.#server?.close();
      socket.once("close", () => this.emit("done"));
    }
  }

  /** The first bytes said who this is: an HTTP client, or a text or framed client of the handler. */
  #sniffed(socket: Socket, info: ConnectionInfo, web: WebEndpoint, sniffed: SniffResult): void {
    const handler = this.options.handler;
    if (handler === undefined) return;
    if (sniffed.http && sniffed.first !== undefined) {
      web.accept(socket, sniffed.first, info);
      return;
    }
    const connection = new SocketConnection(socket);
    handler.handle(connection, info);
    if (sniffed.first !== undefined) connection.receiver?.received(sniffed.first);
  }

  /** Forgets a socket that closed (see untrackSocket). */
  untrack(socket: Socket): void {
    this.#sockets.delete(socket);
  }

  /** --trace: every step of this socket's life as `trace` events (closures are fine in a learning mode). */
  #traceSocket(socket: Socket, peer: string, id: number): void {
    this.#sockets.add(socket);
    this.emit("trace", { step: "accept", peer, id } satisfies TraceEvent);
    socket.on("data", (chunk: Buffer) =>
      this.emit("trace", { step: "receive", bytes: chunk.length, peer } satisfies TraceEvent),
    );
    socket.on("end", () => this.emit("trace", { step: "end", peer } satisfies TraceEvent));
    socket.on("close", () => {
      this.#sockets.delete(socket);
      this.emit("trace", {
        step: "close",
        peer,
        sent: socket.bytesWritten,
        received: socket.bytesRead,
      } satisfies TraceEvent);
    });
  }

  /**
   * Stops gracefully: stops accepting, lets the handler tell its sessions and flush, waits for greetings
   * in flight, and drops whatever is still open after `shutdownTimeoutMs`.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const deadline = this.options.shutdownTimeoutMs;
    this.#web?.close();
    if (this.options.handler !== undefined) await this.options.handler.shutdown(deadline);
    if (this.#sockets.size > 0) {
      const drained = new Promise<void>((resolve) => {
        const check = () => {
          if (this.#sockets.size === 0) resolve();
        };
        for (const socket of this.#sockets) socket.once("close", check);
        check();
      });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadline);
      });
      await Promise.race([drained, late]);
      clearTimeout(timer);
      for (const socket of this.#sockets) socket.destroy();
    }
    await closed;
  }
}

const NEWLINE = Buffer.from("\n");
const SERVER = Symbol("enchufe.server");

function destroyAfterGreeting(this: Socket): void {
  this.destroy();
}
type TrackedSocket = Socket & { [SERVER]?: EnchufeServer };

// Per-socket listeners are shared named functions, not closures: an idle connection costs less memory.
function untrackSocket(this: TrackedSocket): void {
  this[SERVER]?.untrack(this);
}

/** Resets and broken pipes end in 'close'; the session (if any) reports its own errors. */
export function ignoreSocketError(): void {}

/** Creates a server (not yet listening): call `listen()`. */
export function createServer(options: Partial<ServerOptions> = {}): EnchufeServer {
  return new EnchufeServer(options);
}
