import assert from "node:assert/strict";
import { after, test } from "node:test";
import { BIN, enchufe, runEnchufe, stopAll } from "../helpers/cli.js";
import { hasTmux, Tmux } from "../helpers/tmux.js";

const tmux = new Tmux("chat-wrap");
after(async () => {
  tmux.close();
  await stopAll();
});

test("enchufe chat in 60 columns: 80 characters typed while 4 messages arrive, each shown once, the input intact", {
  skip: !hasTmux && "tmux is not installed",
}, async () => {
  const server = enchufe(["server", "--port", "0", "--lang", "en"]);
  const port = String(await server.port());
  tmux.open("ana", 60, 20, `${process.execPath} ${BIN} chat --nick ana --port ${port} --lang en`);
  await tmux.shows("ana", /you are now ana/);
  const typed = "abcdefghij".repeat(8);
  tmux.run("send-keys", "-t", "ana", "-l", typed);
  await tmux.shows("ana", new RegExp(`^${typed.slice(58)}$`, "m"));

  const sent = await runEnchufe(["chat", "--nick", "beto", "--port", port, "--lang", "en"], {
    stdin: "message one\nmessage two\nmessage three\nmessage four\n",
  });
  assert.equal(sent.code, 0, sent.stderr);
  const screen = await tmux.shows("ana", /message four/);
  for (const word of ["one", "two", "three", "four"]) {
    assert.equal(
      screen.split(`[general] beto: message ${word}\n`).length,
      2,
      `message ${word} once:\n${screen}`,
    );
  }
  // The input's two rows are the last ones, and nowhere else.
  const rows = screen.trimEnd().split("\n");
  assert.deepEqual(rows.slice(-2), [`> ${typed.slice(0, 58)}`, typed.slice(58)], screen);
  assert.equal(rows.filter((row) => row.startsWith("> ")).length, 1, screen);
  assert.equal(rows.filter((row) => row === typed.slice(58)).length, 1, screen);

  tmux.run("send-keys", "-t", "ana", "Enter");
  await tmux.shows("ana", new RegExp(`\\[general\\] ana: ${typed.slice(0, 40)}`));
  await server.stop();
});

test("enchufe chat in 40 columns: a line of wide characters that fills its row exactly is erased whole after Enter", {
  skip: !hasTmux && "tmux is not installed",
}, async () => {
  const server = enchufe(["server", "--port", "0", "--lang", "en"]);
  const port = String(await server.port());
  tmux.open("wide", 40, 12, `${process.execPath} ${BIN} chat --nick wide --port ${port} --lang en`);
  await tmux.shows("wide", /you are now wide/);
  // "> " and 19 characters two columns wide: exactly 40 columns, so the cursor wraps to a second row.
  const typed = "你好世界和平朋友们大家好早上好晚安再见";
  assert.equal([...typed].length, 19);
  tmux.run("send-keys", "-t", "wide", "-l", typed);
  await tmux.shows("wide", new RegExp(`^> ${typed}`, "m"));
  tmux.run("send-keys", "-t", "wide", "Enter");
  const screen = await tmux.shows("wide", /\[general\] wide: /);
  const rows = screen.trimEnd().split("\n");
  assert.equal(
    rows.filter((row) => row.startsWith("> 你")).length,
    0,
    `the entered input is gone:\n${screen}`,
  );
  assert.deepEqual(rows.slice(-3), [`[general] wide: ${typed.slice(0, 12)}`, typed.slice(12), ">"], screen);
  await server.stop();
});
