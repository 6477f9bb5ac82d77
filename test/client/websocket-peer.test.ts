/**
 * The client's WebSocket transport against a scripted enchufe.v1 server (the ws package's
 * WebSocketServer on port 0): what a real server never does, or does only by chance of timing, on
 * purpose. A frame split across messages and several frames in one message are read; a text message
 * is the server's protocol error.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, describe, test } from "node:test";
import WebSocket, { WebSocketServer } from "ws";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import type { Message } from "../../src/client/subscription.js";
import type { EnchufeError } from "../../src/errors.js";
import { encodeFrame } from "../../src/protocol/frames.js";
import { welcomeFrame } from "./welcome.js";

const servers: WebSocketServer[] = [];
const clients: EnchufeClient[] = [];
after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  for (const server of servers) {
    for (const socket of server.clients) socket.terminate();
    server.close();
  }
});

/** A server that answers the first message (HELLO) with `onHello`, and each later one with `onMessage`. */
async function scripted(
  onHello: (socket: WebSocket) => void,
  onMessage: (socket: WebSocket) => void = () => {},
): Promise<string> {
  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (protocols) => (protocols.has("enchufe.v1") ? "enchufe.v1" : false),
  });
  servers.push(server);
  await once(server, "listening");
  server.on("connection", (socket) => {
    socket.once("message", () => {
      onHello(socket);
      socket.on("message", () => onMessage(socket));
    });
  });
  const { port } = server.address() as { port: number };
  return `ws://127.0.0.1:${port}/ws`;
}

async function client(url: string): Promise<EnchufeClient> {
  const connected = await connect({ url, webSocket: WebSocket, timeoutMs: 3000, reconnect: false });
  clients.push(connected);
  return connected;
}

const message = (payload: string) =>
  encodeFrame({
    type: "MSG",
    private: false,
    topic: "t",
    from: "server",
    headers: [],
    payload: Buffer.from(payload),
  });

describe("client WebSocket transport against a scripted server", () => {
  test("WELCOME split over two messages; two MSGs in one message and one MSG split over two", async () => {
    const welcome = welcomeFrame("scripted-ws");
    const frames = Buffer.concat([message("one"), message("two"), message("three")]);
    const cut = frames.length - 3;
    const url = await scripted(
      (socket) => {
        socket.send(welcome.subarray(0, 5));
        socket.send(welcome.subarray(5));
      },
      // The client's SUB arrived: its messages now.
      (socket) => {
        socket.send(frames.subarray(0, cut));
        socket.send(frames.subarray(cut));
      },
    );
    const ws = await client(url);
    assert.equal(ws.info?.serverName, "scripted-ws");
    const subscription = ws.subscribe("t");
    const received: string[] = [];
    while (received.length < 3) {
      const next = await subscription.queue.next();
      received.push(Buffer.from((next.value as Message).payload).toString());
    }
    assert.deepEqual(received, ["one", "two", "three"]);
  });

  test("a text message on enchufe.v1 is the server's protocol error: disconnected with EPROTOCOL", async () => {
    let closed: Promise<[number, Buffer]> | undefined;
    const url = await scripted((socket) => {
      closed = once(socket, "close") as Promise<[number, Buffer]>;
      socket.send(welcomeFrame("scripted-ws"));
      socket.send("not binary");
    });
    const ws = await client(url);
    const [error] = (await once(ws, "disconnected")) as [EnchufeError];
    assert.equal(error.code, "EPROTOCOL");
    assert.match(error.message, /text message on enchufe\.v1/);
    const [code, reason] = await closed!;
    assert.equal(code, 1000);
    assert.match(reason.toString(), /enchufe\.v1 is binary/);
  });
});
