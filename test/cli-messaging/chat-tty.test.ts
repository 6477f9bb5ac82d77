import assert from "node:assert/strict";
import { after, test } from "node:test";
import { BIN, enchufe, stopAll } from "../helpers/cli.js";
import { hasTmux, Tmux } from "../helpers/tmux.js";

const tmux = new Tmux("chat-tty");
const screenShows = (target: string, pattern: RegExp) => tmux.shows(target, pattern);

after(async () => {
  tmux.close();
  await stopAll();
});

test("enchufe chat in a real terminal: two users talk, half-typed input survives incoming messages", {
  skip: !hasTmux && "tmux is not installed",
}, async () => {
  const server = enchufe(["server", "--port", "0", "--lang", "en"]);
  const port = String(await server.port());
  const chat = (nick: string) => `${process.execPath} ${BIN} chat --nick ${nick} --port ${port} --lang en`;
  tmux.run("new-session", "-d", "-s", "ana", "-x", "100", "-y", "20", chat("ana"));
  tmux.run("new-session", "-d", "-s", "beto", "-x", "100", "-y", "20", chat("beto"));
  await screenShows("ana", /you are now ana/);
  await screenShows("beto", /you are now beto/);

  tmux.run("send-keys", "-t", "beto", "hola ana, que tal", "Enter");
  await screenShows("ana", /\[general\] beto: hola ana, que tal/);

  // Ana is typing when a message arrives: her input stays on the prompt line, the message above it.
  tmux.run("send-keys", "-t", "ana", "-l", "escribiendo a me");
  await screenShows("ana", /> escribiendo a me/);
  tmux.run("send-keys", "-t", "beto", "otro mensaje", "Enter");
  const screen = await screenShows("ana", /\[general\] beto: otro mensaje\n> escribiendo a me/);
  assert.doesNotMatch(screen, /escribiendo a me\[general\]/);
  tmux.run("send-keys", "-t", "ana", "dias", "Enter");
  await screenShows("beto", /\[general\] ana: escribiendo a medias/);

  tmux.run("send-keys", "-t", "ana", "/quit", "Enter");
  tmux.run("send-keys", "-t", "beto", "C-d");
  await server.stop();
});
