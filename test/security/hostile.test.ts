import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { connect as connectClient, type EnchufeClient } from "../../src/client/client.js";
import { encodeFrame, type Frame, PREFACE } from "../../src/protocol/frames.js";
import { resolveMessagingOptions } from "../../src/server/limits.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { createServer } from "../../src/server/server.js";
import { BIN, enchufe, Running, runEnchufe, stopAll } from "../helpers/cli.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "enchufe-hostile-"));
  await writeFile(join(dir, "ana.pass"), "contraseña-de-ana\n");
  const add = await runEnchufe([
    "user",
    "add",
    "ana",
    "--file",
    join(dir, "users.json"),
    "--password-file",
    join(dir, "ana.pass"),
  ]);
  assert.equal(add.code, 0, add.stderr);
});
after(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves when `socket` closes, with the bytes it received; rejects if it stays open past `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

describe("hostile clients", () => {
  test("slowloris: a framed client that drips its handshake is closed at the handshake deadline", async () => {
    const server = enchufe(["server", "--port", "0", "--handshake-timeout", "0.5"]);
    const port = await server.port();
    const socket = connect(port, "127.0.0.1");
    socket.write(PREFACE);
    const hello = encodeFrame({
      type: "HELLO",
      version: 1,
      clientName: "slow",
      user: "",
      password: "",
      token: "",
    });
    socket.write(hello.subarray(0, 3));
    const timer = setInterval(() => socket.writable && socket.write(Buffer.alloc(0)), 100);
    await closedWithin(socket, 5000);
    clearInterval(timer);
    await server.stop();
  });

  test("slowloris: a TLS client that never finishes the handshake is closed", async () => {
    const certs = join(dir, "certs");
    assert.equal((await runEnchufe(["cert", "--out", certs])).code, 0);
    const server = enchufe([
      "server",
      "--port",
      "0",
      "--handshake-timeout",
      "0.5",
      "--tls-cert",
      join(certs, "server.pem"),
      "--tls-key",
      join(certs, "server-key.pem"),
    ]);
    const port = await server.port();
    const socket = connect(port, "127.0.0.1");
    socket.write(Buffer.from([0x16, 0x03, 0x01]));
    await closedWithin(socket, 5000);
    await server.stop();
  });

  test("escape sequences typed by one user never reach another user's terminal raw", async () => {
    const server = enchufe(["server", "--port", "0", "--lang", "en"]);
    const port = await server.port();
    const victim = connect(port, "127.0.0.1");
    victim.setEncoding("utf8");
    let seen = "";
    const got = new Promise<void>((resolve) => {
      victim.on("data", (text: string) => {
        seen += text;
        if (seen.includes("pwned")) resolve();
      });
    });
    await new Promise((resolve) => victim.once("data", resolve));
    const attacker = connect(port, "127.0.0.1");
    attacker.write(
      "/nick evil\u001b[2J\n/nick evil\n\u001b]0;title\u0007\u001b[31mred\u001b[0m \u0000\u0008\u009b1m pwned\n",
    );
    await got;
    assert.doesNotMatch(seen, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(seen, /\[general\] evil: .*red.* pwned/);
    victim.destroy();
    attacker.destroy();
    await server.stop();
  });

  test("fuzz over real sockets: garbage never crashes the server, leaks sessions, or disturbs other clients", async () => {
    const handler = new MessagingHandler(
      resolveMessagingOptions({ maxPayloadBytes: 4096, handshakeTimeoutMs: 500 }),
    );
    const bugs: unknown[] = [];
    handler.on("clientError", (_info, error) => bugs.push(error));
    const server = createServer({ port: 0, handler, shutdownTimeoutMs: 1000 });
    const { port } = await server.listen();
    const clients: EnchufeClient[] = [];
    try {
      const subscriber = await connectClient({ port, reconnect: false });
      const publisher = await connectClient({ port, reconnect: false });
      clients.push(subscriber, publisher);
      const inbox = subscriber.subscribe("control");
      await subscriber.flush();

      const valid: Frame[] = [
        { type: "HELLO", version: 1, clientName: "fuzz", user: "", password: "", token: "" },
        { type: "SUB", sid: 1, pattern: "fz", responder: false },
        { type: "PUB", topic: "fz", headers: [["a", "b"]], payload: Buffer.from("x") },
        { type: "REQ", reqId: 1, name: "echo", timeoutMs: 100, headers: [], payload: Buffer.from("y") },
      ];
      const stream = Buffer.concat([PREFACE, ...valid.map(encodeFrame)]);
      const seconds = Number(process.env.FUZZ_SECONDS ?? "2");
      const deadline = Date.now() + seconds * 1000;
      let sent = 0;
      let round = 0;
      while (Date.now() < deadline) {
        const batch: Promise<unknown>[] = [];
        for (let i = 0; i < 10; i++) {
          const kind = (round + i) % 3;
          let input: Buffer;
          if (kind === 0) {
            input = Buffer.from(stream);
            for (let m = 0; m < 1 + (i % 6); m++)
              input[4 + Math.floor(Math.random() * (input.length - 4))] = Math.floor(Math.random() * 256);
          } else if (kind === 1) {
            input = Buffer.from(
              Array.from({ length: 1 + Math.floor(Math.random() * 512) }, () =>
                Math.floor(Math.random() * 256),
              ),
            );
          } else {
            input = Buffer.from(
              `/nick \u001b[${i}m\n${"\u0000\u00ff\u00fe".repeat(i)}\n/join a..b\n/msg\n${"x".repeat(i * 100)}\n`,
              "latin1",
            );
          }
          const socket = connect(port, "127.0.0.1");
          socket.on("error", () => {});
          socket.write(input);
          sent++;
          // Every connection gets an answer (at least the greeting) or a close; then we hang up.
          batch.push(
            new Promise<void>((resolve) => {
              socket.once("data", () => {
                socket.destroy();
                resolve();
              });
              socket.once("close", () => resolve());
            }),
          );
        }
        await Promise.all(batch);
        publisher.publish("control", String(round));
        round++;
      }
      await publisher.flush();
      const expected = Array.from({ length: round }, (_, i) => String(i));
      const received: string[] = [];
      while (received.length < round) {
        const next = await inbox.queue.next();
        if (next.done === true) break;
        received.push(Buffer.from(next.value.payload).toString());
      }
      assert.deepEqual(received, expected, "the control subscriber got every message, in order");
      assert.deepEqual(bugs, [], "no session hit an unexpected error");
      assert.ok(sent >= 10);
      // Every fuzz connection is gone: only the two control clients remain.
      for (let i = 0; i < 100 && handler.listClients().length > 2; i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(handler.listClients().length, 2);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await server.close();
    }
  });
});

const netnsOk = process.platform === "linux" && spawnSync("ip", ["netns", "list"]).status === 0;

describe("credentials off loopback", { skip: !netnsOk && "needs root and iproute2 (ip netns)" }, () => {
  const ns = `enchufe${process.pid}`;
  const hostIf = `eh${process.pid % 100000}`;
  const nsIf = `en${process.pid % 100000}`;
  const subnet = `10.213.${process.pid % 250}`;
  const hostIp = `${subnet}.1`;
  const ip = (...args: string[]) => {
    const result = spawnSync("ip", args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr}`);
  };

  before(() => {
    ip("netns", "add", ns);
    ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
    ip("link", "set", nsIf, "netns", ns);
    ip("addr", "add", `${hostIp}/30`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("netns", "exec", ns, "ip", "addr", "add", `${subnet}.2/30`, "dev", nsIf);
    ip("netns", "exec", ns, "ip", "link", "set", nsIf, "up");
    ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
  });
  after(() => {
    spawnSync("ip", ["netns", "del", ns]);
    spawnSync("ip", ["link", "del", hostIf]);
  });

  /** Runs enchufe inside the namespace: a client on another "machine". */
  function fromOtherHost(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const run = new Running(
      spawn("ip", ["netns", "exec", ns, process.execPath, BIN, ...args], {
        env: { ...process.env, ENCHUFE_LANG: "en" },
      }),
    );
    run.child.stdin.end();
    return run.done;
  }

  test("plaintext credentials from another host are refused; TLS or --allow-plaintext-auth accept them", async () => {
    const users = join(dir, "users.json");
    const pass = join(dir, "ana.pass");
    const plain = enchufe(["server", "--host", hostIp, "--port", "0", "--users", users, "--require-auth"]);
    const port = String(await plain.port());
    const refused = await fromOtherHost([
      "request",
      "echo",
      "x",
      "--host",
      hostIp,
      "--port",
      port,
      "--user",
      "ana",
      "--password-file",
      pass,
    ]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /refuses unencrypted credentials off localhost/);
    await plain.stop();

    const allowed = enchufe([
      "server",
      "--host",
      hostIp,
      "--port",
      "0",
      "--users",
      users,
      "--require-auth",
      "--allow-plaintext-auth",
    ]);
    const port2 = String(await allowed.port());
    const ok = await fromOtherHost([
      "request",
      "echo",
      "x",
      "--host",
      hostIp,
      "--port",
      port2,
      "--user",
      "ana",
      "--password-file",
      pass,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    await allowed.stop();

    const certs = join(dir, "lan-certs");
    assert.equal((await runEnchufe(["cert", "--out", certs, hostIp])).code, 0);
    const tls = enchufe([
      "server",
      "--host",
      hostIp,
      "--port",
      "0",
      "--users",
      users,
      "--require-auth",
      "--tls-cert",
      join(certs, "server.pem"),
      "--tls-key",
      join(certs, "server-key.pem"),
    ]);
    const port3 = String(await tls.port());
    const overTls = await fromOtherHost([
      "request",
      "echo",
      "x",
      "--host",
      hostIp,
      "--port",
      port3,
      "--ca",
      join(certs, "ca.pem"),
      "--user",
      "ana",
      "--password-file",
      pass,
    ]);
    assert.equal(overTls.code, 0, overTls.stderr);
    await tls.stop();
  });
});
