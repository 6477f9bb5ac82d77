import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, test } from "node:test";
import fc from "fast-check";
import * as wsPackage from "ws";

/** ws's frame reader and writer: exported by the package, not described by @types/ws. */
interface WsInternals {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => import("node:stream").Writable;
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
    ): Buffer[];
  };
}
const { Receiver, Sender } = wsPackage as unknown as WsInternals;

import {
  encodeWsClose,
  encodeWsFrame,
  encodeWsTextLines,
  NEED_DATA,
  WsDecoder,
  type WsMessage,
  WsOpcode,
  WsProtocolError,
  wsFrameHeader,
  wsHeaderLength,
} from "../../src/protocol/websocket.js";
import { clientFrame, closePayload } from "./frames.js";

const MAX = 1024;

/** Pushes each chunk and pulls every message after each push (as the connection does). */
function decodeChunks(decoder: WsDecoder, chunks: Buffer[]): WsMessage[] {
  const messages: WsMessage[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let m = decoder.next(); m !== NEED_DATA; m = decoder.next()) messages.push(m);
  }
  return messages;
}

const byteByByte = (data: Buffer) => [...data].map((b) => Buffer.from([b]));

const NEXT = clientFrame(WsOpcode.TEXT, "next");

/**
 * The three ways every rule is fed: whole, byte by byte, and followed by the first bytes of another
 * frame (`rest` completes it: the trailing bytes must be kept and give that frame).
 */
function feeds(bytes: Buffer): { name: string; chunks: Buffer[]; rest: Buffer | undefined }[] {
  return [
    { name: "whole", chunks: [bytes], rest: undefined },
    { name: "byte by byte", chunks: byteByByte(bytes), rest: undefined },
    {
      name: "with trailing bytes",
      chunks: [Buffer.concat([bytes, NEXT.subarray(0, 5)])],
      rest: NEXT.subarray(5),
    },
  ];
}

function simple(messages: WsMessage[]): unknown[] {
  return messages.map((m) => (m.type === "close" ? m : { type: m.type, data: m.data.toString("utf8") }));
}

const VALID: { name: string; bytes: Buffer; expected: unknown[] }[] = [
  {
    name: "a text message",
    bytes: clientFrame(1, "hola ñandú"),
    expected: [{ type: "text", data: "hola ñandú" }],
  },
  {
    name: "a binary message",
    bytes: clientFrame(2, "\u0000\u0001"),
    expected: [{ type: "binary", data: "\u0000\u0001" }],
  },
  { name: "an empty text message", bytes: clientFrame(1, ""), expected: [{ type: "text", data: "" }] },
  {
    name: "a 16-bit length",
    bytes: clientFrame(2, "x".repeat(300)),
    expected: [{ type: "binary", data: "x".repeat(300) }],
  },
  {
    name: "a 64-bit length",
    bytes: clientFrame(2, "y".repeat(70_000)),
    expected: [{ type: "binary", data: "y".repeat(70_000) }],
  },
  { name: "a ping", bytes: clientFrame(9, "p"), expected: [{ type: "ping", data: "p" }] },
  { name: "a pong", bytes: clientFrame(10, ""), expected: [{ type: "pong", data: "" }] },
  {
    name: "a close with code and reason",
    bytes: clientFrame(8, closePayload(1000, "adiós")),
    expected: [{ type: "close", code: 1000, reason: "adiós" }],
  },
  {
    name: "a close without code",
    bytes: clientFrame(8, ""),
    expected: [{ type: "close", code: undefined, reason: "" }],
  },
  {
    name: "a fragmented text with a ping between fragments",
    bytes: Buffer.concat([
      clientFrame(1, "ho", { fin: false }),
      clientFrame(9, "between"),
      clientFrame(0, "l", { fin: false }),
      clientFrame(0, "a"),
    ]),
    expected: [
      { type: "ping", data: "between" },
      { type: "text", data: "hola" },
    ],
  },
  {
    name: "a text split inside a character across fragments",
    bytes: Buffer.concat([
      clientFrame(1, Buffer.from("ñ").subarray(0, 1), { fin: false }),
      clientFrame(0, Buffer.from("ñ").subarray(1)),
    ]),
    expected: [{ type: "text", data: "ñ" }],
  },
];

