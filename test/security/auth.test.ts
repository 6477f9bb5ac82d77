import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Authenticator } from "../../src/auth/authenticator.js";
import { canPublish, canSubscribe, patternCovers } from "../../src/auth/permissions.js";
import { LoginThrottle, RateLimiter } from "../../src/auth/throttle.js";
import { loadUsersFile } from "../../src/auth/users.js";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

let dir = "";
const file = (name: string) => join(dir, name);
let users = "";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "enchufe-auth-"));
  users = file("users.json");
  await writeFile(file("ana.pass"), "contraseña-de-ana\n");
  await writeFile(file("bob.pass"), "bob-password\n");
  await writeFile(file("wrong.pass"), "not-the-password\n");
  const add = await runEnchufe(["user", "add", "ana", "--file", users, "--password-file", file("ana.pass")]);
  assert.equal(add.code, 0, add.stderr);
  const bob = await runEnchufe(
    ["user", "add", "bob", "--file", users, "--publish", "general", "--subscribe", "general"],
    { stdin: "bob-password\n" },
  );
  assert.equal(bob.code, 0, bob.stderr);
});
after(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

async function authServer(extra: string[] = []) {
  const server = enchufe([
    "server",
    "--port",
    "0",
    "--lang",
    "en",
    "--users",
    users,
    "--require-auth",
    ...extra,
  ]);
  return { server, port: String(await server.port()) };
}

/** Lines a raw text connection receives after sending `lines` (it closes after /quit). */
async function textSession(port: string, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    let out = "";
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      out += text;
    });
    socket.on("connect", () => socket.write(`${lines.join("\n")}\n/quit\n`));
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
  });
}

describe("users file and enchufe user", () => {
  test("passwords are stored only as scrypt hashes, the file is 0600, list shows no secrets", async () => {
    const text = await readFile(users, "utf8");
    assert.doesNotMatch(text, /contraseña-de-ana|bob-password/);
    assert.match(text, /"algo": "scrypt"/);
    assert.equal((await stat(users)).mode & 0o777, 0o600);
    const list = await runEnchufe(["user", "list", "--file", users]);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^ana {2}publish=> {2}subscribe=>/m);
    assert.match(list.stdout, /^bob {2}publish=general {2}subscribe=general/m);
    assert.doesNotMatch(list.stdout, /hash|salt/);
  });

  test("token: printed once, stored as a hash; bad input is a usage error", async () => {
    const token = await runEnchufe(["user", "token", "ana", "--file", users]);
    assert.equal(token.code, 0, token.stderr);
    const value = token.stdout.trim();
    assert.match(value, /^enc_[A-Za-z0-9_-]{43}$/);
    assert.doesNotMatch(await readFile(users, "utf8"), new RegExp(value));
    assert.equal((await runEnchufe(["user", "add", "bad name", "--file", users])).code, 2);
    assert.equal((await runEnchufe(["user", "frobnicate", "x", "--file", users])).code, 2);
    assert.equal((await runEnchufe(["user", "add", "short", "--file", users], { stdin: "abc\n" })).code, 2);
    const missing = await runEnchufe(["user", "passwd", "nobody", "--file", users], {
      stdin: "whatever-pass\n",
    });
    assert.equal(missing.code, 1);
  });

  test("authenticator: unknown user and wrong password fail alike; tokens verify", async () => {
    const auth = new Authenticator((await loadUsersFile(users))!);
    assert.equal((await auth.verifyPassword("ana", "contraseña-de-ana")).ok, true);
    assert.deepEqual(await auth.verifyPassword("ana", "nope"), { ok: false });
    assert.deepEqual(await auth.verifyPassword("nobody", "nope"), { ok: false });
    assert.deepEqual(await auth.verifyToken("enc_forged"), { ok: false });
  });

  test("permissions: pattern coverage for * and >", () => {
    assert.ok(patternCovers(">", "a.b"));
    assert.ok(patternCovers("a.>", "a.*.c"));
    assert.ok(!patternCovers("a.*", "a.>"));
    assert.ok(patternCovers("a.*", "a.b"));
    assert.ok(!patternCovers("a.b", "a.*"));
    assert.ok(!patternCovers("a.>", "a"));
    const perms = { publish: ["chat.*"], subscribe: ["chat.>"] };
    assert.ok(canPublish(perms, "chat.es"));
    assert.ok(!canPublish(perms, "chat.es.x"));
    assert.ok(canSubscribe(perms, "chat.*.x"));
    assert.ok(!canSubscribe(perms, ">"));
  });

  test("throttles with an injected clock", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 2, now: () => now });
    assert.ok(limiter.take("a") && limiter.take("a"));
    assert.ok(!limiter.take("a"));
    now = 500;
    assert.ok(limiter.take("a"));
    const throttle = new LoginThrottle({ freeFailures: 2, now: () => now });
    throttle.failed("x");
    assert.equal(throttle.waitFor("x"), 0);
    throttle.failed("x");
    assert.equal(throttle.waitFor("x"), 1000);
    throttle.failed("x");
    assert.equal(throttle.waitFor("x"), 2000);
    throttle.succeeded("x");
    assert.equal(throttle.waitFor("x"), 0);
  });
});

