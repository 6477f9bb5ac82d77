import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BIN, enchufe, stopAll } from "../helpers/cli.js";

const socketName = `enchufe-scripts-${process.pid}`;
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const dirs: string[] = [];

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", socketName, ...args], { encoding: "utf8" });
}

/** Polls the pane until `pattern` shows (bounded), and returns the screen. */
async function screenShows(target: string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = "";
  while (Date.now() < deadline) {
    screen = tmux("capture-pane", "-p", "-t", target);
    if (pattern.test(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`pane ${target} never showed ${pattern}:\n${screen}`);
}

/** Runs `enchufe ...args` in a new tmux window; the pane prints EXIT=<code> when it ends. */
function inTerminal(name: string, args: string[]): void {
  const command = [process.execPath, BIN, ...args].map((part) => `'${part}'`).join(" ");
  tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "120",
    "-y",
    "20",
    `env -u ENCHUFE_LANG ${command}; echo EXIT=$?; sleep 60`,
  );
}

after(async () => {
  if (hasTmux) spawnSync("tmux", ["-L", socketName, "kill-server"]);
  await stopAll();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const skip = !hasTmux && "tmux is not installed";

test("pub with no message on a terminal says how to type the messages, then publishes each line", {
  skip,
}, async () => {
  const server = enchufe(["server", "--port", "0", "--lang", "en"]);
  const port = String(await server.port());
  const sub = enchufe(["sub", "x", "--port", port, "--count", "1"]);
  await sub.waitFor(/Suscrito/, "stderr");
  inTerminal("pub", ["pub", "x", "--port", port]);
  await screenShows("pub", /Escribe los mensajes, uno por línea; Ctrl\+D para terminar/);
  tmux("send-keys", "-t", "pub", "hola desde la terminal", "Enter");
  await sub.waitFor(/\[x\] hola desde la terminal/);
  tmux("send-keys", "-t", "pub", "C-d");
  await screenShows("pub", /EXIT=0/);
  await server.stop();
});

test("user add on a terminal asks the password twice and says the 8-character minimum", {
  skip,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), "enchufe-user-"));
  dirs.push(dir);
  const file = join(dir, "users.json");
  inTerminal("mismatch", ["user", "add", "ana", "--file", file]);
  await screenShows("mismatch", /Contraseña nueva para ana \(al menos 8 caracteres\):/);
  tmux("send-keys", "-t", "mismatch", "secreto-largo", "Enter");
  await screenShows("mismatch", /Repite la contraseña:/);
  tmux("send-keys", "-t", "mismatch", "otra-cosa-1", "Enter");
  const refused = await screenShows("mismatch", /EXIT=2/);
  assert.match(refused, /Las contraseñas no coinciden/);
  assert.doesNotMatch(refused, /secreto-largo|otra-cosa-1/);

  inTerminal("match", ["user", "add", "ana", "--file", file]);
  await screenShows("match", /al menos 8 caracteres/);
  tmux("send-keys", "-t", "match", "secreto-largo", "Enter");
  await screenShows("match", /Repite la contraseña:/);
  tmux("send-keys", "-t", "match", "secreto-largo", "Enter");
  const added = await screenShows("match", /EXIT=0/);
  assert.match(added, /Usuario ana añadido/);
  assert.match(await readFile(file, "utf8"), /"ana"/);
});
