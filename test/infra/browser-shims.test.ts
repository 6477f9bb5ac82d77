/**
 * The browser build's node:buffer stand-in (scripts/browser-shims/buffer.mjs) adds isUtf8, which the
 * `buffer` package lacks: it must say what node:buffer's says, or the browser client would refuse (or
 * accept) strings the server's decoder does not.
 */
import assert from "node:assert/strict";
import { isUtf8 as nodeIsUtf8 } from "node:buffer";
import { test } from "node:test";
import fc from "fast-check";
import { isUtf8 } from "../../scripts/browser-shims/buffer.mjs";

test("browser shim - isUtf8 agrees with node:buffer on fixed cases and on random bytes", () => {
  const cases = [
    Buffer.from("plain ascii"),
    Buffer.from("niño ✓ 🔌"),
    Buffer.from([0xc3]), // a cut two-byte sequence
    Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate encoded as UTF-8
    Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
    Buffer.from([0xc0, 0xaf]), // an overlong "/"
    Buffer.alloc(0),
  ];
  for (const bytes of cases) assert.equal(isUtf8(bytes), nodeIsUtf8(bytes), bytes.toString("hex"));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => isUtf8(bytes) === nodeIsUtf8(bytes)),
    { numRuns: 2000 },
  );
});
