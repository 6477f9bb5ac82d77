import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nickProblem, roomProblem } from "../../src/protocol/names.js";
import { decodeUtf8, sanitizeLine } from "../../src/protocol/sanitize.js";
import { SubscriptionIndex } from "../../src/protocol/subscriptions.js";
import { matchTopic } from "../../src/protocol/topics.js";

describe("sanitizeLine", () => {
  test("removes CSI, OSC and two-character escape sequences", () => {
    assert.equal(sanitizeLine("a\u001b[31mred\u001b[0m b"), "ared b");
    assert.equal(sanitizeLine("x\u001b]0;title\u0007y"), "xy");
    assert.equal(sanitizeLine("x\u001b]8;;http://e\u001b\\link\u001b]8;;\u001b\\y"), "xlinky");
    assert.equal(sanitizeLine("x\u001bcy"), "xy");
    assert.equal(sanitizeLine("x\u009b2Jy"), "xy");
  });
  test("removes controls, DEL and bidi overrides; keeps tab; line breaks become spaces", () => {
    assert.equal(sanitizeLine("a\u0000b\u0007c\u007fd\u202eE\u2066f"), "abcdEf");
    assert.equal(sanitizeLine("a\tb"), "a\tb");
    assert.equal(sanitizeLine("one\r\ntwo\nthree\rfour"), "one two three four");
  });
  test("invalid UTF-8 becomes U+FFFD and is reported", () => {
    assert.equal(sanitizeLine(Buffer.from([0x61, 0xff, 0x62])), "a\ufffdb");
    assert.deepEqual(decodeUtf8(Buffer.from([0xc3, 0xb1])), { text: "ñ", valid: true });
    assert.equal(decodeUtf8(Buffer.from([0xc3])).valid, false);
  });
  test("keeps ordinary Unicode text intact", () => {
    assert.equal(sanitizeLine("¡Hola, señora! 日本 🙂"), "¡Hola, señora! 日本 🙂");
  });
});

describe("names", () => {
  test("nick rule", () => {
    for (const good of ["ana", "Ana_2", "josé", "a.b-c", "7up", "x".repeat(32)])
      assert.equal(nickProblem(good), undefined, good);
    for (const bad of ["", "-ana", "_x", "a b", "a\u001b", "x".repeat(33), "/nick", "a:b"])
      assert.notEqual(nickProblem(bad), undefined, bad);
  });
  test("room rule is the topic rule without wildcards", () => {
    assert.equal(roomProblem("general"), undefined);
    assert.equal(roomProblem("team.dev-1"), undefined);
    for (const bad of ["", "a..b", "a.*", ">", "sala con espacios", "ñ"])
      assert.notEqual(roomProblem(bad), undefined, bad);
  });
});

describe("SubscriptionIndex", () => {
  test("exact, '*' and '>' patterns, deduped", () => {
    const index = new SubscriptionIndex<string>();
    index.add("a.b", "exact");
    index.add("a.*", "star");
    index.add("a.>", "rest");
    index.add(">", "all");
    index.add("a.b", "multi");
    index.add("a.*", "multi");
    assert.deepEqual([...index.match("a.b")].sort(), ["all", "exact", "multi", "rest", "star"]);
    assert.deepEqual([...index.match("a.b.c")].sort(), ["all", "rest"]);
    assert.deepEqual([...index.match("a")].sort(), ["all"]);
    assert.equal(index.size, 6);
    assert.equal(index.remove("a.*", "multi"), true);
    assert.equal(index.remove("a.*", "multi"), false);
    assert.deepEqual([...index.match("a.b")].sort(), ["all", "exact", "multi", "rest", "star"]);
    index.remove("a.b", "multi");
    assert.deepEqual([...index.match("a.b")].sort(), ["all", "exact", "rest", "star"]);
  });
  test("agrees with matchTopic on a grid of patterns and topics", () => {
    const patterns = ["a", "a.b", "a.*", "*.b", "a.>", ">", "*", "*.*.c", "a.*.>", "b.>"];
    const topics = ["a", "b", "a.b", "a.c", "b.b", "a.b.c", "x.y.c", "a.x.y.z"];
    const index = new SubscriptionIndex<string>();
    for (const pattern of patterns) index.add(pattern, pattern);
    for (const topic of topics) {
      const expected = patterns.filter((pattern) => matchTopic(pattern, topic)).sort();
      assert.deepEqual([...index.match(topic)].sort(), expected, topic);
    }
    for (const pattern of patterns) assert.equal(index.remove(pattern, pattern), true);
    assert.equal(index.size, 0);
    for (const topic of topics) assert.equal(index.match(topic).size, 0);
  });
});
