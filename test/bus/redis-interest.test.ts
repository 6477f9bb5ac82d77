import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WildcardInterest } from "../../src/server/bus/redis-interest.js";
import { RedisNames } from "../../src/server/bus/redis-link.js";

describe("redis wildcard interest", () => {
  const names = new RedisNames("p");

  test("interest - patterns sharing a glob PSUBSCRIBE it once and PUNSUBSCRIBE it with the last", () => {
    const interest = new WildcardInterest(names);
    assert.equal(interest.add("chat.*"), "p:t:chat.*");
    assert.equal(interest.add("chat.>"), undefined, "chat.> maps to the same glob");
    assert.deepEqual(interest.globChannels(), ["p:t:chat.*"]);
    assert.equal(interest.remove("chat.*"), undefined);
    assert.equal(interest.remove("chat.>"), "p:t:chat.*");
    assert.deepEqual(interest.globChannels(), []);
  });

  test("interest - a glob delivers only what a pattern matches, and only the first matching glob delivers", () => {
    const interest = new WildcardInterest(names);
    interest.add("a.*.c");
    interest.add("*.b.>");
    // The glob a.*.c also lets a.x.y.c through; no pattern matches that topic.
    assert.equal(interest.delivers("p:t:a.*.c", "p:t:a.x.y.c", "a.x.y.c"), false);
    assert.equal(interest.delivers("p:t:a.*.c", "p:t:a.b.c", "a.b.c"), true);
    // a.b.c came through both globs: only the first registered one delivers.
    assert.equal(interest.delivers("p:t:*.b.*", "p:t:a.b.c", "a.b.c"), false);
    assert.equal(interest.delivers("p:t:*.b.*", "p:t:z.b.c.d", "z.b.c.d"), true);
    interest.remove("*.b.>");
    assert.equal(interest.delivers("p:t:a.*.c", "p:t:z.b.c", "z.b.c"), false);
  });
});
