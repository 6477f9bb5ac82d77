/**
 * Who is who (issue 12): logging in makes the nickname the user name, registered names are reserved,
 * a users file that changes is read again without SIGHUP, and the server logs disconnects and logins
 * (never a secret), with --log-timestamps and --log-format json. Real `enchufe server` processes.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";
import { FramedClient, TextClient } from "../helpers/framed.js";

let dir = "";
let users = "";
const opened: { close(): void }[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "enchufe-who-"));
  users = join(dir, "users.json");
  await writeFile(join(dir, "ana.pass"), "contraseña-de-ana\n");
  await writeFile(join(dir, "beto.pass"), "contraseña-de-beto\n");
  for (const name of ["ana", "beto"]) {
    const add = await runEnchufe([
      "user",
      "add",
      name,
      "--file",
      users,
      "--password-file",
      join(dir, `${name}.pass`),
    ]);
    assert.equal(add.code, 0, add.stderr);
  }
});
after(async () => {
  for (const client of opened) client.close();
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

async function server(extra: string[] = []) {
  const running = enchufe(["server", "--port", "0", "--lang", "en", "--users", users, ...extra]);
  return { running, port: await running.port() };
}

async function person(port: number): Promise<TextClient> {
  const { client } = await TextClient.connect(port);
  opened.push(client);
  return client;
}

describe("who is who", () => {
  test("a registered name is reserved: a guest cannot take it; logging in makes it the nickname", async () => {
    const { port } = await server();
    const guest = await person(port);
    guest.send("/nick ana");
    assert.match(
      await guest.nextStarting("! "),
      /^! the nick ana belongs to a registered user: log in with \/login ana/,
    );
    guest.send("/login ana contraseña-de-ana");
    await guest.nextStarting("* logged in as ana");
    assert.equal(await guest.nextStarting("* you are now"), "* you are now ana");
    guest.send("/who");
    assert.equal(await guest.nextStarting("* in general:"), "* in general: ana");
    guest.send("/nick beto");
    assert.match(await guest.nextStarting("! "), /belongs to a registered user/);
    guest.send("/nick anita");
    assert.equal(await guest.nextStarting("* you are now"), "* you are now anita");
  });

  test("a program may not take a registered name without logging in: it gets a guest nickname", async () => {
    const { port } = await server();
    const program = await FramedClient.connect(port, "ana");
    opened.push(program);
    assert.match(program.welcome?.nick ?? "", /^guest-\d+$/);
    const named = await FramedClient.connect(port, "sensor-7");
    opened.push(named);
    assert.equal(named.welcome?.nick, "sensor-7");
  });

  test("the log: failed and successful logins, disconnects with their reason, timestamps; never the password", async () => {
    const { running, port } = await server(["--log-timestamps"]);
    const user = await person(port);
    user.send("/login ana wrong-password");
    await user.nextStarting("! login failed");
    user.send("/login ana contraseña-de-ana");
    await user.nextStarting("* you are now ana");
    user.send("/quit");
    await user.lines.whenEnded();
    const stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    await running.waitFor(
      new RegExp(`${stamp} Disconnected ana \\(127\\.0\\.0\\.1:\\d+\\): left with /quit`),
    );
    assert.match(running.stdout, new RegExp(`^${stamp} Listening on 127\\.0\\.0\\.1:\\d+\\n`));
    assert.match(
      running.stdout,
      new RegExp(
        `${stamp} Failed login as ana from 127\\.0\\.0\\.1:\\d+ \\(password\\): wrong user or credentials`,
      ),
    );
    assert.match(
      running.stdout,
      new RegExp(`${stamp} Logged in as ana from 127\\.0\\.0\\.1:\\d+ \\(password\\)`),
    );
    assert.doesNotMatch(running.stdout + running.stderr, /wrong-password|contraseña-de-ana/);
  });

  test("--log-format json: one object per event, with its time and fields", async () => {
    const { running, port } = await server(["--log-format", "json", "--require-auth"]);
    const user = await person(port);
    user.send("/login beto contraseña-de-beto");
    await user.nextStarting("* you are now beto");
    user.close();
    await running.waitFor(/"event":"disconnect"/);
    const events = running.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      events.map((event) => event.event),
      ["listening", "waiting", "connection", "login", "disconnect"],
    );
    assert.equal(events[0]?.auth, true);
    assert.match(String(events[0]?.message), /^Listening on 127\.0\.0\.1:\d+ \(login required\)$/);
    assert.equal(events[3]?.user, "beto");
    assert.equal(events[4]?.reason, "closed");
    for (const event of events) assert.match(String(event.time), /^\d{4}-\d\d-\d\dT/);
    assert.equal((await runEnchufe(["server", "--log-format", "xml"])).code, 2);
  });

  test("a users file that changes is read again without SIGHUP (a new token works at once)", async () => {
    const { running, port } = await server();
    const token = await runEnchufe(["user", "token", "ana", "--file", users]);
    assert.equal(token.code, 0, token.stderr);
    await running.waitFor(/Reloaded the users file \(it changed on disk\)/, "stderr");
    const reply = await runEnchufe([
      "request",
      "echo",
      "hola",
      "--port",
      String(port),
      "--token",
      token.stdout.trim(),
    ]);
    assert.equal(reply.code, 0, reply.stderr);
    assert.equal(reply.stdout, "hola\n");
  });
});
