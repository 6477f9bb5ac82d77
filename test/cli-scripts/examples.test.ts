import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { enchufe, Running, stopAll } from "../helpers/cli.js";

const runs: Running[] = [];
after(async () => {
  await Promise.all(runs.map((run) => run.stop("SIGKILL")));
  await stopAll();
});

function example(name: string, ...args: string[]): Running {
  const file = fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
  const run = new Running(spawn(process.execPath, ["--import", "tsx", file, ...args]));
  runs.push(run);
  return run;
}

/** A port nobody listens on: bound on port 0, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Before the fix cliente.ts waited forever for a close a session server never sends: fail fast instead.
test("examples/cliente.ts against a session server prints the first line and closes (exit 0)", {
  timeout: 15_000,
}, async () => {
  const server = enchufe(["server", "--port", "0"]);
  const port = String(await server.port());
  const client = await example("cliente.ts", port).done;
  assert.equal(client.code, 0, client.stderr);
  assert.equal(client.stdout, `Mensaje del servidor: ${ORIGINAL_GREETING}\n`);
  await server.stop();
});

test("examples/cliente.ts exits non-zero with one line when the connection is refused", async () => {
  const client = await example("cliente.ts", String(await closedPort())).done;
  assert.equal(client.code, 1);
  assert.match(client.stderr, /^Error: ECONNREFUSED\. ¿Está corriendo el servidor en el puerto \d+\?\n$/);
});

test("examples/servidor.ts reports a port in use in one line, no stack", async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const { port } = busy.address() as { port: number };
  const server = await example("servidor.ts", String(port)).done;
  busy.close();
  assert.equal(server.code, 1);
  assert.equal(server.stderr.split("\n").filter(Boolean).length, 1, server.stderr);
  assert.match(server.stderr, new RegExp(`el puerto ${port} ya está en uso`));
  assert.doesNotMatch(server.stderr, /\n\s+at /);
});
