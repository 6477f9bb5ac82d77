import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { enchufe, Running, runEnchufe, stopAll } from "../helpers/cli.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
after(stopAll);

describe("interoperability with the original Python programs", () => {
  test("enchufe client against a server written like the original servidor.py", async () => {
    const python = new Running(spawn("python3", [fixture("servidor.py"), "127.0.0.1", "0"]));
    const match = await python.waitFor(/PUERTO (\d+)/);
    const client = await runEnchufe(["client", "--port", match[1]!]);
    assert.equal(client.code, 0);
    assert.equal(client.stdout, `Mensaje del servidor: ${ORIGINAL_GREETING}\n`);
    const end = await python.done;
    assert.equal(end.code, 0);
    assert.match(end.stdout, /Conexion establecida desde \('127\.0\.0\.1', \d+\)/);
  });

  test("a client written like the original cliente.py against the enchufe server (--once and session)", async () => {
    for (const args of [["--once"], []]) {
      const server = enchufe(["server", "--port", "0", ...args]);
      const port = await server.port();
      // The original connects to the 127.0.1 shorthand.
      const python = new Running(spawn("python3", [fixture("cliente.py"), "127.0.1", String(port)]));
      const end = await python.done;
      assert.equal(end.code, 0, end.stderr);
      assert.match(end.stdout, new RegExp(`^Mensaje del servidor: ${ORIGINAL_GREETING}\\n?\\n$`));
      await server.stop();
    }
  });
});
