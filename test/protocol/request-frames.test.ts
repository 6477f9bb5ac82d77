import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { isEnchufeError } from "../../src/errors.js";
import { encodeFrame, type Headers } from "../../src/protocol/frames.js";
import { plainCache, plainRecord, readReq, readRespond } from "../../src/protocol/plain-frames.js";
import {
  encodePlainReplyInto,
  encodeReplyInto,
  encodeRequestMessageInto,
  plainReplyFrameSize,
  type RequestNames,
  replyFrameSize,
  requestMessageFrameSize,
  requestNames,
} from "../../src/protocol/request-frames.js";
import { MAX_TOKEN, readToken, tokenOf, tokenText, writeToken } from "../../src/protocol/tokens.js";
import { headers, payload, text } from "./samples.js";

const token = fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: MAX_TOKEN }));

/** `size` bytes at offset 3 of a buffer filled with 0xee, so a stray write outside the frame shows. */
function encodedAt(size: number, encode: (out: Buffer, at: number) => number): Buffer {
  const out = Buffer.alloc(size + 6, 0xee);
  assert.equal(encode(out, 3), 3 + size);
  assert.deepEqual(out.subarray(0, 3), Buffer.alloc(3, 0xee));
  assert.deepEqual(out.subarray(3 + size), Buffer.alloc(3, 0xee));
  return out.subarray(3, 3 + size);
}

