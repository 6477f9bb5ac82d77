import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";
import { FramedClient, text } from "../helpers/framed.js";
import { freePort, startRedis, type TestRedis } from "../helpers/redis.js";

let redis: TestRedis;
const clients: FramedClient[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const client of clients) client.close();
  await stopAll();
  await redis.stop();
});

/** `enchufe server --port 0 --lang en ...extra` */
function serverArgs(...extra: string[]): string[] {
  return ["server", "--port", "0", "--lang", "en", ...extra];
}

/** Connects framed guests until two come from different workers (the node tag in the guest name differs). */
async function oneOnEachWorker(port: number): Promise<[FramedClient, FramedClient]> {
  const byTag = new Map<string, FramedClient>();
  for (let i = 0; i < 10 && byTag.size < 2; i++) {
    const client = await FramedClient.connect(port, "-guest");
    clients.push(client);
    const tag = /^guest-([0-9a-f]{4})-\d+$/.exec(client.welcome?.nick ?? "")?.[1];
    assert.ok(tag !== undefined, `guest nick ${client.welcome?.nick}`);
    if (!byTag.has(tag)) byTag.set(tag, client);
  }
  assert.equal(byTag.size, 2, "connections reached both workers");
  return [...byTag.values()] as [FramedClient, FramedClient];
}

describe("enchufe server --cluster / --workers", () => {
  test("--workers without --cluster exits 2 and says what it needs; bad values are usage errors", async () => {
    const lonely = await runEnchufe(serverArgs("--workers", "2"));
    assert.equal(lonely.code, 2);
    assert.match(lonely.stderr, /--workers needs --cluster redis:\/\/HOST:PORT/);
    const spanish = await runEnchufe(["server", "--port", "0", "--workers", "auto"]);
    assert.equal(spanish.code, 2);
    assert.match(spanish.stderr, /--workers necesita --cluster/);
    for (const args of [
      ["--cluster", "http://127.0.0.1:6379"],
      ["--cluster", "not a url"],
      ["--cluster", redis.url, "--workers", "0"],
      ["--cluster", redis.url, "--workers", "many"],
      ["--cluster-ca", "ca.pem"],
      ["--cluster", redis.url, "--cluster-heartbeat", "5", "--cluster-ttl", "6"],
      ["--cluster", redis.url, "--cluster-log", "0"],
      ["--cluster", redis.url, "--cluster-log", "lots"],
      ["--cluster-log", "1000"],
      ["--cluster", redis.url, "--once"],
    ]) {
      const result = await runEnchufe(serverArgs(...args));
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    }
    const help = await runEnchufe(["server", "--help", "--lang", "en"]);
    assert.match(help.stdout, /--cluster URL/);
    assert.match(help.stdout, /--workers N\|auto/);
    assert.match(help.stdout, /--cluster-log N/);
  });

  test("Redis down at start: a clear ECLUSTER line, exit 1, no stack trace", async () => {
    const port = await freePort();
    const result = await runEnchufe(serverArgs("--cluster", `redis://127.0.0.1:${port}`));
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`Cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*Start Redis or fix --cluster`),
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.doesNotMatch(result.stdout, /Listening/);
    const workers = await runEnchufe(serverArgs("--workers", "2", "--cluster", `redis://127.0.0.1:${port}`));
    assert.equal(workers.code, 1);
    assert.match(workers.stderr, /Cannot reach Redis at/);
  });

  test("a password in the URL is never printed", async () => {
    const port = await freePort();
    const result = await runEnchufe(serverArgs("--cluster", `redis://user:s3cret@127.0.0.1:${port}`));
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stderr, /s3cret/);
  });

  test("--workers 2: one port, the listening line once, clients on both workers see each other, SIGTERM stops all", async () => {
    const server = enchufe(serverArgs("--cluster", redis.url, "--workers", "2"));
    const port = await server.port();
    const [first, second] = await oneOnEachWorker(port);
    first.subscribe(1, "across");
    await first.flush();
    second.publish("across", "from the other worker");
    const msg = await first.next("MSG");
    assert.deepEqual([msg.from, text(msg.payload)], [second.welcome?.nick, "from the other worker"]);
    second.send({
      type: "DIRECT",
      target: first.welcome?.nick ?? "",
      headers: [],
      payload: Buffer.from("psst"),
    });
    assert.equal(text((await first.next("MSG", (frame) => frame.private)).payload), "psst");
    const end = await server.stop("SIGTERM", 8000);
    assert.equal(end.code, 0, end.stderr);
    assert.equal(end.stdout.match(/Listening on/g)?.length, 1);
    assert.equal(end.stderr.match(/Server stopped/g)?.length, 1);
  });

  test("--workers: a worker that crashes is reported and the server exits 1", async () => {
    const server = enchufe(serverArgs("--cluster", redis.url, "--workers", "2"));
    await server.port();
    const children = execFileSync("pgrep", ["-P", String(server.child.pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number);
    assert.equal(children.length, 2);
    process.kill(children[0]!, "SIGKILL");
    const end = await server.done;
    assert.equal(end.code, 1);
    assert.match(end.stderr, new RegExp(`Worker process ${children[0]} ended unexpectedly \\(SIGKILL\\)`));
  });
});
