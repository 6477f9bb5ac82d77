import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import { defineCommand } from "../../src/cli/command.js";
import type { CliContext, Command } from "../../src/cli/context.js";
import { EnchufeError } from "../../src/errors.js";

/** Runs `command` in this process with captured output. */
async function capture(command: Command, argv: readonly string[]) {
  const streams = { stdout: new PassThrough(), stderr: new PassThrough() };
  const text = { stdout: "", stderr: "" };
  for (const name of ["stdout", "stderr"] as const) {
    streams[name].setEncoding("utf8").on("data", (chunk: string) => {
      text[name] += chunk;
    });
  }
  const ctx: CliContext = { lang: "es", env: {}, stdin: new PassThrough(), ...streams };
  const code = await command(argv, ctx);
  return { code, ...text };
}

const echo = defineCommand({
  options: { fail: { type: "boolean" } },
  positionals: true,
  help: "help.cert",
  run: async ({ values, positionals, lang, debug }, ctx) => {
    if (values.fail === true) {
      throw new EnchufeError("EFILE", "Cannot read x", { details: { path: "x", reason: "ENOENT" } });
    }
    ctx.stdout.write(`${lang} ${debug} ${positionals.join(",")}\n`);
    return 0;
  },
});

describe("defineCommand - the shared prologue", () => {
  test("runs with the parsed flags, positionals, language and --debug", async () => {
    const end = await capture(echo, ["a", "--lang", "en", "b", "--debug"]);
    assert.deepEqual(end, { code: 0, stdout: "en true a,b\n", stderr: "" });
  });

  test("--help prints the declared help text in the chosen language and exits 0", async () => {
    const end = await capture(echo, ["--help", "--lang", "en"]);
    assert.equal(end.code, 0);
    assert.match(end.stdout, /^Usage: enchufe cert/);
  });

  test("a bad flag is a usage error in the --lang given, exit 2, no stack trace", async () => {
    const end = await capture(echo, ["--bogus", "--lang", "en"]);
    assert.equal(end.code, 2);
    assert.match(end.stderr, /^enchufe: Unknown option: '--bogus'/);
    assert.doesNotMatch(end.stderr, /\n\s+at /);
  });

  test("an error from run is one localized line and exit 1; --debug adds the stack", async () => {
    const plain = await capture(echo, ["--fail"]);
    assert.equal(plain.code, 1);
    assert.equal(plain.stderr.split("\n").length, 2);
    const debug = await capture(echo, ["--fail", "--debug"]);
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /\[EFILE\] EnchufeError: Cannot read x\n\s+at /);
  });
});
