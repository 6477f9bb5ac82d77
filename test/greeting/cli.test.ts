import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

const servers: Server[] = [];
after(async () => {
  await stopAll();
  for (const server of servers) server.close();
});

/** A raw node:net server on port 0 that does `onConnection` with each socket. */
async function rawServer(onConnection: (socket: import("node:net").Socket) => void): Promise<number> {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

describe("enchufe server / client (the original, faithfully)", () => {
  test("server prints its address and the original waiting line; client prints the greeting", async () => {
    const server = enchufe(["server", "--port", "0"]);
    const port = await server.port();
    await server.waitFor(/paciencia/);
    assert.match(
      server.stdout,
      /^Escuchando en 127\.0\.0\.1:\d+\nServidor esperando conexion tenga paciencia\.\.\.\n/,
    );
    const client = await runEnchufe(["client", "--port", String(port)]);
    assert.equal(client.code, 0);
    assert.equal(client.stdout, `Mensaje del servidor: ${ORIGINAL_GREETING}\n`);
    assert.equal(client.stderr, "");
    await server.waitFor(/Conexion establecida desde 127\.0\.0\.1:\d+\n/);
    const end = await server.stop("SIGTERM");
    assert.equal(end.code, 0);
  });

  test("--once sends the exact bytes with no newline, closes, and exits 0", async () => {
    const server = enchufe(["server", "--port", "0", "--once"]);
    const port = await server.port();
    const { connect } = await import("node:net");
    const received = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect(port, "127.0.0.1");
      socket.on("data", (c) => chunks.push(c));
      socket.on("end", () => resolve(Buffer.concat(chunks)));
      socket.on("error", reject);
    });
    assert.deepEqual(received, Buffer.from(ORIGINAL_GREETING, "utf8"));
    const end = await server.done;
    assert.equal(end.code, 0);
    assert.match(end.stdout, /Conexion establecida desde 127\.0\.0\.1:\d+/);
  });

  test("--once exits once the greeting is sent, even while the client keeps its socket open (as nc does)", async () => {
    const server = enchufe(["server", "--port", "0", "--once"]);
    const port = await server.port();
    const { connect } = await import("node:net");
    // allowHalfOpen: this client never sends its FIN, like nc waiting for Ctrl+D.
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    const ended = new Promise((resolve) => socket.once("end", resolve));
    try {
      const end = await server.done;
      assert.equal(end.code, 0);
      await ended;
      assert.deepEqual(Buffer.concat(chunks), Buffer.from(ORIGINAL_GREETING, "utf8"));
    } finally {
      socket.destroy();
    }
  });

  test("--greet-only greets every client and keeps running; --message and --message-file", async () => {
    const server = enchufe(["server", "--port", "0", "--greet-only", "--message", "¡Buenas, ñandú!"]);
    const port = await server.port();
    for (let i = 0; i < 3; i++) {
      const client = await runEnchufe(["client", "--port", String(port)]);
      assert.equal(client.stdout, "Mensaje del servidor: ¡Buenas, ñandú!\n");
    }
    await server.stop();
    const file = join(tmpdir(), `enchufe-greeting-${process.pid}.txt`);
    await writeFile(file, "desde un archivo");
    const fromFile = enchufe(["server", "--port", "0", "--once", "--message-file", file]);
    const port2 = await fromFile.port();
    const client = await runEnchufe(["client", "--port", String(port2)]);
    assert.equal(client.stdout, "Mensaje del servidor: desde un archivo\n");
    assert.equal((await fromFile.done).code, 0);
  });

  test("--lang en and ENCHUFE_LANG switch the language", async () => {
    const server = enchufe(["server", "--port", "0", "--once", "--lang", "en"]);
    const port = await server.port();
    await server.waitFor(/patient/);
    assert.match(server.stdout, /Listening on 127\.0\.0\.1:\d+\nServer waiting for a connection/);
    const client = await runEnchufe(["client", "--port", String(port)], { env: { ENCHUFE_LANG: "en" } });
    assert.match(client.stdout, /^Message from the server: Hola, Julian/);
    await server.done;
  });

  test("IPv6 loopback: server on ::1, client prints the greeting, server shows [::1]:port", async () => {
    const server = enchufe(["server", "--host", "::1", "--port", "0", "--once"]);
    const match = await server.waitFor(/Escuchando en \[::1\]:(\d+)/);
    const client = await runEnchufe(["client", "--host", "::1", "--port", match[1]!]);
    assert.equal(client.code, 0);
    const end = await server.done;
    assert.match(end.stdout, /Conexion establecida desde \[::1\]:\d+/);
  });

  test("the original's 127.0.1 shorthand and localhost work", async () => {
    const server = enchufe(["server", "--port", "0", "--greet-only"]);
    const port = String(await server.port());
    assert.equal((await runEnchufe(["client", "--host", "127.0.1", "--port", port])).code, 0);
    assert.equal((await runEnchufe(["client", "--host", "localhost", "--port", port])).code, 0);
    await server.stop();
  });

  test("--trace shows the socket lifecycle on both sides", async () => {
    const server = enchufe(["server", "--port", "0", "--once", "--trace"]);
    const port = await server.port();
    const client = await runEnchufe(["client", "--port", String(port), "--trace"]);
    assert.match(client.stderr, /\[traza\] crear socket/);
    assert.match(client.stderr, /\[traza\] connect: conectando con 127\.0\.0\.1:\d+/);
    const size = Buffer.byteLength(ORIGINAL_GREETING);
    assert.match(client.stderr, new RegExp(`\\[traza\\] recv: recibidos ${size} bytes`));
    assert.match(client.stderr, /\[traza\] close:/);
    const end = await server.done;
    assert.match(end.stderr, /\[traza\] bind: vincular a 127\.0\.0\.1:\d+/);
    assert.match(end.stderr, /\[traza\] listen:/);
    assert.match(end.stderr, /\[traza\] accept: conexión #1/);
    assert.match(end.stderr, new RegExp(`\\[traza\\] send: enviados ${size} bytes`));
  });

  test("SIGINT stops a running server gracefully with exit 0", async () => {
    const server = enchufe(["server", "--port", "0"]);
    await server.port();
    const end = await server.stop("SIGINT");
    assert.equal(end.code, 0);
    assert.match(end.stderr, /Deteniendo el servidor \(SIGINT\)/);
  });
});