const INVALID: { name: string; bytes: Buffer; closeCode: number; max?: number }[] = [
  { name: "an unmasked frame", bytes: clientFrame(1, "hola", { masked: false }), closeCode: 1002 },
  { name: "RSV1 set", bytes: clientFrame(1, "hola", { rsv: 0x40 }), closeCode: 1002 },
  { name: "RSV3 set", bytes: clientFrame(2, "hola", { rsv: 0x10 }), closeCode: 1002 },
  { name: "unknown data opcode 0x3", bytes: clientFrame(3, "x"), closeCode: 1002 },
  { name: "unknown control opcode 0xB", bytes: clientFrame(0xb, "x"), closeCode: 1002 },
  { name: "a fragmented ping", bytes: clientFrame(9, "x", { fin: false }), closeCode: 1002 },
  { name: "a 126-byte ping", bytes: clientFrame(9, "x".repeat(126)), closeCode: 1002 },
  { name: "a continuation without a start", bytes: clientFrame(0, "x"), closeCode: 1002 },
  {
    name: "a new message inside a fragmented one",
    bytes: Buffer.concat([clientFrame(1, "a", { fin: false }), clientFrame(1, "b")]),
    closeCode: 1002,
  },
  {
    name: "a text message with invalid UTF-8",
    bytes: clientFrame(1, Buffer.from([0x68, 0xc3, 0x28])),
    closeCode: 1007,
  },
  { name: "a message over the limit", bytes: clientFrame(2, "z".repeat(MAX + 1)), closeCode: 1009 },
  {
    name: "fragments adding up to more than the limit",
    bytes: Buffer.concat([clientFrame(2, "z".repeat(MAX), { fin: false }), clientFrame(0, "z")]),
    closeCode: 1009,
  },
  { name: "a close with a 1-byte payload", bytes: clientFrame(8, Buffer.from([3])), closeCode: 1002 },
  { name: "a close with code 1005", bytes: clientFrame(8, closePayload(1005)), closeCode: 1002 },
  { name: "a close with code 999", bytes: clientFrame(8, closePayload(999)), closeCode: 1002 },
  {
    name: "a close reason with invalid UTF-8",
    bytes: clientFrame(8, Buffer.concat([closePayload(1000), Buffer.from([0xff])])),
    closeCode: 1007,
  },
];

describe("websocket decoder", () => {
  for (const rule of VALID) {
    for (const feed of feeds(rule.bytes)) {
      test(`decoder - reads ${rule.name}, fed ${feed.name}`, () => {
        const decoder = new WsDecoder({ maxMessageBytes: 100_000 });
        assert.deepEqual(simple(decodeChunks(decoder, feed.chunks)), rule.expected);
        if (feed.rest === undefined) assert.equal(decoder.buffered, 0);
        else assert.deepEqual(simple(decodeChunks(decoder, [feed.rest])), [{ type: "text", data: "next" }]);
      });
    }
  }

  for (const rule of INVALID) {
    for (const feed of feeds(rule.bytes)) {
      test(`decoder - refuses ${rule.name} with ${rule.closeCode}, fed ${feed.name}`, () => {
        const decoder = new WsDecoder({ maxMessageBytes: rule.max ?? MAX });
        assert.throws(
          () => decodeChunks(decoder, feed.chunks),
          (error: unknown) => error instanceof WsProtocolError && error.closeCode === rule.closeCode,
        );
        // Failed for good: the same error again, whatever comes next.
        decoder.push(clientFrame(1, "ok"));
        assert.throws(() => decoder.next(), WsProtocolError);
      });
    }
  }

  test("decoder - refuses an oversized message from its header, before its payload arrives", () => {
    const decoder = new WsDecoder({ maxMessageBytes: MAX });
    decoder.push(clientFrame(2, "z".repeat(70_000)).subarray(0, 14));
    assert.throws(
      () => decoder.next(),
      (error: unknown) => error instanceof WsProtocolError && error.closeCode === 1009,
    );
  });

  test("decoder - does not modify the pushed chunks (payloads are unmasked into new buffers)", () => {
    const bytes = clientFrame(1, "hola");
    const copy = Buffer.from(bytes);
    decodeChunks(new WsDecoder({ maxMessageBytes: MAX }), [bytes]);
    assert.deepEqual(bytes, copy);
  });
});

