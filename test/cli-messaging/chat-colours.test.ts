import assert from "node:assert/strict";
import { after, test } from "node:test";
import { nickColour } from "../../src/cli/chat/format.js";
import { BIN, enchufe, runEnchufe, stopAll } from "../helpers/cli.js";
import { hasTmux, Tmux } from "../helpers/tmux.js";

const tmux = new Tmux("chat-colours");
after(async () => {
  tmux.close();
  await stopAll();
});

test("enchufe chat on a colour terminal: each nickname in its own stable colour; none under NO_COLOR", {
  skip: !hasTmux && "tmux is not installed",
}, async () => {
  const server = enchufe(["server", "--port", "0", "--lang", "en"]);
  const port = String(await server.port());
  const chat = (nick: string, env: string) =>
    `env ${env} ${process.execPath} ${BIN} chat --nick ${nick} --port ${port} --lang en`;
  tmux.open("ana", 80, 12, chat("ana", "-u NO_COLOR TERM=xterm-256color"));
  await tmux.shows("ana", /you are now ana/);
  tmux.open("eva", 80, 12, chat("eva", "NO_COLOR=1"));
  await tmux.shows("eva", /you are now eva/);
  await runEnchufe(["chat", "--nick", "beto", "--port", port], { stdin: "hola\n" });
  tmux.run("send-keys", "-t", "ana", "que tal", "Enter");

  const coloured = await tmux.shows("ana", /\[general\] .*ana.*: que tal/, 10_000, true);
  const paint = (nick: string) =>
    new RegExp(`\\[general\\] \\u001b\\[${nickColour(nick)}m${nick}\\u001b\\[39m: `);
  assert.match(coloured, paint("beto"));
  assert.match(coloured, paint("ana"));
  assert.equal(nickColour("Beto"), nickColour("beto"));

  const plain = await tmux.shows("eva", /\[general\] ana: que tal/, 10_000, true);
  assert.match(plain, /\[general\] beto: hola/);
  assert.doesNotMatch(plain, /\u001b\[3\dm/);
  await server.stop();
});