describe("enchufe errors (the seed's Errores Comunes)", () => {
  test("server not running: ECONNREFUSED names host:port and says to start it; exit 1, no stack", async () => {
    const port = await rawServer(() => {});
    servers.pop()!.close();
    const client = await runEnchufe(["client", "--port", String(port)]);
    assert.equal(client.code, 1);
    assert.match(client.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*rechazada.*Inícialo primero`));
    assert.doesNotMatch(client.stderr, /\n\s+at /);
    const debug = await runEnchufe(["client", "--port", String(port), "--debug"]);
    assert.match(debug.stderr, /\[ECONNREFUSED\]/);
    assert.match(debug.stderr, /\n\s+at /);
  });

  test("port in use: EADDRINUSE names the port and suggests --port; exit 1", async () => {
    const port = await rawServer(() => {});
    const server = await runEnchufe(["server", "--port", String(port)]);
    assert.equal(server.code, 1);
    assert.match(server.stderr, new RegExp(`puerto ${port} ya está en uso.*--port`));
  });

  test("address not on this machine: EADDRNOTAVAIL", async () => {
    const server = await runEnchufe(["server", "--host", "192.0.2.123", "--port", "0", "--lang", "en"]);
    assert.equal(server.code, 1);
    assert.match(server.stderr, /does not belong to this machine/);
  });

  test("read timeout: says which step timed out and how to raise --timeout", async () => {
    const port = await rawServer(() => {});
    const client = await runEnchufe(["client", "--port", String(port), "--timeout", "0.3"]);
    assert.equal(client.code, 1);
    assert.match(client.stderr, /tiempo en el paso 'read'.*--timeout/);
  });

  test("unknown host: ENOTFOUND", async () => {
    const client = await runEnchufe(["client", "--host", "no-such-host.invalid", "--lang", "en"]);
    assert.equal(client.code, 1);
    assert.match(client.stderr, /Host 'no-such-host\.invalid' was not found/);
  });

  test("connection reset mid-read: ECONNRESET", async () => {
    const port = await rawServer((socket) => {
      socket.resetAndDestroy();
    });
    const client = await runEnchufe(["client", "--port", String(port), "--lang", "en"]);
    assert.equal(client.code, 1);
    assert.match(client.stderr, /was reset during the '(connect|read)' step/);
  });

  test("a greeting over 64 KiB is an error, not unbounded memory", async () => {
    const port = await rawServer((socket) => socket.end(Buffer.alloc(70 * 1024, 0x61)));
    const client = await runEnchufe(["client", "--port", String(port), "--lang", "en"]);
    assert.equal(client.code, 1);
    assert.match(client.stderr, /larger than 65536 bytes/);
  });

  test("invalid UTF-8 prints replacement characters and warns on stderr", async () => {
    const port = await rawServer((socket) =>
      socket.end(Buffer.from([0x48, 0x6f, 0x6c, 0x61, 0x20, 0xff, 0xfe, 0x21])),
    );
    const client = await runEnchufe(["client", "--port", String(port)]);
    assert.equal(client.code, 0);
    assert.equal(client.stdout, "Mensaje del servidor: Hola \uFFFD\uFFFD!\n");
    assert.match(client.stderr, /no son UTF-8 válido/);
  });

  test("bad arguments are usage errors with exit code 2", async () => {
    for (const args of [
      ["client", "--port", "70000"],
      ["client", "--port", "abc"],
      ["server", "--port", "-1"],
      ["client", "--bogus"],
      ["server", "--once", "--greet-only"],
      ["client", "--timeout", "soon"],
      ["client", "--lang", "fr"],
      ["nonsense"],
    ]) {
      const result = await runEnchufe(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /enchufe: /);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });

  test("--help and --version", async () => {
    const help = await runEnchufe(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /server/);
    const serverHelp = await runEnchufe(["server", "--help", "--lang", "en"]);
    assert.match(serverHelp.stdout, /--once/);
    assert.match(serverHelp.stdout, /--max-pending/);
    const version = await runEnchufe(["--version"]);
    assert.match(version.stdout, /^enchufe \d+\.\d+\.\d+\n$/);
  });
});
