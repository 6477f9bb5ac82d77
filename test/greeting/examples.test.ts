import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { Running } from "../helpers/cli.js";

const runs: Running[] = [];
after(async () => {
  await Promise.all(runs.map((run) => run.stop("SIGKILL")));
});
function example(name: string, ...args: string[]): Running {
  const file = fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
  const run = new Running(spawn(process.execPath, ["--import", "tsx", file, ...args]));
  runs.push(run);
  return run;
}

test("examples: servidor.ts and cliente.ts talk like the originals; hola.ts says hello", async () => {
  const server = example("servidor.ts", "0");
  const port = (await server.waitFor(/Escuchando en 127\.0\.0\.1:(\d+)/))[1]!;
  const client = await example("cliente.ts", port).done;
  assert.equal(client.stdout, `Mensaje del servidor: ${ORIGINAL_GREETING}\n`);
  const end = await server.done;
  assert.equal(end.code, 0);
  assert.match(end.stdout, /Conexion establecida desde/);
  assert.equal((await example("hola.ts").done).stdout, "Hola, mundo\n");
});