describe("websocket encoder", () => {
  test("encoder - header sizes for 7-bit, 16-bit and 64-bit lengths", () => {
    assert.deepEqual([...wsFrameHeader(WsOpcode.TEXT, 5)], [0x81, 5]);
    assert.deepEqual([...wsFrameHeader(WsOpcode.BINARY, 126)], [0x82, 126, 0, 126]);
    assert.deepEqual([...wsFrameHeader(WsOpcode.BINARY, 65_536)], [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    assert.deepEqual([...wsFrameHeader(WsOpcode.TEXT, 1, false)], [0x01, 1]);
  });

  test("encoder - a close frame cuts a long reason at a character boundary", () => {
    const frame = encodeWsClose(1001, "ñ".repeat(100));
    assert.equal(frame[0], 0x88);
    const length = frame[1]!;
    assert.ok(length <= 125);
    assert.equal(frame.readUInt16BE(2), 1001);
    assert.equal(frame.subarray(4).toString("utf8"), "ñ".repeat((length - 2) / 2));
  });
});

/** Decodes server frames with ws's own Receiver (an independent peer, client side). */
function receiveWithWs(bytes: Buffer): Promise<{ data: Buffer; isBinary: boolean }[]> {
  return new Promise((resolve, reject) => {
    const received: { data: Buffer; isBinary: boolean }[] = [];
    const receiver = new Receiver({ isServer: false, maxPayload: 1 << 24 });
    receiver.on("message", (data: Buffer, isBinary: boolean) => received.push({ data, isBinary }));
    receiver.on("error", reject);
    receiver.write(bytes, () => resolve(received));
  });
}

describe("websocket codec against ws", () => {
  test("property - ws's masked, fragmented client frames decode to the same messages", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.boolean(), fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 })),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
        (messages, cuts) => {
          const parts: Buffer[] = [];
          const expected: unknown[] = [];
          for (const [isText, fragments] of messages) {
            const payloads = fragments.map((f) =>
              isText ? Buffer.from(Buffer.from(f).toString("latin1"), "utf8") : Buffer.from(f),
            );
            payloads.forEach((payload, i) => {
              // ws masks its data in place: give it a copy.
              const frames = Sender.frame(Buffer.from(payload), {
                fin: i === payloads.length - 1,
                opcode: i === 0 ? (isText ? 1 : 2) : 0,
                mask: true,
                readOnly: false,
                rsv1: false,
              });
              parts.push(...frames.map((b: Buffer) => Buffer.from(b)));
            });
            expected.push({
              type: isText ? "text" : "binary",
              data: Buffer.concat(payloads).toString("hex"),
            });
          }
          const stream = Buffer.concat(parts);
          const chunks: Buffer[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length]!;
            chunks.push(stream.subarray(at, at + size));
            at += size;
          }
          const decoder = new WsDecoder({ maxMessageBytes: 1 << 20 });
          const got = decodeChunks(decoder, chunks).map((m) =>
            m.type === "text" || m.type === "binary" ? { type: m.type, data: m.data.toString("hex") } : m,
          );
          assert.deepEqual(got, expected);
          assert.equal(decoder.buffered, 0);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("property - our server frames are read back by ws's Receiver", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 70_000 }), { minLength: 1, maxLength: 4 }),
        async (payloads) => {
          const bytes = Buffer.concat(payloads.map((p) => encodeWsFrame(WsOpcode.BINARY, p)));
          const received = await receiveWithWs(bytes);
          assert.deepEqual(
            received.map((r) => r.data.toString("hex")),
            payloads.map((p) => Buffer.from(p).toString("hex")),
          );
          assert.ok(received.every((r) => r.isBinary));
        },
      ),
      { numRuns: 50 },
    );
  });
  test("encoder - the header's three length forms, and a frame is its header then its payload", () => {
    for (const size of [0, 125, 126, 65_535, 65_536, 70_000]) {
      const payload = Buffer.alloc(size, 0x61);
      const frame = encodeWsFrame(WsOpcode.BINARY, payload);
      const header = wsFrameHeader(WsOpcode.BINARY, size);
      assert.equal(header.length, wsHeaderLength(size), `header of ${size}`);
      assert.deepEqual(frame, Buffer.concat([header, payload]), `frame of ${size}`);
    }
  });

  test("encoder - text lines: one text message per line, a last piece without a newline too", async () => {
    const received = await receiveWithWs(encodeWsTextLines(Buffer.from("one\n\nthree\nfour")));
    assert.deepEqual(
      received.map((r) => [r.isBinary, r.data.toString()]),
      [
        [false, "one"],
        [false, ""],
        [false, "three"],
        [false, "four"],
      ],
    );
    assert.equal(encodeWsTextLines(Buffer.alloc(0)).length, 0);
  });

  test("property - text lines of mixed sizes (0, 125, 126, 65535, 65536+) are read back by ws", async () => {
    const size = fc.oneof(
      fc.constantFrom(0, 1, 125, 126, 127, 65_535, 65_536, 65_537),
      fc.integer({ min: 0, max: 70_000 }),
    );
    const line = fc.tuple(size, fc.constantFrom("a", "é", "z")).map(([n, c]) => {
      // A multi-byte character fills the line up to n bytes with ASCII after it.
      const text = c.repeat(Math.floor(n / Buffer.byteLength(c)));
      return text + "x".repeat(n - Buffer.byteLength(text));
    });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 5 }), fc.boolean(), async (lines, ends) => {
        // Without a final newline, a last empty line would be no line at all.
        const text = lines.join("\n") + (ends || lines.at(-1) === "" ? "\n" : "");
        const received = await receiveWithWs(encodeWsTextLines(Buffer.from(text, "utf8")));
        assert.deepEqual(
          received.map((r) => r.data.toString("utf8")),
          lines,
        );
        assert.ok(received.every((r) => !r.isBinary));
      }),
      { numRuns: 50 },
    );
  });
});
