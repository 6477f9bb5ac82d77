// Lesson 7 (docs/aprende/07-autenticacion-y-cifrado.md): TLS servers and clients (node:tls, Python ssl)
// with certificates from `enchufe cert`, openssl s_client as a second opinion, an untrusted certificate
// refused in one line, passwords checked against enchufe's scrypt hashes, and a man in the middle that
// reads a password in plaintext and only TLS records once the connection is encrypted.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { enchufe, type Running, runEnchufe, stopAll } from "../helpers/cli.js";
import { type ExampleOptions, example, listening, stopExamples } from "../helpers/examples.js";
import { opensslClient } from "../helpers/openssl.js";

type Lang = "es" | "en";
/** Runs one of this lesson's examples (examples/aprende/07-autenticacion-y-cifrado/FILE) as a student would. */
const lessonExample = (file: string, args: readonly string[] = [], options: ExampleOptions = {}) =>
  example(`aprende/07-autenticacion-y-cifrado/${file}`, args, options);
const dir = mkdtempSync(join(tmpdir(), "aprende-07-"));
const LESSON_DIR = fileURLToPath(
  new URL("../../examples/aprende/07-autenticacion-y-cifrado/", import.meta.url),
);
const USERS = join(LESSON_DIR, "usuarios.json");
const PASSWORD_FILE = join(LESSON_DIR, "contrasena-ana.txt");
const GREETING_LINE = `Mensaje del servidor: ${ORIGINAL_GREETING}\n`;
const ENCRYPTED = { es: /^Cifrado: TLSv1\.3, TLS_\w+$/m, en: /^Encrypted: TLSv1\.3, TLS_\w+$/m };

