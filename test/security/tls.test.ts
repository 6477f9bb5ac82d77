import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFile, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createDevCa, issueClientCert, issueServerCert } from "../../src/auth/certs.js";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";
import { opensslClient } from "../helpers/openssl.js";

let dir = "";
const file = (name: string) => join(dir, name);
const GREETING_LINE = `Mensaje del servidor: ${ORIGINAL_GREETING}\n`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "enchufe-tls-"));
  const made = await runEnchufe(["cert", "--out", dir, "--client", "ana"]);
  assert.equal(made.code, 0, made.stderr);
});
after(async () => {
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

async function tlsServer(extra: string[] = []) {
  const server = enchufe([
    "server",
    "--port",
    "0",
    "--tls-cert",
    file("server.pem"),
    "--tls-key",
    file("server-key.pem"),
    ...extra,
  ]);
  return { server, port: String(await server.port()) };
}

describe("TLS", () => {
  test("enchufe cert: CA, server and client certificates, private keys 0600, verified by openssl", async () => {
    for (const name of ["ca-key.pem", "server-key.pem", "ana-key.pem"]) {
      assert.equal((await stat(file(name))).mode & 0o777, 0o600, name);
    }
    const verify = spawnSync(
      "openssl",
      ["verify", "-CAfile", file("ca.pem"), file("server.pem"), file("ana.pem")],
      {
        encoding: "utf8",
      },
    );
    assert.equal(verify.status, 0, verify.stderr);
    const again = await runEnchufe(["cert", "--out", dir, "--lang", "en"]);
    assert.match(again.stdout, /Using the existing CA/);
    assert.match(again.stdout, /npx enchufe server --tls-cert .*server\.pem --tls-key .*server-key\.pem/);
  });

  test("client with the generated CA gets the greeting; framed requests work over TLS", async () => {
    const { server, port } = await tlsServer();
    const client = await runEnchufe(["client", "--port", port, "--tls", "--ca", file("ca.pem")]);
    assert.equal(client.code, 0, client.stderr);
    assert.equal(client.stdout, GREETING_LINE);
    const time = await runEnchufe(["request", "time", "--port", port, "--ca", file("ca.pem")]);
    assert.equal(time.code, 0, time.stderr);
    assert.match(time.stdout, /^\d{4}-\d{2}-\d{2}T/);
    await server.stop();
  });

  test("openssl s_client, an independent TLS client, reads the greeting", async () => {
    const { server, port } = await tlsServer();
    const openssl = opensslClient(port, file("ca.pem"), ["-servername", "localhost"]);
    await openssl.waitFor(new RegExp(ORIGINAL_GREETING));
    openssl.child.stdin.end("/quit\n");
    await openssl.done;
    assert.match(openssl.stderr, /verify return:1/);
    await server.stop();
  });

  test("each TLS failure has its own clear error: untrusted, wrong host name, plain client, TLS client to plain port", async () => {
    const { server, port } = await tlsServer();
    const untrusted = await runEnchufe(["client", "--port", port, "--tls", "--lang", "en"]);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /not signed by a trusted CA.*--ca FILE/);
    const hostname = await runEnchufe([
      "client",
      "--port",
      port,
      "--ca",
      file("ca.pem"),
      "--servername",
      "other.example",
      "--lang",
      "en",
    ]);
    assert.equal(hostname.code, 1);
    assert.match(hostname.stderr, /does not match the name/);
    const plain = await runEnchufe(["client", "--port", port, "--lang", "en"]);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /One side speaks TLS and the other plain TCP/);
    const plainFramed = await runEnchufe(["request", "time", "--port", port, "--lang", "en"]);
    assert.equal(plainFramed.code, 1);
    assert.match(plainFramed.stderr, /One side speaks TLS/);
    await server.stop();

    const plainServer = enchufe(["server", "--port", "0"]);
    const plainPort = String(await plainServer.port());
    const tlsToPlain = await runEnchufe([
      "client",
      "--port",
      plainPort,
      "--ca",
      file("ca.pem"),
      "--lang",
      "en",
    ]);
    assert.equal(tlsToPlain.code, 1);
    assert.match(tlsToPlain.stderr, /One side speaks TLS and the other plain TCP/);
    await plainServer.stop();
  });

  test("an expired server certificate is reported as expired", async () => {
    const ca = await createDevCa();
    const expired = await issueServerCert(ca, [], -1);
    await writeFile(file("old-ca.pem"), ca.cert);
    await writeFile(file("old.pem"), expired.cert);
    await writeFile(file("old-key.pem"), expired.key);
    const server = enchufe([
      "server",
      "--port",
      "0",
      "--tls-cert",
      file("old.pem"),
      "--tls-key",
      file("old-key.pem"),
    ]);
    const port = String(await server.port());
    const client = await runEnchufe(["client", "--port", port, "--ca", file("old-ca.pem"), "--lang", "en"]);
    assert.equal(client.code, 1);
    assert.match(client.stderr, /has expired or is not yet valid/);
    await server.stop();
  });

  test("mutual TLS: a client certificate from the CA is accepted, none is refused", async () => {
    const { server, port } = await tlsServer(["--tls-client-ca", file("ca.pem")]);
    const accepted = await runEnchufe([
      "client",
      "--port",
      port,
      "--ca",
      file("ca.pem"),
      "--cert",
      file("ana.pem"),
      "--key",
      file("ana-key.pem"),
    ]);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(accepted.stdout, GREETING_LINE);
    // Who is who: the certificate's user is the nickname.
    const who = await runEnchufe(
      [
        "chat",
        "--port",
        port,
        "--ca",
        file("ca.pem"),
        "--cert",
        file("ana.pem"),
        "--key",
        file("ana-key.pem"),
      ],
      { stdin: "/who\n" },
    );
    assert.match(who.stdout, /in general: ana|en general: ana/);
    // A certificate from another CA is refused: only the client CA's certificates verify.
    const otherCa = await createDevCa("someone else's CA");
    const mallory = await issueClientCert(otherCa, "mallory");
    await writeFile(file("mallory.pem"), mallory.cert);
    await writeFile(file("mallory-key.pem"), mallory.key);
    const foreign = await runEnchufe([
      "client",
      "--port",
      port,
      "--ca",
      file("ca.pem"),
      "--cert",
      file("mallory.pem"),
      "--key",
      file("mallory-key.pem"),
      "--lang",
      "en",
    ]);
    assert.doesNotMatch(foreign.stdout, /Hola/, "a foreign CA's certificate never gets the greeting");
    const refused = await runEnchufe(["client", "--port", port, "--ca", file("ca.pem"), "--lang", "en"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /requires a client certificate/);
    await server.stop();
  });

  test("SIGHUP reloads the certificate without dropping sessions", async () => {
    await copyFile(file("server.pem"), file("live.pem"));
    await copyFile(file("server-key.pem"), file("live-key.pem"));
    const server = enchufe([
      "server",
      "--port",
      "0",
      "--tls-cert",
      file("live.pem"),
      "--tls-key",
      file("live-key.pem"),
      "--lang",
      "en",
    ]);
    const port = String(await server.port());
    const chat = enchufe(["chat", "--port", port, "--ca", file("ca.pem"), "--nick", "stays"]);
    await chat.waitFor(/ahora eres stays|you are now stays/);
    const other = await createDevCa("second CA");
    const renewed = await issueServerCert(other);
    await writeFile(file("second-ca.pem"), other.cert);
    await writeFile(file("live.pem"), renewed.cert);
    await writeFile(file("live-key.pem"), renewed.key);
    server.child.kill("SIGHUP");
    await server.waitFor(/Reloaded/, "stderr");
    const withNewCa = await runEnchufe(["client", "--port", port, "--ca", file("second-ca.pem")]);
    assert.equal(withNewCa.code, 0, withNewCa.stderr);
    const withOldCa = await runEnchufe(["client", "--port", port, "--ca", file("ca.pem")]);
    assert.equal(withOldCa.code, 1);
    // The session that started before the reload is still there.
    const who = await runEnchufe(["chat", "--port", port, "--ca", file("second-ca.pem")], {
      stdin: "/who\n",
    });
    assert.match(who.stdout, /stays/);
    chat.child.stdin.end();
    await chat.done;
    await server.stop();
  });

  test("--insecure warns loudly; a public bind without TLS warns at start", async () => {
    const { server, port } = await tlsServer();
    const insecure = await runEnchufe(["client", "--port", port, "--insecure", "--lang", "en"]);
    assert.equal(insecure.code, 0);
    assert.match(insecure.stderr, /WARNING: --insecure/);
    await server.stop();
    const open = enchufe(["server", "--host", "0.0.0.0", "--port", "0", "--lang", "en"]);
    await open.port();
    await open.waitFor(/reachable from other machines.*without TLS/, "stderr");
    await open.stop();
  });
});
