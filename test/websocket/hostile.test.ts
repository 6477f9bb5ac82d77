import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { FRAME_OVERHEAD_BYTES } from "../../src/protocol/frame-limits.js";
import { WsOpcode } from "../../src/protocol/websocket.js";
import { clientFrame, closePayload } from "./frames.js";
import { handshake, RawPeer, startServer, WsPeer, type WsTestServer } from "./helpers.js";

/** The server frames (unmasked) in `bytes`, as opcode and payload. */
function serverFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode: bytes[at]! & 0x0f, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/** Waits for the server's close frame after the 101 head; resolves with its code. */
async function closeCode(peer: RawPeer): Promise<number> {
  const body = (received: Buffer) => received.subarray(received.indexOf("\r\n\r\n") + 4);
  const hasClose = (received: Buffer) =>
    serverFrames(body(received)).some((f) => f.opcode === WsOpcode.CLOSE);
  const received = await peer.until(hasClose, "a close frame");
  const close = serverFrames(body(received)).find((f) => f.opcode === WsOpcode.CLOSE)!;
  return close.payload.readUInt16BE(0);
}

const LIMIT = 256;

const HOSTILE: { name: string; protocol: string; bytes: Buffer; code: number }[] = [
  {
    name: "an unmasked frame",
    protocol: "enchufe.text",
    bytes: clientFrame(1, "hi", { masked: false }),
    code: 1002,
  },
  { name: "reserved bits", protocol: "enchufe.text", bytes: clientFrame(1, "hi", { rsv: 0x40 }), code: 1002 },
  { name: "a bad opcode", protocol: "enchufe.v1", bytes: clientFrame(0x5, "hi"), code: 1002 },
  {
    name: "a fragmented control frame",
    protocol: "enchufe.text",
    bytes: clientFrame(9, "hi", { fin: false }),
    code: 1002,
  },
  {
    name: "a text message with invalid UTF-8",
    protocol: "enchufe.text",
    bytes: clientFrame(1, Buffer.from([0xf0, 0x28, 0x8c, 0x28])),
    code: 1007,
  },
  {
    name: "a text line over maxLineBytes",
    protocol: "enchufe.text",
    bytes: clientFrame(1, "x".repeat(LIMIT + 1)),
    code: 1009,
  },
  {
    name: "a binary message over the frame limit",
    protocol: "enchufe.v1",
    bytes: clientFrame(2, Buffer.alloc(LIMIT + FRAME_OVERHEAD_BYTES + 1)),
    code: 1009,
  },
  {
    name: "a binary message on enchufe.text",
    protocol: "enchufe.text",
    bytes: clientFrame(2, "hi"),
    code: 1003,
  },
  {
    name: "a close with a 1-byte payload",
    protocol: "enchufe.text",
    bytes: clientFrame(8, Buffer.from([1])),
    code: 1002,
  },
];

