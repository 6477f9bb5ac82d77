import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { resolveClientOptions } from "../../src/client/options.js";
import { type EnchufeError, isEnchufeError, optionError } from "../../src/errors.js";
import { RedisBus } from "../../src/server/bus/redis.js";
import { resolveMessagingOptions } from "../../src/server/limits.js";
import { resolveServerOptions } from "../../src/server/options.js";

/** The EOPTION error `build` throws. */
function caught(build: () => unknown): EnchufeError {
  try {
    build();
  } catch (error) {
    assert.ok(isEnchufeError(error, "EOPTION"), String(error));
    return error;
  }
  assert.fail("expected an EOPTION error");
}

describe("optionError - one EOPTION builder", () => {
  test("says what, the rule and what was received, as Node does", () => {
    const error = optionError("port", "should be >= 0 and <= 65535", 70000);
    assert.equal(error.code, "EOPTION");
    assert.equal(error.message, "options.port should be >= 0 and <= 65535. Received type number (70000).");
    assert.deepEqual(error.details, {
      option: "port",
      rule: "should be >= 0 and <= 65535",
      received: "type number (70000)",
    });
  });

  test("names strings quoted and cut, objects by class, null and undefined as such", () => {
    assert.match(optionError("a", "r", "x".repeat(100)).message, /Received type string \("x{25}\.\.\."\)\.$/);
    assert.match(optionError("a", "r", new Map()).message, /Received an instance of Map\.$/);
    assert.match(optionError("a", "r", null).message, /Received null\.$/);
    assert.match(optionError("a", "r", undefined).message, /Received undefined\.$/);
  });

  test("server, messaging, client and bus options all report through it", () => {
    const errors = [
      caught(() => resolveServerOptions({ port: 70000 })),
      caught(() => resolveMessagingOptions({ maxLineBytes: -1 })),
      caught(() => resolveServerOptions({ message: "two\nlines" })),
      caught(() => resolveClientOptions({ timeoutMs: -5 })),
      caught(() => new RedisBus({ url: "http://x" })),
    ];
    for (const error of errors) {
      assert.match(error.message, /^options\.\w+ .+\. Received .+\.$/);
      assert.deepEqual(Object.keys(error.details).sort(), ["option", "received", "rule"]);
    }
  });
});
