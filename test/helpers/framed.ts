/**
 * Test-only clients for the messaging server: a framed client on the codec and a text (line) client,
 * plus a plain node:net server running a MessagingHandler on port 0. Not the real client library.
 */
import { once } from "node:events";
import net from "node:net";
import { findPrefaceEnd } from "../../src/protocol/detect.js";
import { encodeFrame, type Frame, FrameDecoder, PREFACE } from "../../src/protocol/frames.js";
import type { MessagingOptions } from "../../src/server/limits.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { SocketConnection } from "../../src/transport/socket-connection.js";
import { drain } from "../protocol/drain.js";

const WAIT_MS = 5000;

/** A queue of received items with waiters: next(predicate) resolves with the first match, in order. */
export class Inbox<T> {
  readonly items: T[] = [];
  #waiters: { predicate: (item: T) => boolean; resolve: (item: T) => void }[] = [];
  ended = false;
  #onEnd: (() => void)[] = [];

  push(item: T): void {
    const index = this.#waiters.findIndex((waiter) => waiter.predicate(item));
    if (index >= 0) {
      const [waiter] = this.#waiters.splice(index, 1);
      waiter!.resolve(item);
      return;
    }
    this.items.push(item);
  }

  end(): void {
    this.ended = true;
    for (const callback of this.#onEnd.splice(0)) callback();
  }

  next(predicate: (item: T) => boolean = () => true, timeoutMs = WAIT_MS, what = "item"): Promise<T> {
    const index = this.items.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.items.splice(index, 1)[0]!);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        reject(new Error(`timed out waiting for ${what}; have: ${JSON.stringify(this.items).slice(0, 500)}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  whenEnded(timeoutMs = WAIT_MS): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("timed out waiting for the connection to close")),
        timeoutMs,
      );
      this.#onEnd.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export interface TestServer {
  readonly port: number;
  readonly handler: MessagingHandler;
  close(): Promise<void>;
}

/** A describe's after(): closes the clients it opened, then its server, then the history store it gave it. */
export async function closeAll(
  clients: Array<{ close(): void }>,
  server: TestServer,
  store?: { close(): Promise<void> },
): Promise<void> {
  for (const client of clients.splice(0)) client.close();
  await server.close();
  await store?.close();
}

const GREETING = Buffer.from("Hello from enchufe\n");

/** A node:net server on 127.0.0.1 port 0 handing every socket to a MessagingHandler. */
export async function startTestServer(options: Partial<MessagingOptions> = {}): Promise<TestServer> {
  const handler = new MessagingHandler({ lang: "en", ...options });
  let next = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    handler.handle(new SocketConnection(socket), {
      id: ++next,
      remoteAddress: socket.remoteAddress ?? "?",
      remotePort: socket.remotePort ?? 0,
      greeting: GREETING,
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    handler,
    async close() {
      server.close();
      await handler.shutdown(500);
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** A person's connection: lines in (without "\n"), lines out. */
export class TextClient {
  readonly socket: net.Socket;
  readonly lines = new Inbox<string>();
  #partial = "";

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      const parts = (this.#partial + text).split("\n");
      this.#partial = parts.pop()!;
      for (const line of parts) this.lines.push(line);
    });
    socket.on("error", () => {});
    socket.on("close", () => this.lines.end());
  }

  /** Connects and waits for the greeting line. */
  static async connect(port: number): Promise<{ client: TextClient; greeting: string }> {
    const socket = net.connect(port, "127.0.0.1");
    await once(socket, "connect");
    const client = new TextClient(socket);
    const greeting = await client.next();
    return { client, greeting };
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  next(predicate?: (line: string) => boolean, timeoutMs?: number): Promise<string> {
    return this.lines.next(predicate, timeoutMs, "a line");
  }

  /** The next line starting with `prefix`. */
  nextStarting(prefix: string, timeoutMs?: number): Promise<string> {
    return this.lines.next((line) => line.startsWith(prefix), timeoutMs, `a line starting with ${prefix}`);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A program's connection speaking frames. */
export class FramedClient {
  readonly socket: net.Socket;
  readonly frames = new Inbox<Frame>();
  welcome: Extract<Frame, { type: "WELCOME" }> | undefined;
  #beforePreface: Buffer | undefined = Buffer.alloc(0);
  readonly #decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 });

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", () => {});
    socket.on("close", () => this.frames.end());
  }

  /**
   * Connects, sends the preface and HELLO at once, waits for WELCOME (unless `hello` is false). Version 1
   * by default: every test written before version 2 proves a version-1 client sees no change.
   */
  static async connect(port: number, name = "test-client", hello = true, version = 1): Promise<FramedClient> {
    const socket = net.connect(port, "127.0.0.1");
    await once(socket, "connect");
    const client = new FramedClient(socket);
    socket.write(PREFACE);
    if (hello) {
      client.send({
        type: "HELLO",
        version,
        clientName: name,
        user: "",
        password: "",
        token: "",
      });
      const welcome = await client.next("WELCOME");
      client.welcome = welcome;
    }
    return client;
  }

  #onData(chunk: Buffer): void {
    if (this.#beforePreface !== undefined) {
      const data = Buffer.concat([this.#beforePreface, chunk]);
      const end = findPrefaceEnd(data);
      if (end === -1) {
        this.#beforePreface = data;
        return;
      }
      this.#beforePreface = undefined;
      chunk = data.subarray(end);
    }
    if (chunk.length === 0) return;
    this.#decoder.push(chunk);
    for (const frame of drain(this.#decoder)) this.frames.push(frame);
  }

  send(frame: Frame): void {
    this.socket.write(encodeFrame(frame));
  }

  next<T extends Frame["type"]>(
    type: T,
    predicate?: (frame: Extract<Frame, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<Frame, { type: T }>> {
    return this.frames.next(
      (frame) =>
        frame.type === type && (predicate === undefined || predicate(frame as Extract<Frame, { type: T }>)),
      timeoutMs,
      `a ${type} frame`,
    ) as Promise<Extract<Frame, { type: T }>>;
  }

  /** PING and wait for PONG: everything sent before was processed by the server. */
  async flush(): Promise<void> {
    this.send({ type: "PING" });
    await this.next("PONG");
  }

  subscribe(sid: number, pattern: string, responder = false): void {
    this.send({ type: "SUB", sid, pattern, responder });
  }

  publish(topic: string, payload: string | Uint8Array): void {
    this.send({
      type: "PUB",
      topic,
      headers: [],
      payload: typeof payload === "string" ? Buffer.from(payload) : payload,
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

export function text(payload: Uint8Array): string {
  return Buffer.from(payload).toString("utf8");
}

/** The clients one test file opens on one server: a framed program or a person in a room; closeAll() in `after`. */
export class TestClients {
  readonly #open: { close(): void }[] = [];
  readonly #port: () => number;

  /** `port` is read when a client connects (the server may start in a `before` hook). */
  constructor(port: () => number) {
    this.#port = port;
  }

  /** A framed client past WELCOME. */
  async framed(name: string): Promise<FramedClient> {
    const client = await FramedClient.connect(this.#port(), name);
    this.#open.push(client);
    return client;
  }

  /** A text user with nickname `nick` in `room` (waits for the /join answer). */
  async person(nick: string, room: string): Promise<TextClient> {
    const { client } = await TextClient.connect(this.#port());
    this.#open.push(client);
    client.send(`/nick ${nick}`);
    client.send(`/join ${room}`);
    await client.nextStarting("* you are now in room");
    return client;
  }

  /** Anything else the test opened, closed with the rest. */
  track(closable: { close(): void }): void {
    this.#open.push(closable);
  }

  closeAll(): void {
    for (const client of this.#open.splice(0)) client.close();
  }
}
