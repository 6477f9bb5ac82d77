import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { EnchufeError, isEnchufeError } from "../../src/errors.js";
import { encodeFrame, encodeMessages, type Frame, FrameDecoder } from "../../src/protocol/frames.js";
import { LineDecoder } from "../../src/protocol/lines.js";

const bytes = (text: string) => Buffer.from(text, "utf8");

const SAMPLES: Frame[] = [
  { type: "HELLO", version: 1, clientName: "sensor-ñ", user: "ana", password: "secreto", token: "" },
  {
    type: "WELCOME",
    version: 1,
    clientId: "c1",
    nick: "ana",
    serverName: "enchufe",
    maxPayload: 1 << 20,
    maxPending: 8 << 20,
    pingIntervalMs: 15000,
    idleTimeoutMs: 30000,
  },
  {
    type: "PUB",
    topic: "a.b",
    headers: [
      ["content-type", "text/plain"],
      ["x", "1"],
    ],
    payload: bytes("hola"),
  },
  {
    type: "MSG",
    private: true,
    topic: "beto",
    from: "ana",
    headers: [],
    payload: new Uint8Array([0, 255, 10, 13]),
  },
  { type: "SUB", sid: 4_000_000_000, pattern: "a.*.>", responder: true },
  { type: "UNSUB", sid: 9 },
  { type: "REQ", reqId: 1, name: "echo", timeoutMs: 0, headers: [], payload: new Uint8Array(0) },
  { type: "REQMSG", token: "t", name: "math", from: "x", headers: [], payload: bytes("21") },
  { type: "RESPOND", token: "t", status: 3, headers: [], payload: bytes("boom") },
  { type: "REPLY", reqId: 2, status: 0, headers: [["k", ""]], payload: bytes("42") },
  { type: "DIRECT", target: "beto", headers: [], payload: bytes("psst") },
  { type: "PING" },
  { type: "PONG" },
  { type: "ERR", code: 7, ref: 0, message: "no such user" },
  { type: "CLOSE", reason: 1, message: "adiós" },
];

function decodeAll(chunks: Buffer[], max = 1 << 20): Frame[] {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder({ maxFrameBytes: max, onFrame: (frame) => frames.push(frame) });
  for (const chunk of chunks) decoder.push(chunk);
  return frames;
}

/** Frames compared as their encodings (payload views and Buffers compare equal that way). */
function sameFrames(actual: Frame[], expected: Frame[]): void {
  assert.deepEqual(
    actual.map((f) => encodeFrame(f).toString("hex")),
    expected.map((f) => encodeFrame(f).toString("hex")),
  );
}

