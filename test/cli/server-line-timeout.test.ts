import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { isEnchufeError } from "../../src/errors.js";
import { DEFAULT_MESSAGING_OPTIONS, resolveMessagingOptions } from "../../src/server/limits.js";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

after(stopAll);

describe("enchufe server --line-timeout", () => {
  test("a negative or non-numeric value is a usage error: exit 2, no stack trace", async () => {
    for (const value of ["-1", "abc"]) {
      const end = await runEnchufe(["server", "--port", "0", "--line-timeout", value]);
      assert.equal(end.code, 2, `${value}: ${end.stderr}`);
      assert.equal(end.stdout, "");
      assert.match(end.stderr, /^enchufe: /);
      assert.doesNotMatch(end.stderr, /\n\s+at /);
    }
    const named = await runEnchufe(["server", "--port", "0", "--line-timeout=abc"]);
    assert.match(named.stderr, /--line-timeout debe ser un número >= 0 \(recibido: 'abc'\)/);
  });

  test("seconds, with 0 for off, are accepted and the server starts", async () => {
    for (const value of ["0", "2.5"]) {
      const server = enchufe(["server", "--port", "0", "--line-timeout", value]);
      await server.port();
      const end = await server.stop("SIGTERM");
      assert.equal(end.code, 0, end.stderr);
    }
  });

  test("--help documents it in Spanish and English", async () => {
    const es = await runEnchufe(["server", "--help"]);
    assert.match(es.stdout, /--line-timeout SEG .*primer byte/);
    assert.match(es.stdout, /por defecto 30; 0 = sin límite/);
    const en = await runEnchufe(["server", "--help", "--lang", "en"]);
    assert.match(en.stdout, /--line-timeout SEC .*first byte/);
    assert.match(en.stdout, /default 30; 0 = off/);
  });

  test("the library option lineTimeoutMs defaults to 30 s and is validated like the other limits", () => {
    assert.equal(DEFAULT_MESSAGING_OPTIONS.lineTimeoutMs, 30_000);
    assert.equal(resolveMessagingOptions({ lineTimeoutMs: 0 }).lineTimeoutMs, 0);
    for (const bad of [-1, 1.5, Number.NaN]) {
      assert.throws(
        () => resolveMessagingOptions({ lineTimeoutMs: bad }),
        (e: unknown) => isEnchufeError(e, "EOPTION") && e.details.option === "lineTimeoutMs",
      );
    }
  });
});
