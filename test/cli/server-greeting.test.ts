import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import { run as serverCommand } from "../../src/cli/commands/server.js";
import type { CliContext } from "../../src/cli/context.js";
import { isEnchufeError } from "../../src/errors.js";
import { resolveServerOptions } from "../../src/server/options.js";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "enchufe-greeting-"));
});
after(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `enchufe server ...argv` in this process: argv can carry a NUL, which a process's arguments cannot. */
async function serverInProcess(argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  const stderr = new PassThrough();
  let text = "";
  stderr.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
  });
  const ctx: CliContext = {
    lang: "es",
    env: {},
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr,
  };
  const code = await serverCommand(argv, ctx);
  return { code, stderr: text };
}

describe("enchufe server - a greeting with a NUL byte is refused at start", () => {
  for (const mode of [[], ["--once"], ["--greet-only"]]) {
    test(`--message-file with a NUL is a usage error ${mode.join(" ") || "(session mode)"}: exit 2, one clear line`, async () => {
      const file = join(dir, `nul${mode.join("")}.txt`);
      await writeFile(file, Buffer.from("hola\0mundo"));
      const end = await runEnchufe(["server", "--port", "0", ...mode, "--message-file", file]);
      assert.equal(end.code, 2);
      assert.equal(end.stdout, "");
      assert.match(
        end.stderr,
        /^enchufe: El saludo de --message-file contiene un byte NUL \(0x00\).*Quítalo/,
      );
      assert.doesNotMatch(end.stderr, /\n\s+at /);
    });
  }

  test("--message-file with a NUL is explained in English with --lang en", async () => {
    const file = join(dir, "nul-en.txt");
    await writeFile(file, Buffer.from("hi\0"));
    const end = await runEnchufe(["server", "--port", "0", "--lang", "en", "--message-file", file]);
    assert.equal(end.code, 2);
    assert.match(
      end.stderr,
      /^enchufe: The greeting from --message-file contains a NUL byte \(0x00\).*Remove it/,
    );
  });

  test("--message with a NUL is a usage error in every mode: exit 2", async () => {
    for (const mode of [[], ["--once"], ["--greet-only"]]) {
      const end = await serverInProcess(["--port", "0", ...mode, "--message", "hola\0mundo"]);
      assert.equal(end.code, 2, mode.join(" "));
      assert.match(end.stderr, /^enchufe: El saludo de --message contiene un byte NUL/);
    }
  });

  test("a file's final newline is not part of the greeting (session mode); a line break inside it is a usage error (exit 2)", async () => {
    const ends = join(dir, "ends-in-newline.txt");
    await writeFile(ends, "hola\r\n");
    const server = enchufe(["server", "--port", "0", "--message-file", ends]);
    const port = await server.port();
    const greeting = await runEnchufe(["client", "--port", String(port)]);
    assert.equal(greeting.stdout, "Mensaje del servidor: hola\n");
    assert.equal((await server.stop("SIGTERM")).code, 0);
    const file = join(dir, "newline.txt");
    await writeFile(file, "uno\ndos\n");
    const end = await runEnchufe(["server", "--port", "0", "--message-file", file]);
    assert.equal(end.code, 2);
    assert.match(
      end.stderr,
      /^enchufe: El saludo de --message-file tiene un salto de línea.*--once o --greet-only/,
    );
  });

  test("the library refuses a NUL in the greeting with EOPTION", () => {
    assert.throws(
      () => resolveServerOptions({ message: "a\0b" }),
      (e: unknown) => isEnchufeError(e, "EOPTION") && e.details.option === "message",
    );
    assert.throws(
      () => resolveServerOptions({ message: Buffer.from([0x61, 0x00]) }),
      (e: unknown) => isEnchufeError(e, "EOPTION") && e.details.option === "message",
    );
  });
});
