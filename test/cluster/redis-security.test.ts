import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createDevCa, issueServerCert } from "../../src/auth/certs.js";
import { runEnchufe, stopAll } from "../helpers/cli.js";
import type { TextClient } from "../helpers/framed.js";
import { freePort, startRedis, type TestRedis } from "../helpers/redis.js";
import { startNode, textUser } from "./helpers.js";

let dir: string;
const redises: TestRedis[] = [];
const clients: TextClient[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "enchufe-redis-"));
});

after(async () => {
  for (const client of clients) client.close();
  await stopAll();
  await Promise.all(redises.map((redis) => redis.stop()));
  await rm(dir, { recursive: true, force: true });
});

/** Two nodes on `url` with `extra` flags; a line said on one is seen on the other. */
async function chatAcross(url: string, extra: string[]): Promise<void> {
  const [a, b] = await Promise.all([startNode(url, extra), startNode(url, extra)]);
  const ana = await textUser(a.port, "ana");
  const beto = await textUser(b.port, "beto");
  clients.push(ana, beto);
  ana.send("over a guarded Redis");
  assert.equal(await beto.nextStarting("[general]"), "[general] ana: over a guarded Redis");
  await Promise.all([a.process.stop(), b.process.stop()]);
  ana.close();
  beto.close();
}

describe("cluster - Redis with a password and with TLS", () => {
  test("--cluster-password-file: the nodes work; a wrong password is a clear ECLUSTER and is never printed", async () => {
    const redis = await startRedis({ password: "correct-horse" });
    redises.push(redis);
    const good = join(dir, "redis-password");
    const bad = join(dir, "wrong-password");
    await writeFile(good, "correct-horse\n");
    await writeFile(bad, "battery-staple\n");
    await chatAcross(redis.url, ["--cluster-password-file", good]);
    const wrong = await runEnchufe([
      "server",
      "--port",
      "0",
      "--lang",
      "en",
      "--cluster",
      redis.url,
      "--cluster-password-file",
      bad,
    ]);
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: .*(WRONGPASS|invalid|password)/i,
    );
    assert.doesNotMatch(wrong.stderr, /battery-staple|correct-horse/);
    const none = await runEnchufe(["server", "--port", "0", "--lang", "en", "--cluster", redis.url]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /NOAUTH|Authentication required/i);
  });

  test("rediss:// with --cluster-ca: the nodes work over TLS; an untrusted certificate is a clear ECLUSTER", async () => {
    const ca = await createDevCa("redis test CA");
    const server = await issueServerCert(ca);
    const files = { ca: join(dir, "ca.pem"), cert: join(dir, "redis.pem"), key: join(dir, "redis-key.pem") };
    await writeFile(files.ca, ca.cert);
    await writeFile(files.cert, server.cert);
    await writeFile(files.key, server.key);
    const tlsPort = await freePort();
    const redis = await startRedis({
      args: [
        "--tls-port",
        String(tlsPort),
        "--tls-cert-file",
        files.cert,
        "--tls-key-file",
        files.key,
        "--tls-ca-cert-file",
        files.ca,
        "--tls-auth-clients",
        "no",
      ],
    });
    redises.push(redis);
    const url = `rediss://127.0.0.1:${tlsPort}`;
    await chatAcross(url, ["--cluster-ca", files.ca]);
    const untrusted = await runEnchufe(["server", "--port", "0", "--lang", "en", "--cluster", url]);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /Cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+: /);
  });
});