describe("request frames", () => {
  test("encodeReplyInto - property: the bytes encodeFrame makes for the REPLY", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 255 }),
        fc.oneof(fc.constant([]), headers),
        payload,
        (reqId, status, replyHeaders, replyPayload) => {
          const expected = encodeFrame({
            type: "REPLY",
            reqId,
            status,
            headers: replyHeaders,
            payload: replyPayload,
          });
          const size = replyFrameSize(replyHeaders, replyPayload);
          assert.equal(size, expected.length);
          const got = encodedAt(size, (out, at) =>
            encodeReplyInto(out, at, reqId, status, replyHeaders, replyPayload),
          );
          assert.deepEqual(got, expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("encodePlainReplyInto - property: a plain RESPOND read in place becomes encodeFrame's REPLY", () => {
    const cache = plainCache();
    const record = plainRecord();
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        token,
        fc.nat({ max: 255 }),
        // Around the size copied through DataViews (128 bytes) and past it, any length modulo 4.
        fc.oneof(fc.uint8Array({ maxLength: 140 }), fc.uint8Array({ minLength: 120, maxLength: 400 })),
        fc.nat({ max: 7 }),
        (reqId, answered, status, answer, skew) => {
          // The RESPOND's body at an odd place of a larger chunk, as frames sit in a read.
          const respond = encodeFrame({
            type: "RESPOND",
            token: tokenText(answered),
            status,
            headers: [],
            payload: answer,
          });
          const chunk = Buffer.concat([Buffer.alloc(skew + 1, 0xdd), respond, Buffer.alloc(5, 0xdd)]);
          const start = skew + 1 + 6;
          assert.ok(readRespond(chunk, start, start + respond.length - 6, cache, record));
          const expected = encodeFrame({ type: "REPLY", reqId, status, headers: [], payload: answer });
          const size = plainReplyFrameSize(record);
          assert.equal(size, expected.length);
          const got = encodedAt(size, (out, at) =>
            encodePlainReplyInto(out, at, reqId, record.status, record),
          );
          assert.deepEqual(got, expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  test("encodeRequestMessageInto - property: a plain REQ's payload read in place gives encodeFrame's REQMSG", () => {
    const cache = plainCache();
    const record = plainRecord();
    const names = requestNames();
    fc.assert(
      fc.property(
        token,
        fc.constantFrom("svc", "a.b.c", "calc"),
        fc.constantFrom("ana", "guest-12"),
        fc.oneof(fc.uint8Array({ maxLength: 140 }), fc.uint8Array({ minLength: 120, maxLength: 400 })),
        fc.nat({ max: 7 }),
        (asked, name, from, payload, skew) => {
          const req = encodeFrame({ type: "REQ", reqId: 9, name, timeoutMs: 0, headers: [], payload });
          const chunk = Buffer.concat([Buffer.alloc(skew + 1, 0xdd), req, Buffer.alloc(5, 0xdd)]);
          const start = skew + 1 + 6;
          assert.ok(readReq(chunk, start, start + req.length - 6, cache, record));
          const expected = encodeFrame({
            type: "REQMSG",
            token: tokenText(asked),
            name,
            from,
            headers: [],
            payload,
          });
          for (const withNames of [undefined, names, names]) {
            const size = requestMessageFrameSize(asked, name, from, [], record, withNames);
            assert.equal(size, expected.length);
            const got = encodedAt(size, (out, at) =>
              encodeRequestMessageInto(out, at, asked, name, from, [], record, withNames),
            );
            assert.deepEqual(got, expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  /** A REQMSG encoded `times` times (with `names` or without) is the one encodeFrame makes. */
  function sameRequestMessage(
    token: number,
    name: string,
    from: string,
    messageHeaders: Headers,
    messagePayload: Uint8Array,
    names: RequestNames | undefined,
    times = 1,
  ): void {
    const frame = { token: tokenText(token), name, from, headers: messageHeaders, payload: messagePayload };
    const expected = encodeFrame({ type: "REQMSG", ...frame });
    for (let i = 0; i < times; i++) {
      const size = requestMessageFrameSize(token, name, from, messageHeaders, messagePayload, names);
      assert.equal(size, expected.length);
      const got = encodedAt(size, (out, at) =>
        encodeRequestMessageInto(out, at, token, name, from, messageHeaders, messagePayload, names),
      );
      assert.deepEqual(got, expected);
    }
  }

  test("encodeRequestMessageInto - property: the bytes encodeFrame makes for the REQMSG", () => {
    fc.assert(
      fc.property(token, text, text, fc.oneof(fc.constant([]), headers), payload, (...fields) =>
        sameRequestMessage(...fields, undefined),
      ),
      { numRuns: 300 },
    );
  });

  test("encodeRequestMessageInto with RequestNames - property: the same bytes while names repeat and change", () => {
    // One RequestNames across the runs, as a responder keeps it; names from a small set, so pairs repeat.
    const names = requestNames();
    const few = fc.constantFrom("svc", "math.double", "ana", "beto", "señal", "");
    fc.assert(
      fc.property(
        token,
        fc.oneof(few, text),
        fc.oneof(few, few, text),
        fc.oneof(fc.constant([]), headers),
        payload,
        fc.integer({ min: 1, max: 3 }),
        (token, name, from, messageHeaders, messagePayload, times) =>
          sameRequestMessage(token, name, from, messageHeaders, messagePayload, names, times),
      ),
      { numRuns: 500 },
    );
  });

  test("requestMessageFrameSize - a str over 65535 bytes is ETOOLARGE", () => {
    assert.throws(
      () => requestMessageFrameSize(1, "x".repeat(0x10000), "guest-1", [], new Uint8Array(0)),
      (e) => isEnchufeError(e, "ETOOLARGE"),
    );
  });

  test("tokens - property: writeToken writes tokenText, readToken and tokenOf read it back", () => {
    // Around 2^31 too: writeToken divides as integers below it, as doubles above.
    const edges = fc.integer({ min: 2 ** 31 - 40, max: 2 ** 31 + 40 });
    fc.assert(
      fc.property(fc.oneof(token, edges, fc.constant(MAX_TOKEN)), (n) => {
        const out = Buffer.alloc(16, 0xee);
        const end = writeToken(out, 1, n);
        const expected = Buffer.from(tokenText(n), "latin1");
        assert.equal(out.readUInt16BE(1), expected.length);
        assert.deepEqual(out.subarray(3, end), expected);
        assert.equal(out[end], 0xee);
        assert.equal(readToken(out, 3, end), n);
        assert.equal(tokenOf(tokenText(n)), n);
      }),
      { numRuns: 500 },
    );
  });

  test("tokens - property: a text reads as a token only when it is that token's own text", () => {
    const chars = fc.constantFrom(..."0123456789abcdefghijklmnopqrstuvwxyzA.-Z\u00e9");
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: chars, maxLength: 12 }), text), (candidate) => {
        const n = tokenOf(candidate);
        const bytes = Buffer.from(candidate, "utf8");
        assert.equal(readToken(bytes, 0, bytes.length), n);
        if (n !== -1) assert.equal(tokenText(n), candidate);
        const canonical = /^[1-9a-z][0-9a-z]{0,9}$/.test(candidate);
        assert.equal(n !== -1, canonical);
      }),
      { numRuns: 1000 },
    );
  });
});
