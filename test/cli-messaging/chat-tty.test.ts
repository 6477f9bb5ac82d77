import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { after, test } from "node:test";
import { BIN, enchufe, stopAll } from "../helpers/cli.js";

const socketName = `enchufe-test-${process.pid}`;
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

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

after(async () => {
  if (hasTmux) spawnSync("tmux", ["-L", socketName, "kill-server"]);
  await stopAll();
});

test("enchufe chat in a real terminal: two users talk, half-typed input survives incoming messages", {
  skip: !hasTmux && "tmux is not installed",
}, async () => {
  const server = enchufe(["server", "--port", "0", "--lang", "en"]);
  const port = String(await server.port());
  const chat = (nick: string) => `${process.execPath} ${BIN} chat --nick ${nick} --port ${port} --lang en`;
  tmux("new-session", "-d", "-s", "ana", "-x", "100", "-y", "20", chat("ana"));
  tmux("new-session", "-d", "-s", "beto", "-x", "100", "-y", "20", chat("beto"));
  await screenShows("ana", /you are now ana/);
  await screenShows("beto", /you are now beto/);

  tmux("send-keys", "-t", "beto", "hola ana, que tal", "Enter");
  await screenShows("ana", /\[general\] beto: hola ana, que tal/);

  // Ana is typing when a message arrives: her input stays on the prompt line, the message above it.
  tmux("send-keys", "-t", "ana", "-l", "escribiendo a me");
  await screenShows("ana", /> escribiendo a me/);
  tmux("send-keys", "-t", "beto", "otro mensaje", "Enter");
  const screen = await screenShows("ana", /\[general\] beto: otro mensaje\n> escribiendo a me/);
  assert.doesNotMatch(screen, /escribiendo a me\[general\]/);
  tmux("send-keys", "-t", "ana", "dias", "Enter");
  await screenShows("beto", /\[general\] ana: escribiendo a medias/);

  tmux("send-keys", "-t", "ana", "/quit", "Enter");
  tmux("send-keys", "-t", "beto", "C-d");
  await server.stop();
});
