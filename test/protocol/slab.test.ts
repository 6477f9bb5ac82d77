/**
 * OutputSlab.take() (src/protocol/slab.ts): MSG runs and text lines share 64 KiB slabs, so a run handed
 * out must never be written again by a later one, whatever their sizes, across slab boundaries too.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { encodeMessages, type Headers } from "../../src/protocol/frames.js";
import { OutputSlab, SLAB_BYTES, SLAB_RUN_BYTES } from "../../src/protocol/slab.js";

describe("output slab: take()", () => {
  const slab = new OutputSlab();
  test("property: buffers handed out keep their bytes while later ones are filled (no overlap)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: SLAB_RUN_BYTES + 100 }), { minLength: 1, maxLength: 60 }),
        (sizes) => {
          const taken = sizes.map((size, i) => {
            const bytes = slab.take(size);
            assert.equal(bytes.length, size);
            bytes.fill(i & 0xff);
            return bytes;
          });
          taken.forEach((bytes, i) => {
            assert.ok(
              bytes.every((byte) => byte === (i & 0xff)),
              `buffer ${i} was overwritten`,
            );
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  test("MSG runs encoded one after another stay what they were (more than a slab of them)", () => {
    const message = { private: false, topic: "sensors.kitchen", from: "guest-1" };
    const runs: Array<{ bytes: Buffer; copy: Buffer }> = [];
    let total = 0;
    for (let i = 0; total < 3 * SLAB_BYTES; i++) {
      const payloads = Array.from({ length: 1 + (i % 40) }, (_, k) => Buffer.alloc(64 + k, i & 0xff));
      const headers = payloads.map((): Headers => []);
      const bytes = encodeMessages(message, headers, payloads, slab);
      runs.push({ bytes, copy: Buffer.from(bytes) });
      total += bytes.length;
    }
    for (const { bytes, copy } of runs) assert.deepEqual(bytes, copy);
  });
});
