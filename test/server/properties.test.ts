import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { nickProblem } from "../../src/protocol/names.js";
import { sanitizeLine } from "../../src/protocol/sanitize.js";
import { SubscriptionIndex } from "../../src/protocol/subscriptions.js";
import { matchTopic } from "../../src/protocol/topics.js";

const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test("sanitizeLine - no control, escape, bidi or line break survives any input", () => {
  const nasty = fc.constantFrom(
    "\u001b",
    "[",
    "]",
    "\u0007",
    "\\",
    "\n",
    "\r",
    "\u009b",
    "\u202e",
    "\u0000",
    "a",
    "ñ",
    "2J",
    ";",
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: "binary" }),
        fc.array(nasty).map((parts) => parts.join("")),
      ),
      (input) => {
        assert.doesNotMatch(sanitizeLine(input), UNSAFE);
      },
    ),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      assert.doesNotMatch(sanitizeLine(bytes), UNSAFE);
    }),
    { numRuns: 1000 },
  );
});

test("sanitizeLine - printable text without controls is left unchanged", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme" }), (input) => {
      fc.pre(!UNSAFE.test(input) && !input.includes("\u001b") && !/[\u0085\u2028\u2029]/.test(input));
      assert.equal(sanitizeLine(input), input);
    }),
    { numRuns: 1000 },
  );
});

test("nickProblem - every accepted nick is 1-32 characters without spaces or controls", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (nick) => {
      if (nickProblem(nick) === undefined) {
        assert.ok([...nick].length >= 1 && [...nick].length <= 32);
        assert.doesNotMatch(nick, /[\s\u0000-\u001f\u007f-\u009f]/);
      }
    }),
    { numRuns: 1000 },
  );
});

test("SubscriptionIndex - match agrees with matchTopic for random patterns and topics, after adds and removes", () => {
  const token = fc.constantFrom("a", "b", "c");
  const topic = fc.array(token, { minLength: 1, maxLength: 4 }).map((tokens) => tokens.join("."));
  const pattern = fc
    .tuple(fc.array(fc.constantFrom("a", "b", "*"), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([tokens, rest]) => (rest ? [...tokens.slice(0, -1), ">"] : tokens).join("."));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(pattern, fc.nat(5)), { maxLength: 20 }),
      fc.array(fc.nat(19)),
      fc.array(topic, { minLength: 1, maxLength: 10 }),
      (subs, removals, topics) => {
        const index = new SubscriptionIndex<number>();
        const live = subs.map(([p, v]) => ({ pattern: p, value: v, alive: true }));
        for (const sub of live) index.add(sub.pattern, sub.value);
        for (const removal of removals) {
          const sub = live[removal];
          if (sub === undefined || !sub.alive) continue;
          sub.alive = false;
          assert.equal(index.remove(sub.pattern, sub.value), true);
        }
        for (const t of topics) {
          const expected = [
            ...new Set(live.filter((s) => s.alive && matchTopic(s.pattern, t)).map((s) => s.value)),
          ].sort();
          assert.deepEqual([...index.match(t)].sort(), expected);
        }
      },
    ),
    { numRuns: 500 },
  );
});
