/** Placeholder filling: the split-once fill() gives what a regular-expression replace gives, for any template. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { fill } from "../../src/i18n/lang.js";

function reference(template: string, params: Readonly<Record<string, string | number | undefined>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

test("fill - the same as a regular-expression replace, placeholders known, unknown, repeated or broken", () => {
  const piece = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom("{address}", "{n}", "{missing}", "{", "}", "{}", "{a b}", "{{n}}", "{ñ}"),
  );
  const params = fc.record(
    { address: fc.string({ maxLength: 8 }), n: fc.oneof(fc.integer(), fc.constant(undefined)) },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 8 }), params, (pieces, values) => {
      const template = pieces.join("");
      assert.equal(fill(template, values), reference(template, values));
      assert.equal(
        fill(template, values),
        reference(template, values),
        "and again, from the parsed template",
      );
    }),
    { numRuns: 2000 },
  );
});

test("fill - the original's log line", () => {
  assert.equal(
    fill("Conexion establecida desde {address}", { address: "127.0.0.1:5000" }),
    "Conexion establecida desde 127.0.0.1:5000",
  );
});
