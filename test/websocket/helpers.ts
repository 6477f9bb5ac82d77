/** A real EnchufeServer on port 0 with WebSocket peers (ws, the independent client) and raw sockets. */
import { once } from "node:events";
import net from "node:net";
import WebSocket from "ws";
import type { MessagingOptions } from "../../src/server/limits.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import type { ServerOptions } from "../../src/server/options.js";
import { createServer, type EnchufeServer } from "../../src/server/server.js";
import { Inbox } from "../helpers/framed.js";

export interface WsTestServer {
  readonly server: EnchufeServer;
  readonly handler: MessagingHandler;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** An EnchufeServer (session mode, English) on 127.0.0.1 port 0. */
export async function startServer(
  messaging: Partial<MessagingOptions> = {},
  options: Partial<ServerOptions> = {},
): Promise<WsTestServer> {
  const handler = new MessagingHandler({ lang: "en", ...messaging });
  const server = createServer({
    host: "127.0.0.1",
    port: 0,
    message: "Hello from enchufe",
    handler,
    shutdownTimeoutMs: 1000,
    ...options,
  });
  const { port } = await server.listen();
  return { server, handler, port, url: `ws://127.0.0.1:${port}/ws`, close: () => server.close() };
}

/** A WebSocket peer (the ws package): text messages as lines, binary messages as Buffers. */
export class WsPeer {
  readonly socket: WebSocket;
  readonly lines = new Inbox<string>();
  readonly binary = new Inbox<Buffer>();
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, protocol: string | string[], headers: Record<string, string> = {}) {
    this.socket = new WebSocket(url, protocol, { headers });
    this.socket.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.binary.push(data);
      else this.lines.push(data.toString("utf8"));
    });
    this.socket.on("error", () => {});
    this.closed = new Promise((resolve) =>
      this.socket.on("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async open(url: string, protocol: string): Promise<WsPeer> {
    const peer = new WsPeer(url, protocol);
    await once(peer.socket, "open");
    return peer;
  }

  send(data: string | Buffer): void {
    this.socket.send(data);
  }

  nextStarting(prefix: string): Promise<string> {
    return this.lines.next((line) => line.startsWith(prefix), undefined, `a line starting with ${prefix}`);
  }

  close(): void {
    this.socket.terminate();
  }
}

/** A raw TCP socket: what an nc user or a hostile client sends and reads. */
export class RawPeer {
  readonly socket: net.Socket;
  readonly data = new Inbox<Buffer>();
  #received = Buffer.alloc(0);
  readonly ended: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.data.push(chunk);
    });
    socket.on("error", () => {});
    this.ended = new Promise((resolve) => socket.on("close", () => resolve()));
  }

  static async connect(port: number): Promise<RawPeer> {
    const socket = net.connect(port, "127.0.0.1");
    await once(socket, "connect");
    return new RawPeer(socket);
  }

  /** Everything received so far. */
  get received(): Buffer {
    return this.#received;
  }

  /** Waits until the bytes received so far satisfy `check`. */
  async until(check: (received: Buffer) => boolean, what: string): Promise<Buffer> {
    while (!check(this.#received)) await this.data.next(() => true, undefined, what);
    return this.#received;
  }

  /** Text lines received so far (an nc user's screen). */
  get text(): string {
    return this.#received.toString("utf8");
  }

  async line(prefix: string): Promise<string> {
    const has = (received: Buffer) =>
      received
        .toString("utf8")
        .split("\n")
        .slice(0, -1)
        .some((line) => line.startsWith(prefix));
    await this.until(has, `a line starting with ${prefix}`);
    return this.text.split("\n").find((line) => line.startsWith(prefix))!;
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends a WebSocket upgrade request by hand on a raw socket; resolves with the answer's head. */
export async function handshake(
  peer: RawPeer,
  headers: Record<string, string | undefined>,
  path = "/ws",
): Promise<string> {
  const all: Record<string, string | undefined> = {
    Host: `127.0.0.1:${peer.socket.remotePort}`,
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Protocol": "enchufe.text",
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${value}\r\n`);
  peer.write(`GET ${path} HTTP/1.1\r\n${lines.join("")}\r\n`);
  const received = await peer.until((bytes) => bytes.includes("\r\n\r\n"), "the HTTP answer");
  return received.subarray(0, received.indexOf("\r\n\r\n")).toString("latin1");
}