before(async () => {
  const made = await runEnchufe(["cert", "--out", dir]);
  assert.equal(made.code, 0, made.stderr);
});
after(async () => {
  await stopExamples();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function tlsServer(ext: "py" | "ts", lang: Lang): Promise<{ server: Running; port: string }> {
  const server = lessonExample(`servidor_tls.${ext}`, [dir, "0"], { lang });
  const port = String(await listening(server));
  await server.waitFor(/Servidor esperando conexion tenga paciencia\.\.\./);
  return { server, port };
}

describe("lesson 7: TLS with the development CA", { concurrency: 4 }, () => {
  for (const [ext, lang] of [
    ["py", "es"],
    ["py", "en"],
    ["ts", "en"],
  ] as const) {
    test(`servidor_tls.${ext} and cliente_tls.${ext}: verified, encrypted, the greeting whole (${lang})`, async () => {
      const { server, port } = await tlsServer(ext, lang);
      const client = await lessonExample(`cliente_tls.${ext}`, [dir, port], { lang }).done;
      assert.equal(client.code, 0, client.stderr);
      assert.match(client.stdout, ENCRYPTED[lang]);
      assert.ok(client.stdout.endsWith(GREETING_LINE), client.stdout);
      const served = await server.done;
      assert.equal(served.code, 0, served.stderr);
      assert.match(served.stdout, ENCRYPTED[lang]);
      assert.match(served.stdout, /^Conexion establecida desde .*127\.0\.0\.1/m);
    });
  }

  for (const [ext, lang, reason] of [
    ["py", "es", "unable to get local issuer certificate"],
    ["ts", "en", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
  ] as const) {
    test(`cliente_tls.${ext} without our CA refuses the certificate in one line (${lang})`, async () => {
      const { server, port } = await tlsServer("py", lang);
      const client = await lessonExample(`cliente_tls.${ext}`, ["-", port], { lang }).done;
      assert.equal(client.code, 1);
      assert.equal(client.stdout, "");
      const says =
        lang === "es"
          ? `Error: no confío en el certificado del servidor (${reason}). Dime en qué CA confiar:`
          : `Error: I do not trust the server's certificate (${reason}). Tell me which CA to trust:`;
      assert.ok(client.stderr.startsWith(says), client.stderr);
      const served = await server.done;
      assert.equal(served.code, 1);
      assert.match(
        served.stderr,
        /^Error: (el cliente no completó el saludo TLS|the client did not complete)/,
      );
    });
  }

  test("openssl s_client, a second opinion: the chain verifies and the greeting arrives", async () => {
    const { server, port } = await tlsServer("py", "es");
    const openssl = opensslClient(port, join(dir, "ca.pem"));
    openssl.child.stdin.end();
    const end = await openssl.done;
    assert.equal(end.code, 0, end.stderr);
    assert.equal(end.stdout, ORIGINAL_GREETING);
    assert.match(end.stderr, /depth=1 CN = enchufe development CA/);
    assert.match(end.stderr, /depth=0 CN = localhost/);
    assert.equal((await server.done).code, 0);
  });
});

describe("lesson 7: passwords as scrypt hashes", { concurrency: true }, () => {
  test("enchufe user add stores only salt, parameters and hash; comprobar_contrasena checks them", async () => {
    const users = join(dir, "usuarios.json");
    const added = await runEnchufe(["user", "add", "ana", "--file", users], { stdin: "secreto123\n" });
    assert.equal(added.code, 0, added.stderr);
    const text = readFileSync(users, "utf8");
    assert.ok(!text.includes("secreto123"));
    const password = JSON.parse(text).users.ana.password;
    assert.deepEqual(Object.keys(password).sort(), ["N", "algo", "hash", "keylen", "p", "r", "salt"]);
    assert.equal(password.algo, "scrypt");
    const checks = await Promise.all([
      lessonExample("comprobar_contrasena.py", [users, "ana", "secreto123"], { lang: "es" }).done,
      lessonExample("comprobar_contrasena.py", [users, "ana", "secreto124"], { lang: "en" }).done,
      lessonExample("comprobar_contrasena.ts", [USERS, "ana", "secreto123"], { lang: "en" }).done,
    ]);
    assert.deepEqual(
      checks.map((check) => [check.code, check.stdout]),
      [
        [0, "Contraseña correcta para ana.\n"],
        [1, "Wrong password for ana.\n"],
        [0, "Correct password for ana.\n"],
      ],
    );
  });
});

describe("lesson 7: what a man in the middle sees", { concurrency: true }, () => {
  /** enchufe server, the spy in front of it, and one request with ana's password through the spy. */
  async function throughSpy(spy: string, lang: Lang, tls: boolean) {
    const tlsServer = tls
      ? ["--tls-cert", join(dir, "server.pem"), "--tls-key", join(dir, "server-key.pem")]
      : [];
    const server = enchufe(["server", "--port", "0", "--users", USERS, ...tlsServer]);
    const serverPort = String(await server.port());
    const watcher = lessonExample(spy, [serverPort, "0"], { lang });
    const spyPort = String(await listening(watcher));
    const tlsClient = tls ? ["--tls", "--ca", join(dir, "ca.pem")] : [];
    const request = await runEnchufe([
      "request",
      "echo",
      "hola",
      "--port",
      spyPort,
      "--user",
      "ana",
      "--password-file",
      PASSWORD_FILE,
      ...tlsClient,
    ]);
    assert.equal(request.code, 0, request.stderr);
    assert.equal(request.stdout, "hola\n");
    await server.stop();
    const seen = await watcher.done;
    assert.equal(seen.code, 0, seen.stderr);
    return seen.stdout;
  }

  test("without TLS, espia.py reads the user and the password", async () => {
    const seen = await throughSpy("espia.py", "es", false);
    assert.match(seen, /^cliente -> servidor: \d+ bytes$/m);
    assert.match(seen, /^ {2}texto: .*ana\.\.secreto123/m);
    assert.match(seen, /^ {2}texto: Hola, Julian estas aprendiendo/m);
  });

  test("with TLS, espia.ts sees only TLS records: no password, no greeting", async () => {
    const seen = await throughSpy("espia.ts", "en", true);
    assert.match(seen, /^client -> server: \d+ bytes\n {2}hex: {3}16 03 0[13] /m);
    assert.match(seen, /^ {2}TLS record: handshake$/m);
    assert.match(seen, /^ {2}TLS record: application_data$/m);
    assert.ok(!seen.includes("secreto123"), seen);
    assert.ok(!seen.includes("Hola, Julian"), seen);
  });
});
