import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { decodeBySchema, decodeFrameBody } from "../../src/protocol/frame-decoder.js";
import {
  CloseReason,
  ErrCode,
  encodeFrame,
  FRAME_TYPES,
  type Frame,
  FrameDecoder,
  type Headers,
  NEED_DATA,
  RemoteProtocolError,
} from "../../src/protocol/frames.js";
import { plainCache } from "../../src/protocol/plain-frames.js";
import { drain } from "./drain.js";
import { frameArb, SAMPLES } from "./samples.js";

/** Frames compared as their encodings (payload views and Buffers compare equal that way). */
function sameFrames(actual: Frame[], expected: Frame[]): void {
  assert.deepEqual(
    actual.map((f) => encodeFrame(f).toString("hex")),
    expected.map((f) => encodeFrame(f).toString("hex")),
  );
}

/** Pushes every chunk, pulling frames after each push (as a session does). */
function decodeAll(chunks: Buffer[], max = 1 << 20): Frame[] {
  const decoder = new FrameDecoder({ maxFrameBytes: max });
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    frames.push(...drain(decoder));
  }
  assert.equal(decoder.buffered, 0);
  return frames;
}

const byteByByte = (data: Buffer) => [...data].map((b) => Buffer.from([b]));

/** Asserts `run` throws a RemoteProtocolError with that code and answer. */
function throwsRemote(run: () => unknown, code: "EPROTOCOL" | "ETOOLARGE", message?: string): void {
  const [errCode, closeReason] =
    code === "EPROTOCOL"
      ? [ErrCode.PROTOCOL, CloseReason.PROTOCOL_ERROR]
      : [ErrCode.TOO_LARGE, CloseReason.TOO_LARGE];
  assert.throws(
    run,
    (e) =>
      e instanceof RemoteProtocolError &&
      e.code === code &&
      e.errCode === errCode &&
      e.closeReason === closeReason,
    message,
  );
}

const MALFORMED: Array<[string, Buffer]> = [
  ["type 0", Buffer.from([0x00, 0, 0, 0, 0, 0])],
  ["unknown type", Buffer.from([0x7f, 0, 0, 0, 0, 0])],
  ["flag on PING", Buffer.from([0x0c, 1, 0, 0, 0, 0])],
  ["bad UTF-8 in PUB topic", Buffer.from([0x03, 0, 0, 0, 0, 4, 0, 2, 0xff, 0xfe])],
  ["UNSUB body too short", Buffer.from([0x06, 0, 0, 0, 0, 2, 0, 1])],
  ["UNSUB body too long", Buffer.from([0x06, 0, 0, 0, 0, 5, 0, 0, 0, 1, 9])],
  ["str longer than the body", Buffer.from([0x03, 0, 0, 0, 0, 4, 0, 9, 0x61, 0x62])],
];

