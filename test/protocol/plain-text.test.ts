/**
 * PlainTextScanner (src/protocol/sanitize.ts) reads long lines 4 bytes at a time through a 32-bit view of
 * their ArrayBuffer; it must answer exactly what the byte-by-byte rule (isPlainText) answers (printable ASCII or a tab), for
 * lines at any offset and of any length, with the odd byte anywhere, and for several buffers in turn.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { isPlainText, PlainTextScanner } from "../../src/protocol/sanitize.js";

function byByte(bytes: Uint8Array): boolean {
  const plain = bytes.every((byte) => (byte >= 0x20 && byte <= 0x7e) || byte === 0x09);
  assert.equal(isPlainText(bytes), plain);
  return plain;
}

/** Bytes around each edge of the rule, and plain ones. */
const edge = fc.constantFrom(
  0x00,
  0x08,
  0x09,
  0x0a,
  0x1f,
  0x20,
  0x21,
  0x7d,
  0x7e,
  0x7f,
  0x80,
  0xa0,
  0xfe,
  0xff,
);

describe("PlainTextScanner", () => {
  // One scanner across every case, as a renderer keeps it: its view of the last buffer must never leak
  // into the next.
  const scanner = new PlainTextScanner();

  test("property: a line inside a larger buffer is plain exactly when each of its bytes is", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 0, max: 90 }),
        fc.array(fc.tuple(fc.nat(), fc.oneof(edge, fc.integer({ min: 0, max: 255 }))), { maxLength: 3 }),
        fc.integer({ min: 0x20, max: 0x7e }),
        (offset, length, odd, fill) => {
          const buffer = Buffer.alloc(offset + length + 7, 0x00);
          const line = buffer.subarray(offset, offset + length);
          line.fill(fill);
          for (const [at, byte] of odd) if (length > 0) line[at % length] = byte;
          assert.equal(scanner.test(line), byByte(line));
          // The same bytes as a plain Uint8Array view, and as a copy in a buffer of its own.
          assert.equal(
            scanner.test(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length)),
            byByte(line),
          );
          assert.equal(scanner.test(Uint8Array.from(line)), byByte(line));
          // testRange: the same line as a range of the whole buffer (its ArrayBuffer and offset given).
          assert.equal(
            scanner.testRange(buffer, buffer.buffer, buffer.byteOffset, offset, offset + length),
            byByte(line),
          );
        },
      ),
      { numRuns: 5000 },
    );
  });

  test("each byte value in each position of a 40-byte line", () => {
    const buffer = Buffer.alloc(48, 0x61);
    for (let position = 0; position < 40; position++) {
      for (let byte = 0; byte < 256; byte++) {
        const line = buffer.subarray(3, 43);
        line.fill(0x61);
        line[position] = byte;
        assert.equal(scanner.test(line), byByte(line), `byte 0x${byte.toString(16)} at ${position}`);
      }
    }
  });
});
