/**
 * The client library over WebSocket in Node (connect({ url })): with the ws package's client given as
 * the `webSocket` option (any Node), with Node's own WebSocket where it has one (22+), and the errors
 * a user can meet: no WebSocket class, a URL that does not open, options that conflict.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import WebSocket from "ws";
import { Authenticator } from "../../src/auth/authenticator.js";
import { createDevCa, issueServerCert } from "../../src/auth/certs.js";
import { hashPassword } from "../../src/auth/passwords.js";
import { emptyUsersFile } from "../../src/auth/users.js";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import type { ClientOptionsInput } from "../../src/client/options.js";
import type { IncomingRequest, Message } from "../../src/client/subscription.js";
import type { WebSocketConstructor } from "../../src/client/websocket-like.js";
import { isEnchufeError } from "../../src/errors.js";
import { SecurityPolicy } from "../../src/server/security.js";
import { TlsListener } from "../../src/transport/tls.js";
import { failure } from "../helpers/errors.js";
import { startServer, type WsTestServer } from "../websocket/helpers.js";

const servers: WsTestServer[] = [];
const clients: EnchufeClient[] = [];
after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.close()));
});

async function server(...args: Parameters<typeof startServer>): Promise<WsTestServer> {
  const started = await startServer(...args);
  servers.push(started);
  return started;
}

async function client(options: ClientOptionsInput): Promise<EnchufeClient> {
  const connected = await connect({ timeoutMs: 3000, ...options });
  clients.push(connected);
  return connected;
}

/** The next message of a subscription, without ending its iteration. */
async function next<T>(subscription: { queue: { next(): Promise<IteratorResult<T>> } }): Promise<T> {
  const result = await subscription.queue.next();
  assert.equal(result.done, false);
  return result.value as T;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

const WsClass: WebSocketConstructor = WebSocket;
const NodeWebSocket = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;

/** Publish both ways between a WebSocket client and a TCP client, and a request from the WebSocket one. */
async function speaksBothWays(
  ws: EnchufeClient,
  port: number,
  tcpOptions: ClientOptionsInput = {},
): Promise<void> {
  const tcp = await client({ port, name: "tcp", ...tcpOptions });
  const onWs = ws.subscribe("news.>");
  const onTcp = tcp.subscribe("replies.*");
  const responder = tcp.respond("svc.double");
  void (async () => {
    for await (const request of responder as AsyncIterable<IncomingRequest>) {
      request.respond(text(request.payload).repeat(2));
    }
  })();
  await ws.flush();
  await tcp.flush();
  tcp.publish("news.today", "from tcp ✓");
  ws.publish("replies.a", "from ws");
  assert.equal(text((await next<Message>(onWs)).payload), "from tcp ✓");
  const message = await next<Message>(onTcp);
  assert.deepEqual([message.topic, text(message.payload)], ["replies.a", "from ws"]);
  assert.equal(text((await ws.request("svc.double", "ab")).payload), "abab");
}

describe("client over WebSocket in Node", () => {
  test("with the ws package as the webSocket option: pub/sub with a TCP client both ways, requests", async () => {
    const { port, url } = await server();
    const ws = await client({ url, webSocket: WsClass, name: "ws-client" });
    assert.equal(ws.state, "connected");
    assert.equal(ws.encrypted, false);
    assert.equal(ws.options.port, port);
    assert.equal(ws.info?.maxPayload, 1024 * 1024);
    await speaksBothWays(ws, port);
  });

  test("with Node's own WebSocket (globalThis.WebSocket, Node 22 and later)", {
    skip: NodeWebSocket === undefined ? "this Node has no WebSocket (the ws test above covers it)" : false,
  }, async () => {
    const { port, url } = await server();
    const ws = await client({ url, name: "native" });
    await speaksBothWays(ws, port);
  });

  test("wss:// on a TLS port (the same certificate): encrypted, and an untrusted certificate is EWEBSOCKET", async () => {
    const ca = await createDevCa();
    const certificate = await issueServerCert(ca);
    const tlsListener = new TlsListener({ cert: certificate.cert, key: certificate.key });
    const { port } = await server({}, { createServer: () => tlsListener.createServer() });
    const url = `wss://127.0.0.1:${port}/ws`;
    // The ws package takes TLS options as a third argument: a subclass gives it the development CA.
    class TrustingWebSocket extends WebSocket {
      constructor(address: string, protocols: string | string[]) {
        super(address, protocols, { ca: ca.cert });
      }
    }
    const wss = await client({ url, webSocket: TrustingWebSocket });
    assert.equal(wss.encrypted, true);
    await speaksBothWays(wss, port, { tls: { ca: ca.cert } });
    const untrusted = await failure(connect({ url, webSocket: WsClass, timeoutMs: 3000 }));
    assert.equal(untrusted.code, "EWEBSOCKET");
    assert.match(untrusted.message, /certificate/);
  });

  test("credentials go in HELLO over the WebSocket: accepted, and a wrong password is EAUTH", async () => {
    const users = emptyUsersFile();
    const authenticator = new Authenticator({
      ...users,
      users: {
        ana: { password: await hashPassword("ana-secret"), tokens: [], publish: [">"], subscribe: [">"] },
      },
    });
    const { url } = await server({ security: new SecurityPolicy({ authenticator, requireAuth: true }) });
    const ana = await client({ url, webSocket: WsClass, user: "ana", password: "ana-secret" });
    assert.equal(ana.info?.nick, "ana");
    const wrong = await failure(connect({ url, webSocket: WsClass, user: "ana", password: "nope" }));
    assert.equal(wrong.code, "EAUTH");
  });

  test("a server that closes makes the client reconnect over WebSocket and resubscribe", async () => {
    const first = await server();
    const ws = await client({
      url: first.url,
      webSocket: WsClass,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    const subscription = ws.subscribe("again");
    const disconnected = new Promise((resolve) => ws.once("disconnected", resolve));
    await first.close();
    await disconnected;
    const second = await server({}, { port: first.port });
    await new Promise((resolve) => ws.once("reconnected", resolve));
    await ws.flush();
    const tcp = await client({ port: second.port });
    tcp.publish("again", "after the restart");
    assert.equal(text((await next<Message>(subscription)).payload), "after the restart");
  });

  test("no WebSocket class (Node 20 without the option) is ENOWEBSOCKET", async () => {
    const { url } = await server();
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, "WebSocket");
    Reflect.deleteProperty(globalThis, "WebSocket");
    try {
      const error = await failure(connect({ url }));
      assert.equal(error.code, "ENOWEBSOCKET");
      assert.match(error.message, /webSocket option/);
    } finally {
      if (descriptor !== undefined) Object.defineProperty(globalThis, "WebSocket", descriptor);
    }
  });

  test("a URL that does not open is EWEBSOCKET with the reason (a wrong path: 404)", async () => {
    const { port } = await server();
    const error = await failure(connect({ url: `ws://127.0.0.1:${port}/nope`, webSocket: WsClass }));
    assert.equal(error.code, "EWEBSOCKET");
    assert.match(error.message, /ws:\/\/127\.0\.0\.1:\d+\/nope did not open: .*404/);
    assert.equal(error.details.address, `ws://127.0.0.1:${port}/nope`);
  });

  test("a foreign Origin is refused by the server (403): EWEBSOCKET with the reason", async () => {
    const { url } = await server();
    class ForeignPage extends WebSocket {
      constructor(address: string, protocols: string | string[]) {
        super(address, protocols, { headers: { Origin: "https://elsewhere.example" } });
      }
    }
    const error = await failure(connect({ url, webSocket: ForeignPage }));
    assert.equal(error.code, "EWEBSOCKET");
    assert.match(error.message, /403/);
  });

  test("options: credentials in the URL, url beside host/port/tls, other schemes fail at start", async () => {
    const cases: Array<[ClientOptionsInput, RegExp]> = [
      [{ url: "ws://ana:s3cret@127.0.0.1:5000/ws" }, /options\.url should not carry credentials/],
      [{ url: "ws://127.0.0.1:5000/ws", port: 5000 }, /options\.url cannot be combined with host or port/],
      [{ url: "ws://127.0.0.1:5000/ws", host: "127.0.0.1" }, /cannot be combined/],
      [{ url: "wss://127.0.0.1:5000/ws", tls: {} }, /options\.tls applies to TCP only/],
      [{ url: "http://127.0.0.1:5000/ws" }, /options\.url should be a ws:\/\/ or wss:\/\/ URL/],
      [{ url: "not a url" }, /options\.url should be a ws:\/\/ or wss:\/\/ URL/],
      [{ webSocket: WsClass }, /options\.webSocket is used only with url/],
      [
        { url: "ws://127.0.0.1:5000/ws", webSocket: "ws" as never },
        /options\.webSocket should be a WebSocket class/,
      ],
    ];
    for (const [options, message] of cases) {
      const error = await failure(connect(options));
      assert.equal(error.code, "EOPTION", String(options.url));
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /s3cret/, "a password in the URL is never echoed");
    }
    assert.ok(isEnchufeError(await failure(connect({ url: "ws://a:b@x/ws" })), "EOPTION"));
  });
});
