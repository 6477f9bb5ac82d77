/**
 * A plain PUB, REQ or RESPOND read in place (plain-frames.ts readPub, readReq and readRespond,
 * FrameDecoder.next(record)), held to the schema walk (decodeBySchema, the general path): a RESPOND is read
 * exactly when the walk gives one without headers whose token is a canonical token text, and then the same
 * token, status and payload; a REQ exactly when plainReq reads it, a PUB exactly when plainPub does (both
 * held to the walk in frame-decoder.test.ts, and built on readReq and readPub), the same fields.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { decodeBySchema } from "../../src/protocol/frame-decoder.js";
import {
  encodeFrame,
  FRAME_TYPES,
  type Frame,
  FrameDecoder,
  NEED_DATA,
  PUB_READ,
  plainRecord,
  REQ_READ,
  RESPOND_READ,
} from "../../src/protocol/frames.js";
import { plainCache, plainReq, readReq, readRespond } from "../../src/protocol/plain-frames.js";
import { MAX_TOKEN, tokenOf, tokenText } from "../../src/protocol/tokens.js";

const RESPOND = FRAME_TYPES.indexOf("RESPOND");
const REQ = FRAME_TYPES.indexOf("REQ");

/** What the schema walk makes of a body, as the record would hold it; undefined when the record must not. */
function expected(
  whole: Buffer,
  start: number,
): { token: number; status: number; payload: string } | undefined {
  let frame: Frame;
  try {
    frame = decodeBySchema(RESPOND, 0, whole, start, whole.length);
  } catch {
    return undefined;
  }
  if (frame.type !== "RESPOND" || frame.headers.length > 0) return undefined;
  const token = tokenOf(frame.token);
  if (token < 0) return undefined;
  return { token, status: frame.status, payload: Buffer.from(frame.payload).toString("hex") };
}

describe("REQ and RESPOND read in place", () => {
  test("property: any RESPOND body, cut or mangled, is read exactly as the schema walk decodes it", () => {
    const cache = plainCache();
    const token = fc.oneof(
      fc.integer({ min: 1, max: MAX_TOKEN }).map(tokenText),
      fc.constantFrom("0", "01", "A", "1.2", "zzzzzzzzzzz", "ñ", ""),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        token,
        fc.oneof(
          fc.constant([]),
          fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.string()), { maxLength: 2 }),
        ),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(255),
        fc.nat(),
        fc.integer({ min: 0, max: 2 }),
        fc.nat(255),
        (text, headers, payload, status, cut, mangle, byte) => {
          const frame = encodeFrame({ type: "RESPOND", token: text, status, headers, payload });
          let whole = Buffer.concat([Buffer.alloc(3, 0xee), frame.subarray(6)]);
          if (mangle === 1) whole = whole.subarray(0, 3 + (cut % (whole.length - 2)));
          if (mangle === 2 && whole.length > 3) whole[3 + (cut % (whole.length - 3))] = byte;
          const record = plainRecord();
          const read = readRespond(whole, 3, whole.length, cache, record);
          const walked = expected(whole, 3);
          assert.equal(read, walked !== undefined);
          if (walked !== undefined) {
            assert.deepEqual(
              {
                token: record.token,
                status: record.status,
                payload: Buffer.from(record.bytes()).toString("hex"),
              },
              walked,
            );
            assert.equal(record.bytes().buffer, whole.buffer);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("property: any REQ body, cut or mangled, is read exactly when plainReq reads it, and the same", () => {
    const cache = plainCache();
    const other = plainCache();
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom("svc", "math.double", "señal", ""), fc.string({ maxLength: 12 })),
        fc.oneof(
          fc.constant([]),
          fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.string()), { maxLength: 2 }),
        ),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 0, max: 2 }),
        fc.nat(255),
        (name, headers, payload, n, mangle, byte) => {
          const reqId = n % 2 ** 32;
          const frame = encodeFrame({ type: "REQ", reqId, name, timeoutMs: n % 70_000, headers, payload });
          let whole = Buffer.concat([Buffer.alloc(3, 0xee), frame.subarray(6)]);
          if (mangle === 1) whole = whole.subarray(0, 3 + (n % (whole.length - 2)));
          if (mangle === 2 && whole.length > 3) whole[3 + (n % (whole.length - 3))] = byte;
          const record = plainRecord();
          const read = readReq(whole, 3, whole.length, cache, record);
          const plain = plainReq(whole, 3, whole.length, other);
          assert.equal(read, plain !== undefined);
          if (plain?.type === "REQ") {
            const walked = decodeBySchema(REQ, 0, whole, 3, whole.length);
            assert.ok(walked.type === "REQ" && walked.headers.length === 0);
            for (const got of [
              { ...record, payload: record.bytes() },
              { ...plain, payload: plain.payload },
            ])
              assert.deepEqual(
                [got.reqId, got.name, got.timeoutMs, Buffer.from(got.payload).toString("hex")],
                [walked.reqId, walked.name, walked.timeoutMs, Buffer.from(walked.payload).toString("hex")],
              );
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  test("the decoder reads plain PUBs, REQs and RESPONDs into the record and returns every other frame as before", () => {
    const frames: Frame[] = [
      { type: "RESPOND", token: "1", status: 0, headers: [], payload: Buffer.from("a") },
      { type: "PUB", topic: "t", headers: [], payload: Buffer.from("b") },
      { type: "RESPOND", token: "01", status: 2, headers: [], payload: Buffer.from("c") },
      { type: "RESPOND", token: "zz", status: 3, headers: [["k", "v"]], payload: Buffer.from("d") },
      { type: "RESPOND", token: "zz", status: 4, headers: [], payload: Buffer.from("e") },
      { type: "REQ", reqId: 9, name: "svc", timeoutMs: 5, headers: [], payload: Buffer.from("f") },
      { type: "REQ", reqId: 9, name: "svc", timeoutMs: 5, headers: [["k", "v"]], payload: Buffer.from("g") },
      { type: "PUB", topic: "t", headers: [["k", "v"]], payload: Buffer.from("h") },
      { type: "PUB", topic: "ñ", headers: [], payload: Buffer.from("i") },
      { type: "PUB", topic: "u.v", headers: [], payload: Buffer.from("") },
    ];
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 16 });
    decoder.push(Buffer.concat(frames.map((frame) => encodeFrame(frame))));
    const record = plainRecord();
    const seen: string[] = [];
    for (;;) {
      const next = decoder.next(record);
      if (next === NEED_DATA) break;
      if (next === RESPOND_READ)
        seen.push(`read ${record.token} ${record.status} ${Buffer.from(record.bytes())}`);
      else if (next === REQ_READ)
        seen.push(`read ${record.reqId} ${record.name} ${record.timeoutMs} ${Buffer.from(record.bytes())}`);
      else if (next === PUB_READ) seen.push(`read ${record.name} ${Buffer.from(record.payload)}`);
      else seen.push(`${next.type} ${"token" in next ? next.token : ""}`);
    }
    assert.deepEqual(seen, [
      "read 1 0 a",
      "read t b",
      "RESPOND 01",
      "RESPOND zz",
      `read ${36 * 35 + 35} 4 e`,
      "read 9 svc 5 f",
      "REQ ",
      "PUB ",
      "PUB ",
      "read u.v ",
    ]);
    // Without a record every RESPOND is a frame, as for every other reader of the decoder.
    const plain = new FrameDecoder({ maxFrameBytes: 1 << 16 });
    plain.push(encodeFrame(frames[0]!));
    const frame = plain.next();
    assert.ok(typeof frame === "object" && frame.type === "RESPOND" && frame.token === "1");
  });
});