describe("FrameDecoder", () => {
  const stream = Buffer.concat(SAMPLES.map(encodeFrame));

  test("decoder - every frame type round-trips, fed whole", () => {
    sameFrames(decodeAll([stream]), SAMPLES);
  });

  test("decoder - fed one byte at a time", () => {
    const chunks = [...stream].map((b) => Buffer.from([b]));
    sameFrames(decodeAll(chunks), SAMPLES);
  });

  test("decoder - a truncated frame waits, and trailing bytes are kept for the next frame", () => {
    const frames: Frame[] = [];
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20, onFrame: (f) => frames.push(f) });
    const first = encodeFrame(SAMPLES[2]!);
    const second = encodeFrame(SAMPLES[3]!);
    decoder.push(Buffer.concat([first, second.subarray(0, 5)]));
    assert.equal(frames.length, 1);
    assert.equal(decoder.buffered, 5);
    decoder.push(second.subarray(5, 9));
    assert.equal(frames.length, 1);
    decoder.push(second.subarray(9));
    sameFrames(frames, [SAMPLES[2]!, SAMPLES[3]!]);
    assert.equal(decoder.buffered, 0);
  });

  test("decoder - a header announcing more than maxFrameBytes is ETOOLARGE at once, nothing buffered", () => {
    const header = Buffer.from([0x03, 0, 0xff, 0xff, 0xff, 0xff]);
    assert.throws(
      () => decodeAll([header], 1024),
      (e) => isEnchufeError(e, "ETOOLARGE"),
    );
  });

  test("decoder - corrupt input is EPROTOCOL: unknown type, bad flags, bad UTF-8, short and long bodies", () => {
    const cases: Buffer[] = [
      Buffer.from([0x00, 0, 0, 0, 0, 0]),
      Buffer.from([0x7f, 0, 0, 0, 0, 0]),
      Buffer.from([0x0c, 1, 0, 0, 0, 0]),
      Buffer.from([0x03, 0, 0, 0, 0, 4, 0, 2, 0xff, 0xfe]),
      Buffer.from([0x06, 0, 0, 0, 0, 2, 0, 1]),
      Buffer.from([0x06, 0, 0, 0, 0, 5, 0, 0, 0, 1, 9]),
    ];
    for (const input of cases) {
      assert.throws(
        () => decodeAll([input]),
        (e) => isEnchufeError(e, "EPROTOCOL"),
        input.toString("hex"),
      );
    }
  });

  test("decoder - after a failure it keeps failing", () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024, onFrame: () => {} });
    assert.throws(() => decoder.push(Buffer.from([0x7f, 0, 0, 0, 0, 0])));
    assert.throws(
      () => decoder.push(encodeFrame({ type: "PING" })),
      (e) => isEnchufeError(e, "EPROTOCOL"),
    );
  });

  const text = fc.string({ maxLength: 20 });
  const payload = fc.uint8Array({ maxLength: 300 });
  const headers = fc.array(fc.tuple(text, text), { maxLength: 3 });
  const u32 = fc.nat({ max: 0xffffffff });
  const frameArb: fc.Arbitrary<Frame> = fc.oneof(
    fc.record({ type: fc.constant("PUB" as const), topic: text, headers, payload }),
    fc.record({
      type: fc.constant("MSG" as const),
      private: fc.boolean(),
      topic: text,
      from: text,
      headers,
      payload,
    }),
    fc.record({ type: fc.constant("SUB" as const), sid: u32, pattern: text, responder: fc.boolean() }),
    fc.record({
      type: fc.constant("REQ" as const),
      reqId: u32,
      name: text,
      timeoutMs: u32,
      headers,
      payload,
    }),
    fc.record({
      type: fc.constant("RESPOND" as const),
      token: text,
      status: fc.nat({ max: 255 }),
      headers,
      payload,
    }),
    fc.record({ type: fc.constant("ERR" as const), code: fc.nat({ max: 0xffff }), ref: u32, message: text }),
    fc.record({
      type: fc.constant("HELLO" as const),
      version: fc.nat({ max: 255 }),
      clientName: text,
      user: text,
      password: text,
      token: text,
    }),
    fc.constant({ type: "PING" as const }),
  );

  test("decoder - property: any frames, split at any points, decode to the same frames", () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const all = Buffer.concat(frames.map(encodeFrame));
          const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let start = 0;
          for (const point of [...points, all.length]) {
            chunks.push(all.subarray(start, point));
            start = point;
          }
          sameFrames(decodeAll(chunks), frames);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("encodeMessages - property: the same bytes as encodeFrame for each message, back to back", () => {
    fc.assert(
      fc.property(
        fc.record({ private: fc.boolean(), topic: text, from: text }),
        fc.array(fc.tuple(fc.oneof(fc.constant([]), headers), payload), { minLength: 1, maxLength: 6 }),
        (message, items) => {
          const expected = Buffer.concat(
            items.map(([itemHeaders, itemPayload]) =>
              encodeFrame({ type: "MSG", ...message, headers: itemHeaders, payload: itemPayload }),
            ),
          );
          const got = encodeMessages(
            message,
            items.map(([itemHeaders]) => itemHeaders),
            items.map(([, itemPayload]) => itemPayload),
          );
          assert.deepEqual(got, expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("decoder - fuzz: random and mutated bytes only ever give frames or an EnchufeError, buffering stays bounded", () => {
    const seconds = Number(process.env.FUZZ_SECONDS ?? "1");
    const deadline = Date.now() + seconds * 1000;
    const valid = Buffer.concat(SAMPLES.map(encodeFrame));
    let runs = 0;
    while (Date.now() < deadline) {
      runs++;
      const input = Buffer.from(valid);
      const mutations = 1 + Math.floor(Math.random() * 8);
      for (let i = 0; i < mutations; i++)
        input[Math.floor(Math.random() * input.length)] = Math.floor(Math.random() * 256);
      const random = Buffer.from(
        Array.from({ length: Math.floor(Math.random() * 64) }, () => Math.floor(Math.random() * 256)),
      );
      for (const data of [input, random]) {
        const decoder = new FrameDecoder({ maxFrameBytes: 4096, onFrame: () => {} });
        try {
          for (let offset = 0; offset < data.length; offset += 7)
            decoder.push(data.subarray(offset, offset + 7));
          assert.ok(decoder.buffered <= 4096 + 6);
        } catch (error) {
          assert.ok(error instanceof EnchufeError, String(error));
        }
      }
    }
    assert.ok(runs > 10);
  });
});

describe("LineDecoder", () => {
  function lines(chunks: Buffer[], max = 100): string[] {
    const out: string[] = [];
    const decoder = new LineDecoder({ maxLineBytes: max });
    for (const chunk of chunks) {
      decoder.push(chunk);
      for (let line = decoder.next(); line !== undefined; line = decoder.next()) out.push(line.toString("utf8"));
    }
    return out;
  }

  test("lines - \\n and \\r\\n, whole and byte by byte, partial line kept", () => {
    const input = Buffer.from("uno\ndos\r\ntres\r\n\ncuatro");
    assert.deepEqual(lines([input]), ["uno", "dos", "tres", ""]);
    assert.deepEqual(lines([...input].map((b) => Buffer.from([b]))), ["uno", "dos", "tres", ""]);
  });

  test("lines - trailing bytes stay buffered, intact, until their line ends", () => {
    const decoder = new LineDecoder({ maxLineBytes: 100 });
    decoder.push(Buffer.from("uno\ndo"));
    assert.equal(decoder.next()?.toString(), "uno");
    assert.equal(decoder.next(), undefined);
    assert.equal(decoder.buffered, 2);
    decoder.push(Buffer.from("s\n"));
    assert.equal(decoder.next()?.toString(), "dos");
    assert.equal(decoder.buffered, 0);
  });

  test("lines - a line over maxLineBytes is ELINETOOLONG before it is buffered whole", () => {
    assert.throws(
      () => lines([Buffer.alloc(101, 0x61)]),
      (e) => isEnchufeError(e, "ELINETOOLONG"),
    );
    assert.throws(
      () => lines([Buffer.alloc(60, 0x61), Buffer.alloc(60, 0x61)]),
      (e) => isEnchufeError(e, "ELINETOOLONG"),
    );
    assert.deepEqual(
      lines([Buffer.alloc(100, 0x61), Buffer.from("\n")]).map((l) => l.length),
      [100],
    );
  });
});
