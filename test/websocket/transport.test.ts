import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { encodeFrame, type Frame, FrameDecoder, NEED_DATA } from "../../src/protocol/frames.js";
import { SNIFF_DEADLINE_MS } from "../../src/server/sniff.js";
import { FramedClient } from "../helpers/framed.js";
import { GUEST_HELLO } from "./frames.js";
import { RawPeer, startServer, WsPeer, type WsTestServer } from "./helpers.js";

describe("websocket on the messaging port", () => {
  let server: WsTestServer;
  const open: { close(): void }[] = [];
  function track<T extends { close(): void }>(peer: T): T {
    open.push(peer);
    return peer;
  }

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    for (const peer of open) peer.close();
    await server.close();
  });

  test("an enchufe.text browser user and an nc-style TCP user chat in one room, both ways", async () => {
    const browser = track(await WsPeer.open(server.url, "enchufe.text"));
    assert.equal(await browser.lines.next(), "Hello from enchufe");
    const nc = track(await RawPeer.connect(server.port));
    await nc.line("Hello from enchufe");
    browser.send("/nick web");
    assert.equal(await browser.nextStarting("* you are now"), "* you are now web");
    browser.send("/join sala");
    await browser.nextStarting("* you are now in room sala");
    nc.write("/nick tcp\n/join sala\n");
    await browser.nextStarting("* tcp joined sala");
    browser.send("hola desde el navegador");
    assert.equal(await nc.line("[sala] web:"), "[sala] web: hola desde el navegador");
    nc.write("hola desde nc\n");
    assert.equal(await browser.nextStarting("[sala] tcp:"), "[sala] tcp: hola desde nc");
  });

  test("an enchufe.v1 client speaks HELLO/WELCOME/SUB/PUB in binary messages, with TCP framed clients", async () => {
    const peer = track(await WsPeer.open(server.url, "enchufe.v1"));
    const frames: Frame[] = [];
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    const nextFrame = async (type: Frame["type"]): Promise<Frame> => {
      for (;;) {
        const found = frames.findIndex((frame) => frame.type === type);
        if (found >= 0) return frames.splice(found, 1)[0]!;
        decoder.push(await peer.binary.next());
        for (let frame = decoder.next(); frame !== NEED_DATA; frame = decoder.next()) frames.push(frame);
      }
    };
    // One message holding two frames, then a frame split over two messages.
    const sub = encodeFrame({ type: "SUB", sid: 1, pattern: "news.>", responder: false });
    peer.send(Buffer.concat([GUEST_HELLO, sub.subarray(0, 3)]));
    peer.send(sub.subarray(3));
    const welcome = await nextFrame("WELCOME");
    assert.equal(welcome.type, "WELCOME");
    peer.send(encodeFrame({ type: "PING" }));
    await nextFrame("PONG");
    const tcp = track(await FramedClient.connect(server.port));
    tcp.subscribe(1, "news.>");
    await tcp.flush();
    tcp.publish("news.today", "from tcp");
    const msg = await nextFrame("MSG");
    assert.ok(msg.type === "MSG" && Buffer.from(msg.payload).toString() === "from tcp");
    peer.send(encodeFrame({ type: "PUB", topic: "news.ws", headers: [], payload: Buffer.from("from ws") }));
    const got = await tcp.next("MSG", (frame) => frame.topic === "news.ws");
    assert.equal(Buffer.from(got.payload).toString(), "from ws");
  });

  test("an enchufe.v1 client alone on the server is still idle-checked: it gets its keepalive PING", async () => {
    const idle = await startServer({ idleTimeoutMs: 400 });
    try {
      const peer = await WsPeer.open(idle.url, "enchufe.v1");
      const hello = encodeFrame({
        type: "HELLO",
        version: 1,
        clientName: "quiet",
        user: "",
        password: "",
        token: "",
      });
      peer.send(hello);
      const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      const seen: string[] = [];
      while (!seen.includes("PING")) {
        decoder.push(await peer.binary.next());
        for (let frame = decoder.next(); frame !== NEED_DATA; frame = decoder.next()) seen.push(frame.type);
      }
      assert.deepEqual(seen.slice(0, 1), ["WELCOME"]);
      peer.close();
    } finally {
      await idle.close();
    }
  });

  test("a silent TCP user still gets the greeting (after the sniff deadline)", async () => {
    const nc = track(await RawPeer.connect(server.port));
    assert.equal(await nc.line("Hello"), "Hello from enchufe");
  });

  test("a WebSocket client whose request waits unread past the sniff deadline (a late event loop) still gets its 101", async () => {
    const accepted = once(server.server, "connection");
    const peer = track(await RawPeer.connect(server.port));
    await accepted; // the server is sniffing: its deadline runs from now
    const key = "dGhlIHNhbXBsZSBub25jZQ==";
    peer.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: enchufe.text\r\n\r\n`,
    );
    // A loaded server: its event loop is busy past the deadline while the request sits unread in the kernel.
    const busyUntil = Date.now() + 2 * SNIFF_DEADLINE_MS;
    while (Date.now() < busyUntil) {}
    const answer = await peer.until((received) => received.length >= 12, "the answer");
    assert.equal(answer.subarray(0, 12).toString("latin1"), "HTTP/1.1 101");
  });

  test("a browser socket greeted as a text user (silent past the deadline) and then sending GET is closed; the room hears nothing", async () => {
    const own = await startServer();
    after(() => own.close());
    const user = track(await RawPeer.connect(own.port));
    await user.line("Hello");
    user.write("/nick watcher\n");
    await user.line("* you are now watcher");
    const late = track(await RawPeer.connect(own.port));
    await late.line("Hello");
    const gone = once(own.handler, "disconnect");
    late.write("GET /chat.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
    await late.ended;
    assert.equal((await gone)[1], "late-http");
    assert.match(late.text, /^! this is an HTTP request that came after the greeting: load the page/m);
    user.write("/who\n");
    const who = await user.line("* in general");
    assert.equal(who, "* in general: watcher");
    assert.doesNotMatch(user.text, /GET|Host:|joined/);
  });

  test("the server's shutdown closes WebSocket clients with 1001", async () => {
    const own = await startServer();
    const peer = await WsPeer.open(own.url, "enchufe.text");
    await peer.lines.next();
    await own.close();
    const closed = await peer.closed;
    assert.equal(closed.code, 1001);
    assert.equal(closed.reason, "server shutting down");
  });
});
