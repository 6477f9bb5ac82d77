import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BIN, enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

let dir = "";
let users = "";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "enchufe-chat-"));
  users = join(dir, "users.json");
  await writeFile(join(dir, "ana.pass"), "contraseña-de-ana\n");
  await writeFile(join(dir, "wrong.pass"), "not-the-password\n");
  const add = await runEnchufe([
    "user",
    "add",
    "ana",
    "--file",
    users,
    "--password-file",
    join(dir, "ana.pass"),
  ]);
  assert.equal(add.code, 0, add.stderr);
});
after(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

async function startServer(extra: string[] = []) {
  const server = enchufe(["server", "--port", "0", "--lang", "en", ...extra]);
  const port = String(await server.port());
  return { server, port };
}

describe("enchufe chat: the connection", () => {
  test("a lost connection is said on stderr; chat reconnects and is back in its room with its nickname", async () => {
    const first = await startServer();
    const { port } = first;
    const ana = enchufe(["chat", "--nick", "ana", "--room", "team", "--port", port, "--lang", "en"]);
    await ana.waitFor(/you are now in room team/);
    await first.server.stop();
    await ana.waitFor(/lost the connection to 127\.0\.0\.1:\d+/, "stderr");
    await ana.waitFor(/reconnecting in [\d.]+ s \(attempt 1 of \d+\)/, "stderr");
    // The same port again (the one the first server had), as a restarted server would.
    const second = enchufe(["server", "--port", port, "--lang", "en"]);
    await second.port();
    await ana.waitFor(/reconnected: back in room team/, "stderr");
    const beto = await runEnchufe(["chat", "--nick", "beto", "--room", "team", "--port", port], {
      stdin: "/who\nhola ana\n",
    });
    assert.match(beto.stdout, /in team: ana, beto/);
    await ana.waitFor(/\[team\] beto: hola ana/);
    ana.child.stdin.end();
    const end = await ana.done;
    assert.equal(end.code, 0);
    assert.equal(end.stdout.split("Hola, Julian").length, 2, "the greeting is shown once");
    assert.equal(end.stdout.split("you are now in room team").length, 3, "the room is joined again");
    await second.stop();
  });

  test("--no-reconnect: a lost connection ends chat with exit 1 and says why", async () => {
    const { server, port } = await startServer();
    const ana = enchufe(["chat", "--nick", "ana", "--port", port, "--lang", "es", "--no-reconnect"]);
    // --lang es: the (English) server speaks Spanish to this user.
    await ana.waitFor(/ahora eres ana/);
    await server.stop();
    const end = await ana.done;
    assert.equal(end.code, 1);
    assert.match(end.stderr, /se perdió la conexión con 127\.0\.0\.1:\d+\.\n.*--no-reconnect/);
  });

  test("a failed login exits 1 with the server's message", async () => {
    const { server, port } = await startServer(["--users", users, "--require-auth"]);
    const end = await runEnchufe(
      ["chat", "--user", "ana", "--password-file", join(dir, "wrong.pass"), "--port", port, "--lang", "en"],
      { stdin: "hola\n" },
    );
    assert.equal(end.code, 1, end.stdout);
    assert.match(end.stderr, /did not accept the session: ! login failed/);
    await server.stop();
  });

  test("a server that requires a login: chat without --user exits 1 with the server's message", async () => {
    const { server, port } = await startServer(["--users", users, "--require-auth"]);
    const ana = enchufe(["chat", "--port", port, "--lang", "en"]);
    const end = await ana.done;
    assert.equal(end.code, 1, end.stdout);
    assert.match(end.stderr, /did not accept the session: ! this server requires a login/);
    await server.stop();
  });

  test("a good login: the nickname is the user name, and one's own lines show as others see them", async () => {
    const { server, port } = await startServer(["--users", users, "--require-auth"]);
    const end = await runEnchufe(
      ["chat", "--user", "ana", "--password-file", join(dir, "ana.pass"), "--port", port, "--lang", "en"],
      { stdin: "hola a todos\n/nick ana2\n/join team\nya en team\n" },
    );
    assert.equal(end.code, 0, end.stderr);
    assert.match(end.stdout, /\[general\] ana: hola a todos\n/);
    assert.match(end.stdout, /\[team\] ana2: ya en team\n/);
    await server.stop();
  });
});

describe("enchufe chat: how lines look", () => {
  test("--timestamps puts HH:MM before every line; a pipe gets no colours; join and leave notices show", async () => {
    const { server, port } = await startServer();
    const ana = enchufe(["chat", "--nick", "ana", "--room", "team", "--port", port, "--timestamps"], {
      env: { FORCE_COLOR: "1" },
    });
    await ana.waitFor(/in team: ana/);
    await runEnchufe(["chat", "--nick", "beto", "--room", "team", "--port", port], { stdin: "hi\n" });
    await ana.waitFor(/beto left team/);
    ana.child.stdin.end("hola\n");
    const end = await ana.done;
    assert.equal(end.code, 0, end.stderr);
    const lines = end.stdout.trimEnd().split("\n");
    for (const line of lines) assert.match(line, /^\d\d:\d\d /);
    assert.match(end.stdout, /^\d\d:\d\d \* beto joined team$/m);
    assert.match(end.stdout, /^\d\d:\d\d \[team\] beto: hi$/m);
    assert.match(end.stdout, /^\d\d:\d\d \[team\] ana: hola$/m);
    assert.doesNotMatch(end.stdout, /\u001b/);
    await server.stop();
  });

  test("chat --lang en on a Spanish server: the server speaks English to this user", async () => {
    const server = enchufe(["server", "--port", "0"]);
    const port = String(await server.port());
    const chat = await runEnchufe(["chat", "--port", port, "--lang", "en"], { stdin: "/who\n" });
    assert.match(chat.stdout, /^\* in general: invitado-1$/m);
    assert.doesNotMatch(chat.stdout, /en general|language: English/);
    await server.stop();
  });

  test("chat --help describes every option, in Spanish and in English", async () => {
    for (const lang of ["es", "en"]) {
      const help = await runEnchufe(["chat", "--help", "--lang", lang]);
      assert.equal(help.code, 0);
      for (const option of [
        "--nick",
        "--room",
        "--timestamps",
        "--no-reconnect",
        "--host",
        "--port",
        "--user",
        "--tls",
      ]) {
        assert.match(help.stdout, new RegExp(`^  ${option} `, "m"), `${lang} ${option}`);
      }
    }
  });
});

describe("enchufe chat: a reader that goes away", () => {
  test("chat | head -1 ends quietly with exit 0, no EPIPE stack", async () => {
    const { server, port } = await startServer();
    const shell = spawn("bash", [
      "-c",
      `"${process.execPath}" "${BIN}" chat --port ${port} | head -1; echo "chat exit \${PIPESTATUS[0]}" >&2`,
    ]);
    let stderr = "";
    shell.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    shell.stdin.on("error", () => {});
    // Lines until chat writes after head is gone (its own lines are echoed on stdout).
    const typing = setInterval(() => shell.stdin.write("hola\n"), 50);
    const code = await new Promise((resolve) => shell.on("close", resolve));
    clearInterval(typing);
    assert.equal(code, 0);
    assert.equal(stderr, "chat exit 0\n");
    await server.stop();
  });
});