describe("websocket - hostile input", () => {
  let server: WsTestServer;
  let watcher: WsPeer;
  let speaker: RawPeer;
  let said = 0;
  const open: { close(): void }[] = [];

  before(async () => {
    server = await startServer(
      { maxLineBytes: LIMIT, maxPayloadBytes: LIMIT },
      { httpHandshakeTimeoutMs: 300 },
    );
    watcher = await WsPeer.open(server.url, "enchufe.text");
    speaker = await RawPeer.connect(server.port);
    open.push(watcher, speaker);
    await watcher.lines.next();
  });
  after(async () => {
    for (const peer of open) peer.close();
    await server.close();
  });

  /** The other users keep receiving: a TCP user's line reaches the WebSocket user. */
  async function othersStillReceive(): Promise<void> {
    said++;
    speaker.write(`still here ${said}\n`);
    assert.match(await watcher.nextStarting("[general]"), new RegExp(`still here ${said}$`));
  }

  for (const hostile of HOSTILE) {
    test(`${hostile.name} is closed with ${hostile.code}, and the others keep receiving`, async () => {
      const peer = await RawPeer.connect(server.port);
      open.push(peer);
      const head = await handshake(peer, { "Sec-WebSocket-Protocol": hostile.protocol });
      assert.match(head, /^HTTP\/1\.1 101 /);
      peer.write(hostile.bytes);
      assert.equal(await closeCode(peer), hostile.code);
      await peer.ended;
      await othersStillReceive();
    });
  }

  test("a client close is answered with a close and the end of the connection", async () => {
    const peer = await RawPeer.connect(server.port);
    open.push(peer);
    await handshake(peer, {});
    peer.write(clientFrame(8, closePayload(1000, "bye")));
    assert.equal(await closeCode(peer), 1000);
    await peer.ended;
  });

  test("a ping is answered with a pong carrying the same payload", async () => {
    const peer = await RawPeer.connect(server.port);
    open.push(peer);
    await handshake(peer, {});
    peer.write(clientFrame(9, "are you there"));
    const body = (received: Buffer) => received.subarray(received.indexOf("\r\n\r\n") + 4);
    const received = await peer.until(
      (bytes) => serverFrames(body(bytes)).some((f) => f.opcode === WsOpcode.PONG),
      "a pong",
    );
    const pong = serverFrames(body(received)).find((f) => f.opcode === WsOpcode.PONG)!;
    assert.equal(pong.payload.toString(), "are you there");
  });

  const REFUSED: {
    name: string;
    headers: Record<string, string | undefined>;
    path?: string;
    status: number;
  }[] = [
    {
      name: "a handshake without Sec-WebSocket-Key",
      headers: { "Sec-WebSocket-Key": undefined },
      status: 400,
    },
    { name: "a handshake with version 8", headers: { "Sec-WebSocket-Version": "8" }, status: 400 },
    {
      name: "a handshake without a subprotocol",
      headers: { "Sec-WebSocket-Protocol": undefined },
      status: 400,
    },
    { name: "an unknown subprotocol", headers: { "Sec-WebSocket-Protocol": "mqtt" }, status: 400 },
    { name: "a foreign Origin", headers: { Origin: "https://evil.example" }, status: 403 },
    { name: "an upgrade on another path", headers: {}, path: "/chat", status: 404 },
  ];
  for (const refused of REFUSED) {
    test(`${refused.name} gets ${refused.status} with a one-line explanation`, async () => {
      const peer = await RawPeer.connect(server.port);
      open.push(peer);
      const head = await handshake(peer, refused.headers, refused.path);
      assert.match(head, new RegExp(`^HTTP/1\\.1 ${refused.status} `));
      await peer.ended;
      const body = peer.text.slice(peer.text.indexOf("\r\n\r\n") + 4);
      assert.match(body, /^[^\n]+\n$/);
      await othersStillReceive();
    });
  }

  test("the server's own origin is accepted", async () => {
    const peer = await RawPeer.connect(server.port);
    open.push(peer);
    const head = await handshake(peer, {
      Origin: `http://127.0.0.1:${server.port}`,
      Host: `127.0.0.1:${server.port}`,
    });
    assert.match(head, /^HTTP\/1\.1 101 /);
  });

  test("a plain GET of another path is 404", async () => {
    const peer = await RawPeer.connect(server.port);
    open.push(peer);
    peer.write("GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n");
    const received = await peer.until((bytes) => bytes.includes("\r\n\r\n"), "an answer");
    assert.match(received.toString(), /^HTTP\/1\.1 404 /);
  });

  test("a slow handshake (no complete request in time) is closed", async () => {
    const peer = await RawPeer.connect(server.port);
    open.push(peer);
    peer.write("GET /ws HTTP/1.1\r\nHost: x\r\n");
    await peer.ended;
    await othersStillReceive();
  });
});

describe("websocket - origin patterns", () => {
  test("--ws-origin globs let a foreign origin in; others still get 403", async () => {
    const server = await startServer({}, { wsOrigins: ["https://*.example.org"] });
    try {
      const allowed = new WsPeer(server.url, "enchufe.text", { Origin: "https://chat.example.org" });
      assert.equal(await allowed.lines.next(), "Hello from enchufe");
      allowed.close();
      const refused = await RawPeer.connect(server.port);
      const head = await handshake(refused, { Origin: "https://example.com" });
      assert.match(head, /^HTTP\/1\.1 403 /);
      refused.close();
    } finally {
      await server.close();
    }
  });
});