describe("FrameDecoder", () => {
  test("decoder - the samples cover every frame type", () => {
    assert.deepEqual(new Set(SAMPLES.map((f) => f.type)), new Set(FRAME_TYPES.filter((t) => t !== "")));
  });

  for (const sample of SAMPLES) {
    const bytes = encodeFrame(sample);

    test(`decoder - ${sample.type} round-trips fed whole, then NEED_DATA`, () => {
      const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      decoder.push(bytes);
      const frame = decoder.next();
      assert.notEqual(frame, NEED_DATA);
      sameFrames([frame as Frame], [sample]);
      assert.equal(decoder.next(), NEED_DATA);
      assert.equal(decoder.buffered, 0);
    });

    test(`decoder - ${sample.type} fed byte by byte is NEED_DATA until its last byte`, () => {
      const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      for (let i = 0; i < bytes.length - 1; i++) {
        decoder.push(bytes.subarray(i, i + 1));
        assert.equal(decoder.next(), NEED_DATA, `after byte ${i}`);
        assert.equal(decoder.buffered, i + 1);
      }
      decoder.push(bytes.subarray(bytes.length - 1));
      sameFrames([decoder.next() as Frame], [sample]);
      assert.equal(decoder.next(), NEED_DATA);
    });

    test(`decoder - ${sample.type} with trailing bytes leaves them intact`, () => {
      const trailing = encodeFrame(SAMPLES[2]!).subarray(0, 9);
      const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
      decoder.push(Buffer.concat([bytes, trailing]));
      sameFrames([decoder.next() as Frame], [sample]);
      assert.equal(decoder.next(), NEED_DATA);
      assert.equal(decoder.buffered, trailing.length);
      decoder.push(encodeFrame(SAMPLES[2]!).subarray(9));
      sameFrames(drain(decoder), [SAMPLES[2]!]);
      assert.equal(decoder.buffered, 0);
    });
  }

  const stream = Buffer.concat(SAMPLES.map(encodeFrame));

  test("decoder - a stream of every frame type decodes whole and byte by byte", () => {
    sameFrames(decodeAll([stream]), SAMPLES);
    sameFrames(decodeAll(byteByByte(stream)), SAMPLES);
  });

  test("decoder - frames inside one chunk are decoded in place: payloads are views into it", () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    const chunk = Buffer.concat([encodeFrame(SAMPLES[2]!), encodeFrame(SAMPLES[3]!)]);
    decoder.push(chunk);
    for (const frame of drain(decoder)) {
      assert.ok("payload" in frame);
      assert.equal(frame.payload.buffer, chunk.buffer);
    }
  });

  test("decoder - push never throws and next never runs caller code: a frame waits until pulled", () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    decoder.push(stream);
    decoder.push(stream);
    assert.equal(decoder.buffered, stream.length * 2);
    assert.equal(drain(decoder).length, SAMPLES.length * 2);
  });

  for (const [name, input] of MALFORMED) {
    test(`decoder - ${name} is RemoteProtocolError PROTOCOL/PROTOCOL_ERROR, whole, byte by byte and with trailing bytes`, () => {
      throwsRemote(() => decodeAll([input]), "EPROTOCOL", "whole");
      throwsRemote(() => decodeAll(byteByByte(input)), "EPROTOCOL", "byte by byte");
      throwsRemote(
        () => decodeAll([Buffer.concat([input, encodeFrame({ type: "PING" })])]),
        "EPROTOCOL",
        "trailing",
      );
    });
  }

  test("decoder - a header over maxFrameBytes is TOO_LARGE/TOO_LARGE at once, its body never buffered", () => {
    const header = Buffer.from([0x03, 0, 0, 0, 0x04, 0x01]);
    throwsRemote(() => decodeAll([header], 1024), "ETOOLARGE", "whole");
    throwsRemote(() => decodeAll(byteByByte(header), 1024), "ETOOLARGE", "byte by byte");
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    decoder.push(Buffer.concat([header, Buffer.alloc(100)]));
    throwsRemote(() => decoder.next(), "ETOOLARGE");
    decoder.push(Buffer.alloc(2000));
    assert.equal(decoder.buffered, 0);
  });

  test("decoder - after a failure every next() throws the same error and push() still never throws", () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    decoder.push(Buffer.concat([encodeFrame({ type: "PING" }), Buffer.from([0x7f, 0, 0, 0, 0, 0])]));
    assert.equal((decoder.next() as Frame).type, "PING");
    let first: unknown;
    try {
      decoder.next();
    } catch (error) {
      first = error;
    }
    assert.ok(first instanceof RemoteProtocolError);
    decoder.push(encodeFrame({ type: "PING" }));
    assert.throws(
      () => decoder.next(),
      (e) => e === first,
    );
    assert.equal(decoder.buffered, 0);
  });

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

  test("decoder - fuzz: random and mutated bytes give frames or RemoteProtocolError only, never hang", () => {
    const seconds = Number(process.env.FUZZ_SECONDS ?? "1");
    const deadline = Date.now() + seconds * 1000;
    let runs = 0;
    while (Date.now() < deadline) {
      runs++;
      const input = Buffer.from(stream);
      const mutations = 1 + Math.floor(Math.random() * 8);
      for (let i = 0; i < mutations; i++)
        input[Math.floor(Math.random() * input.length)] = Math.floor(Math.random() * 256);
      const random = Buffer.from(
        Array.from({ length: Math.floor(Math.random() * 64) }, () => Math.floor(Math.random() * 256)),
      );
      for (const data of [input, random]) {
        const decoder = new FrameDecoder({ maxFrameBytes: 4096 });
        let frames = 0;
        try {
          for (let offset = 0; offset < data.length; offset += 7) {
            decoder.push(data.subarray(offset, offset + 7));
            frames += drain(decoder).length;
            assert.ok(decoder.buffered <= 4096 + 6);
          }
        } catch (error) {
          assert.ok(error instanceof RemoteProtocolError, String(error));
        }
        // Every frame takes at least its 6 header bytes: next() cannot loop without consuming input.
        assert.ok(frames <= data.length / 6);
      }
    }
    assert.ok(runs > 10);
  });

  test("decoder - a u53 field of 2^53 or more is a protocol error, 2^53 - 1 is kept exactly", () => {
    const good = encodeFrame({
      type: "HMSG",
      sid: 1,
      position: 2 ** 53 - 1,
      time: 0,
      topic: "t",
      from: "",
      headers: [],
      payload: Buffer.alloc(0),
    });
    const ok = new FrameDecoder({ maxFrameBytes: 4096 });
    ok.push(good);
    const frame = ok.next();
    assert.ok(frame !== NEED_DATA && frame.type === "HMSG");
    assert.equal(frame.position, 2 ** 53 - 1);
    const bad = Buffer.from(good);
    bad[10] = 0x00;
    bad[11] = 0x20; // position's high word 0x00200000: 2^53
    const decoder = new FrameDecoder({ maxFrameBytes: 4096 });
    decoder.push(bad);
    assert.throws(
      () => decoder.next(),
      (error: unknown) =>
        error instanceof RemoteProtocolError &&
        error.errCode === ErrCode.PROTOCOL &&
        /over 2\^53/.test(error.message),
    );
  });
});