describe("authentication and permissions on the server", () => {
  test("framed login: password and token work; wrong password and anonymous are refused", async () => {
    const { server, port } = await authServer();
    const ok = await runEnchufe([
      "request",
      "echo",
      "hi",
      "--port",
      port,
      "--user",
      "ana",
      "--password-file",
      file("ana.pass"),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "hi\n");
    const token = (await runEnchufe(["user", "token", "ana", "--file", users])).stdout.trim();
    server.child.kill("SIGHUP");
    await server.waitFor(/Reloaded/, "stderr");
    const withToken = await runEnchufe(["request", "echo", "tok", "--port", port, "--token", token]);
    assert.equal(withToken.code, 0, withToken.stderr);
    const wrong = await runEnchufe([
      "request",
      "echo",
      "x",
      "--port",
      port,
      "--user",
      "ana",
      "--password-file",
      file("wrong.pass"),
      "--lang",
      "en",
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Authentication failed/);
    const unknown = await runEnchufe([
      "request",
      "echo",
      "x",
      "--port",
      port,
      "--user",
      "nobody",
      "--password-file",
      file("wrong.pass"),
      "--lang",
      "en",
    ]);
    assert.equal(
      unknown.stderr,
      wrong.stderr.replace(/:\d+/g, (m) => m),
    );
    const anonymous = await runEnchufe(["request", "echo", "x", "--port", port, "--lang", "en"]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /requires authentication/);
    await server.stop();
  });

  test("text login: /login before talking; failures say so without closing; nothing secret in --trace", async () => {
    const { server, port } = await authServer(["--trace"]);
    const out = await textSession(port, [
      "hola",
      "/login ana not-it",
      "/login ana contraseña-de-ana",
      "/who",
    ]);
    assert.match(out, /! this server requires a login: \/login USER PASSWORD/);
    assert.match(out, /! login failed: wrong user or password/);
    assert.match(out, /\* logged in as ana/);
    assert.match(out, /\* in general: /);
    await server.stop();
    assert.doesNotMatch(server.stderr + server.stdout, /contraseña-de-ana|not-it/);
  });

  test("per-room permissions: bob may only use general", async () => {
    const { server, port } = await authServer();
    const out = await textSession(port, ["/login bob bob-password", "/join secret", "hola"]);
    assert.match(out, /! permission denied: you may not join room secret/);
    const pub = await runEnchufe([
      "pub",
      "secret",
      "x",
      "--port",
      port,
      "--user",
      "bob",
      "--password-file",
      file("bob.pass"),
      "--lang",
      "en",
    ]);
    assert.equal(pub.code, 1);
    assert.match(pub.stderr, /Permission denied/);
    const sub = await runEnchufe([
      "sub",
      ">",
      "--port",
      port,
      "--user",
      "bob",
      "--password-file",
      file("bob.pass"),
      "--count",
      "1",
      "--lang",
      "en",
    ]);
    assert.equal(sub.code, 1);
    const allowed = await runEnchufe([
      "pub",
      "general",
      "x",
      "--port",
      port,
      "--user",
      "bob",
      "--password-file",
      file("bob.pass"),
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    await server.stop();
  });

  test("repeated failed logins from one address are slowed down", async () => {
    const { server, port } = await authServer();
    const lines = Array.from({ length: 7 }, () => "/login ana wrong-password");
    const out = await textSession(port, lines);
    assert.match(out, /! too many failed logins: wait a little/);
    await server.stop();
  });

  test("limits per address: connections beyond --max-per-ip are told and closed", async () => {
    const server = enchufe(["server", "--port", "0", "--lang", "en", "--max-per-ip", "2"]);
    const port = Number(await server.port());
    const open = [connect(port, "127.0.0.1"), connect(port, "127.0.0.1")];
    await Promise.all(open.map((s) => new Promise((resolve) => s.once("data", resolve))));
    const third = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (t: string) => {
        text += t;
      });
      socket.on("close", () => resolve(text));
    });
    assert.match(third, /! too many connections from your address/);
    for (const socket of open) socket.destroy();
    await server.stop();
  });

  test("--line-rate: a text flood is cut off at the rate, and 0 turns the guard off", async () => {
    const floodFrom = async (args: string[]): Promise<string> => {
      const server = enchufe(["server", "--port", "0", "--lang", "en", ...args]);
      const port = await server.port();
      const socket = connect(port, "127.0.0.1");
      const lines = Array.from({ length: 3000 }, (_, i) => `l${i}`).join("\n");
      socket.write(`${lines}\n/quit\n`);
      const received = await new Promise<string>((resolve) => {
        let text = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => {
          text += chunk;
        });
        socket.on("error", () => {});
        socket.on("close", () => resolve(text));
      });
      await server.stop();
      return received;
    };
    assert.match(await floodFrom(["--line-rate", "2"]), /too many lines/i);
    const unlimited = await floodFrom(["--line-rate", "0"]);
    assert.doesNotMatch(unlimited, /too many lines/i);
    assert.match(unlimited, /bye|adi/i);
  });

  test("message rate limit per connection closes a flooding program", async () => {
    const server = enchufe(["server", "--port", "0", "--lang", "en", "--message-rate", "20"]);
    const port = String(await server.port());
    const lines = Array.from({ length: 200 }, (_, i) => `m${i}`).join("\n");
    const pub = await runEnchufe(["pub", "flood", "--port", port, "--lang", "en"], { stdin: `${lines}\n` });
    assert.equal(pub.code, 1);
    assert.match(pub.stderr, /Too many attempts or messages|closed the connection/);
    await server.stop();
  });
});
