import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

after(stopAll);

async function startServer() {
  const server = enchufe(["server", "--port", "0", "--lang", "en"]);
  return { server, port: String(await server.port()) };
}

describe("enchufe reply", () => {
  test("reply --echo answers each request with its payload; --count ends it with exit 0", async () => {
    const { server, port } = await startServer();
    const reply = enchufe(["reply", "svc.echo", "--echo", "--count", "2", "--port", port]);
    await reply.waitFor(/Respondiendo a svc\.echo/, "stderr");
    const first = await runEnchufe(["request", "svc.echo", "hola", "--port", port]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "hola\n");
    const piped = await runEnchufe(["request", "svc.echo", "--port", port], { stdin: "línea 1\nlínea 2\n" });
    assert.equal(piped.stdout, "línea 1\nlínea 2\n\n");
    assert.equal((await reply.done).code, 0);
    await server.stop();
  });

  test("reply --exec runs the command per request (payload on stdin, stdout the answer; wildcards)", async () => {
    const { server, port } = await startServer();
    const reply = enchufe(["reply", "upper.*", "--exec", "tr a-z A-Z", "--port", port]);
    await reply.waitFor(/Respondiendo a upper\.\*/, "stderr");
    const answer = await runEnchufe(["request", "upper.one", "hola mundo", "--port", port]);
    assert.equal(answer.code, 0, answer.stderr);
    assert.equal(answer.stdout, "HOLA MUNDO\n");
    assert.equal((await runEnchufe(["request", "upper.two", "abc", "--port", port])).stdout, "ABC\n");
    const end = await reply.stop("SIGINT");
    assert.equal(end.code, 0, end.stderr);
    await server.stop();
  });

  test("reply --exec: a non-zero exit is HANDLER_ERROR with the command's stderr; the requester exits 1", async () => {
    const { server, port } = await startServer();
    const reply = enchufe(["reply", "failing", "--exec", "echo 'disco lleno' >&2; exit 3", "--port", port]);
    await reply.waitFor(/Respondiendo/, "stderr");
    const failed = await runEnchufe(["request", "failing", "x", "--port", port]);
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, "");
    assert.equal(
      failed.stderr,
      "enchufe: La petición 'failing' falló en el servicio que la atendió: disco lleno\n",
    );
    const silent = enchufe(["reply", "silent", "--exec", "exit 5", "--port", port, "--lang", "en"]);
    await silent.waitFor(/Answering silent/, "stderr");
    const noReason = await runEnchufe(["request", "silent", "--port", port, "--lang", "en"]);
    assert.match(noReason.stderr, /failed in the service that handled it: the command exited with code 5\n$/);
    await reply.stop("SIGINT");
    await silent.stop("SIGINT");
    await server.stop();
  });

  test("reply --exec: an answer over the server's maximum payload is a HANDLER_ERROR that says so", async () => {
    const server = enchufe(["server", "--port", "0", "--max-payload", "1000"]);
    const port = String(await server.port());
    const reply = enchufe(["reply", "big", "--exec", "head -c 5000 /dev/zero", "--port", port]);
    await reply.waitFor(/Respondiendo/, "stderr");
    const big = await runEnchufe(["request", "big", "--port", port]);
    assert.equal(big.code, 1);
    assert.match(
      big.stderr,
      /la respuesta del comando \(5000 bytes\) supera el máximo del servidor \(1000 bytes\)/,
    );
    // The responder is still connected and answering.
    assert.equal((await runEnchufe(["request", "big", "--port", port])).code, 1);
    await reply.stop("SIGINT");
    await server.stop();
  });

  test("reply --exec --concurrency 2: never more than two commands at once", async () => {
    const { server, port } = await startServer();
    const dir = await mkdtemp(join(tmpdir(), "enchufe-reply-"));
    // Each run leaves a marker while it works and answers how many markers it saw.
    const command = `touch "${dir}/$$"; sleep 0.8; ls "${dir}" | wc -l; rm "${dir}/$$"`;
    const reply = enchufe(["reply", "busy", "--exec", command, "--concurrency", "2", "--port", port]);
    await reply.waitFor(/Respondiendo/, "stderr");
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => runEnchufe(["request", "busy", "--port", port, "--timeout", "20"])),
    );
    for (const answer of answers) {
      assert.equal(answer.code, 0, answer.stderr);
      assert.ok(Number(answer.stdout.trim()) <= 2, `saw ${answer.stdout.trim()} commands at once`);
    }
    await reply.stop("SIGINT");
    await rm(dir, { recursive: true, force: true });
    await server.stop();
  });

  test("reply usage errors exit 2 at once: no mode, both modes, a bad name, a bad --concurrency", async () => {
    const none = await runEnchufe(["reply", "svc"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Indica cómo responder: --echo o --exec 'COMANDO'/);
    assert.equal((await runEnchufe(["reply", "svc", "--echo", "--exec", "cat"])).code, 2);
    const name = await runEnchufe(["reply", "a..b", "--echo"]);
    assert.equal(name.code, 2);
    assert.match(name.stderr, /El tema 'a\.\.b' no es válido: tiene un elemento vacío/);
    const missing = await runEnchufe(["reply", "--echo"]);
    assert.match(missing.stderr, /Falta el argumento NOMBRE\./);
    const concurrency = await runEnchufe([
      "reply",
      "svc",
      "--exec",
      "cat",
      "--concurrency",
      "0",
      "--lang",
      "en",
    ]);
    assert.equal(concurrency.code, 2);
    assert.match(concurrency.stderr, /--concurrency must be an integer >= 1/);
  });

  test("reply --help describes every option in both languages", async () => {
    for (const lang of ["es", "en"]) {
      const help = await runEnchufe(["reply", "--help", "--lang", lang]);
      assert.equal(help.code, 0);
      for (const flag of [
        "--echo",
        "--exec",
        "--concurrency",
        "--count",
        "--host",
        "--port",
        "--timeout",
        "--tls",
      ]) {
        assert.ok(help.stdout.includes(flag), `${lang} help lacks ${flag}`);
      }
    }
  });
});
