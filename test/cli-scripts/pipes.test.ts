import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { connect } from "../../src/client/client.js";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

after(stopAll);

async function startServer() {
  const server = enchufe(["server", "--port", "0", "--lang", "en"]);
  return { server, port: Number(await server.port()) };
}

describe("enchufe sub / request in scripts", () => {
  test("sub --json: one object per line, payload as UTF-8 text or {base64}, headers, private and position", async () => {
    const { server, port } = await startServer();
    const sub = enchufe(["sub", "data.>", "--json", "--count", "2", "--port", String(port)]);
    await sub.waitFor(/Suscrito/, "stderr");
    const client = await connect({ port, name: "tester" });
    client.publish("data.text", "hola ñandú", { headers: [["kind", "greeting"]] });
    client.publish("data.bin", new Uint8Array([0xff, 0x00, 0xfe]));
    await client.flush();
    await client.close();
    const end = await sub.done;
    assert.equal(end.code, 0, end.stderr);
    const lines = end.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(lines, [
      {
        topic: "data.text",
        from: "tester",
        payload: "hola ñandú",
        headers: [["kind", "greeting"]],
        private: false,
        position: 1,
      },
      {
        topic: "data.bin",
        from: "tester",
        payload: { base64: "/wD+" },
        headers: [],
        private: false,
        position: 2,
      },
    ]);
    await server.stop();
  });

  test("sub --raw ends each payload with a newline; --raw0 writes them with no separator", async () => {
    const { server, port } = await startServer();
    const raw = enchufe(["sub", "x", "--raw", "--count", "2", "--port", String(port)]);
    const raw0 = enchufe(["sub", "x", "--raw0", "--count", "2", "--port", String(port)]);
    await raw.waitFor(/Suscrito/, "stderr");
    await raw0.waitFor(/Suscrito/, "stderr");
    await runEnchufe(["pub", "x", "--port", String(port)], { stdin: "uno\ndos\n" });
    assert.equal((await raw.done).stdout, "uno\ndos\n");
    assert.equal((await raw0.done).stdout, "unodos");
    const both = await runEnchufe(["sub", "x", "--raw", "--json"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--raw y --json no se pueden usar juntas/);
    await server.stop();
  });

  test("sub | head -1: the reader going away (EPIPE) ends sub quietly with exit 0", async () => {
    const { server, port } = await startServer();
    const sub = enchufe(["sub", "news", "--port", String(port)]);
    await sub.waitFor(/Suscrito/, "stderr");
    const client = await connect({ port, name: "tester" });
    client.publish("news", "first");
    await sub.waitFor(/\[news\] first/);
    // Like `head -1` exiting: the read end of sub's stdout closes; the next writes get EPIPE.
    sub.child.stdout.destroy();
    for (let i = 0; i < 20 && sub.child.exitCode === null; i++) {
      client.publish("news", `more ${i}`);
      await client.flush();
    }
    const end = await sub.done;
    await client.close();
    assert.equal(end.code, 0, end.stderr);
    assert.doesNotMatch(end.stderr, /EPIPE|Error|at /);
    await server.stop();
  });

  test("request reads its data from stdin when none is given; a timeout says its seconds", async () => {
    const { server, port } = await startServer();
    const echo = await runEnchufe(["request", "echo", "--port", String(port)], { stdin: "de la tubería" });
    assert.equal(echo.code, 0, echo.stderr);
    assert.equal(echo.stdout, "de la tubería\n");
    const reply = enchufe(["reply", "lento", "--exec", "sleep 3", "--port", String(port)]);
    await reply.waitFor(/Respondiendo/, "stderr");
    const late = await runEnchufe(["request", "lento", "x", "--timeout", "1", "--port", String(port)]);
    assert.equal(late.code, 1);
    assert.match(late.stderr, /La petición 'lento' no tuvo respuesta en 1 s\./);
    assert.doesNotMatch(late.stderr, /\( s\)/);
    const english = await runEnchufe([
      "request",
      "lento",
      "--timeout",
      "0.5",
      "--port",
      String(port),
      "--lang",
      "en",
    ]);
    assert.match(english.stderr, /Request 'lento' got no answer within 0\.5 s\./);
    await reply.stop("SIGINT");
    await server.stop();
  });

  test("ENCHUFE_HOST / ENCHUFE_PORT / ENCHUFE_URL are honoured, flags win, bad values name the variable", async () => {
    const { server, port } = await startServer();
    const byPort = await runEnchufe(["request", "echo", "a"], { env: { ENCHUFE_PORT: String(port) } });
    assert.equal(byPort.stdout, "a\n", byPort.stderr);
    const byUrl = await runEnchufe(["client"], { env: { ENCHUFE_URL: `enchufe://127.0.0.1:${port}` } });
    assert.equal(byUrl.code, 0, byUrl.stderr);
    const byHost = await runEnchufe(["pub", "x", "y", "--port", String(port)], {
      env: { ENCHUFE_HOST: "127.0.0.1", ENCHUFE_PORT: "1" },
    });
    assert.equal(byHost.code, 0, byHost.stderr);
    const badPort = await runEnchufe(["client"], { env: { ENCHUFE_PORT: "abc" } });
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /La variable ENCHUFE_PORT debe ser un puerto/);
    const badUrl = await runEnchufe(["sub", "x"], { env: { ENCHUFE_URL: "http://h:1", ENCHUFE_LANG: "en" } });
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.stderr, /The variable ENCHUFE_URL must look like enchufe:\/\/HOST:PORT/);
    // enchufes:// means TLS: against this plain server, the TLS handshake fails (exit 1, not a usage error).
    const tls = await runEnchufe(["client", "--lang", "en"], {
      env: { ENCHUFE_URL: `enchufes://127.0.0.1:${port}` },
    });
    assert.equal(tls.code, 1);
    assert.match(tls.stderr, /TLS/);
    await server.stop();
  });
});
