import assert from "node:assert/strict";
import { after, test } from "node:test";
import { BIN, enchufe, stopAll } from "../helpers/cli.js";
import { hasTmux, Tmux } from "../helpers/tmux.js";

const tmux = new Tmux("chat-keys");
after(async () => {
  tmux.close();
  await stopAll();
});

for (const key of ["C-c", "C-d"]) {
  test(`enchufe chat: one ${key} leaves at once with exit 0, and no prompt is left after the goodbye`, {
    skip: !hasTmux && "tmux is not installed",
  }, async () => {
    const server = enchufe(["server", "--port", "0", "--lang", "en"]);
    const port = String(await server.port());
    const name = `keys-${key}`;
    tmux.open(name, 80, 12, `${process.execPath} ${BIN} chat --nick ana --port ${port} --lang en`);
    await tmux.shows(name, /you are now ana[\s\S]*\n>/);
    const pressed = Date.now();
    tmux.run("send-keys", "-t", name, key);
    const screen = await tmux.shows(name, /\[exit \d+\]/, 3000);
    assert.ok(Date.now() - pressed < 1500, `took ${Date.now() - pressed} ms`);
    assert.match(screen, /\* bye\n\[exit 0\]/);
    assert.doesNotMatch(screen, /^>/m);
    await server.stop();
  });
}