describe("decoder - the plain PUB, REQ and RESPOND paths without the schema walk", () => {
  /** The result of a decode as comparable text: the frame's fields, or the error's class and message. */
  function outcome(decode: () => Frame): string {
    try {
      const frame = decode();
      return JSON.stringify(frame, (_key, value) =>
        value instanceof Uint8Array || (value?.type === "Buffer" && Array.isArray(value.data))
          ? `bytes:${Buffer.from(value instanceof Uint8Array ? value : value.data).toString("hex")}`
          : value,
      );
    } catch (error) {
      return `${(error as Error).constructor.name}: ${(error as Error).message}`;
    }
  }

  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom("chat.general", "chat.generaL", "a", "b", "", "sensores.cocina", "señal"),
  );
  const header = fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }));
  /** A frame of each type with a plain path, from generated fields. */
  const framed = {
    PUB: (name: string, headers: Headers, payload: Uint8Array): Frame => ({
      type: "PUB",
      topic: name,
      headers,
      payload,
    }),
    REQ: (name: string, headers: Headers, payload: Uint8Array, n: number): Frame => ({
      type: "REQ",
      reqId: n % 2 ** 32,
      name,
      timeoutMs: (n * 7919) % 2 ** 32,
      headers,
      payload,
    }),
    RESPOND: (name: string, headers: Headers, payload: Uint8Array, n: number): Frame => ({
      type: "RESPOND",
      token: name,
      status: n % 256,
      headers,
      payload,
    }),
  };

  for (const [type, make] of Object.entries(framed)) {
    test(`property: any ${type} body, well-formed or cut or mangled, decodes as the schema walk decodes it`, () => {
      const typeByte = FRAME_TYPES.indexOf(type as Frame["type"]);
      // One cache across the runs, as a decoder keeps it: repeated topics and names are read from it, and
      // a body is viewed through the ArrayBuffer and offset kept for the body before when it is the same.
      const topics = plainCache();
      fc.assert(
        fc.property(
          text,
          fc.array(header, { maxLength: 2 }),
          fc.uint8Array({ maxLength: 64 }),
          fc.nat(),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: 0, max: 9 }),
          (name, headers, payload, cut, mangle, byte, before) => {
            const frame = encodeFrame(make(name, headers, payload, cut));
            // The body sits `before` bytes into a larger buffer, as frames do in a read chunk.
            let whole = Buffer.concat([Buffer.alloc(before, 0xee), frame.subarray(6)]);
            if (mangle === 1) whole = whole.subarray(0, before + (cut % (whole.length - before + 1)));
            if (mangle === 2 && whole.length > before) whole[before + (cut % (whole.length - before))] = byte;
            const flags = mangle === 3 ? 1 : 0;
            const fast = outcome(() => decodeFrameBody(typeByte, flags, whole, before, whole.length, topics));
            const walked = outcome(() => decodeBySchema(typeByte, flags, whole, before, whole.length));
            assert.equal(fast, walked);
          },
        ),
        { numRuns: 2000 },
      );
    });
  }

  test("a plain PUB, REQ and RESPOND take the plain path (their payload is a plain view, not a Buffer)", () => {
    for (const [type, make] of Object.entries(framed)) {
      const bytes = Buffer.concat([Buffer.alloc(3), encodeFrame(make("svc.echo", [], Buffer.from("hi"), 5))]);
      const frame = decodeFrameBody(bytes[3]!, 0, bytes, 9, bytes.length) as { payload: Uint8Array };
      assert.equal(Buffer.isBuffer(frame.payload), false, type);
      assert.equal(Buffer.from(frame.payload).toString(), "hi");
      assert.equal(frame.payload.buffer, bytes.buffer);
    }
  });
});
