import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { strSize, writeStr } from "../../src/protocol/wire.js";

/** A str as the wire spells it: u16 byte length, then UTF-8 (what writeStr must write, whatever its path). */
function spelled(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

describe("wire strings", () => {
  test("writeStr - property: any string, short ASCII or not, is its u16 length and UTF-8, nothing else touched", () => {
    const ascii = fc.string({
      maxLength: 40,
      unit: fc.integer({ min: 0, max: 0x7f }).map(String.fromCharCode),
    });
    // Strings around the short-ASCII limit, with one non-ASCII character anywhere (or none).
    const mixed = fc
      .tuple(ascii, fc.nat(), fc.constantFrom("", "ñ", "€", "😀", "\u0080", "\u07ff"))
      .map(
        ([base, at, odd]) => base.slice(0, at % (base.length + 1)) + odd + base.slice(at % (base.length + 1)),
      );
    fc.assert(
      fc.property(fc.oneof(ascii, mixed, fc.string({ maxLength: 80 })), fc.nat({ max: 7 }), (text, at) => {
        const size = strSize(text, "test");
        const out = Buffer.alloc(size + at + 3, 0xee);
        assert.equal(writeStr(out, at, text), at + size);
        assert.deepEqual(out.subarray(at, at + size), spelled(text));
        assert.deepEqual(out.subarray(0, at), Buffer.alloc(at, 0xee));
        assert.deepEqual(out.subarray(at + size), Buffer.alloc(3, 0xee));
      }),
      { numRuns: 3000 },
    );
  });

  test("writeStr - a 32-character ASCII string and a 33-character one both come out whole", () => {
    for (const text of ["a".repeat(31), "b".repeat(32), "c".repeat(33), `${"d".repeat(31)}é`]) {
      const out = Buffer.alloc(strSize(text, "test"));
      writeStr(out, 0, text);
      assert.deepEqual(out, spelled(text));
    }
  });
});
