import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { isEnchufeError } from "../../src/errors.js";
import { encodeFrame, encodeMessages } from "../../src/protocol/frames.js";
import { LineDecoder } from "../../src/protocol/lines.js";
import { headers, payload, text } from "./samples.js";

describe("encodeMessages", () => {
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

  test("encodeFrame - a str over 65535 bytes is ETOOLARGE", () => {
    assert.throws(
      () => encodeFrame({ type: "PUB", topic: "x".repeat(0x10000), headers: [], payload: new Uint8Array(0) }),
      (e) => isEnchufeError(e, "ETOOLARGE"),
    );
  });
});

describe("LineDecoder", () => {
  function lines(chunks: Buffer[], max = 100): string[] {
    const out: string[] = [];
    const decoder = new LineDecoder({ maxLineBytes: max });
    for (const chunk of chunks) {
      decoder.push(chunk);
      for (let line = decoder.next(); line !== undefined; line = decoder.next())
        out.push(line.toString("utf8"));
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

  test("lines - property: nextView() gives the lines of a plain split, in chunks cut anywhere (pooled ones too)", () => {
    const bytes = fc.uint8Array({ maxLength: 200 }).map((b) => b.map((x) => [0x0a, 0x0d, 0x61, x][x & 3]!));
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(200), { maxLength: 6 }), fc.nat(80), (input, cuts, max) => {
        // The reference: split at "\n", drop a trailing "\r", the last piece (no "\n") is no line yet;
        // any piece over max, the last one too, is ELINETOOLONG after the lines before it.
        const all = Buffer.from(input).toString("latin1").split("\n");
        const tooLong = all.some((piece) => piece.length > max);
        const pieces = all.slice(0, -1);
        const expected = pieces.map((piece) => (piece.endsWith("\r") ? piece.slice(0, -1) : piece));
        const at = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const decoder = new LineDecoder({ maxLineBytes: max });
        const got: string[] = [];
        let threw = false;
        try {
          let from = 0;
          for (const to of [...at, input.length]) {
            // Buffer.from(string) is pooled: its views must not start at the pool's offset 0.
            decoder.push(Buffer.from(Buffer.from(input.subarray(from, to)).toString("latin1"), "latin1"));
            from = to;
            for (let line = decoder.nextView(); line !== undefined; line = decoder.nextView())
              got.push(Buffer.from(line).toString("latin1"));
          }
        } catch (error) {
          if (!isEnchufeError(error, "ELINETOOLONG")) throw error;
          threw = true;
        }
        assert.equal(threw, tooLong);
        assert.deepEqual(got, tooLong ? expected.slice(0, got.length) : expected);
      }),
      { numRuns: 500 },
    );
  });
});
