import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";
import { TextClient } from "../helpers/framed.js";
import { parseExposition, sampleValue } from "../helpers/prometheus.js";

describe("enchufe server --monitor", () => {
  after(stopAll);

  test("server --monitor - serves /metrics, /varz and /healthz beside a real server, and stops with it", async () => {
    const server = enchufe(["server", "--port", "0", "--monitor", "0", "--lang", "en"]);
    const port = await server.port();
    const [, monitorPort] = await server.waitFor(/Live view on http:\/\/127\.0\.0\.1:(\d+)\//, "stderr");
    const base = `http://127.0.0.1:${monitorPort}`;
    const { client } = await TextClient.connect(port);
    try {
      client.send("/nick eva");
      await client.nextStarting("* you are now");
      client.send("hola");
      client.send("/who");
      await client.nextStarting("* in general");
      const response = await fetch(`${base}/metrics`);
      const families = parseExposition(await response.text());
      assert.equal(sampleValue(families, "enchufe_connections", { kind: "text" }), 1);
      assert.equal(sampleValue(families, "enchufe_messages_received_total"), 1);
      const connz = (await (await fetch(`${base}/connz`)).json()) as { connections: { nick: string }[] };
      assert.deepEqual(
        connz.connections.map((c) => c.nick),
        ["eva"],
      );
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
    } finally {
      client.close();
    }
    const finished = await server.stop("SIGTERM");
    assert.equal(finished.code, 0, finished.stderr);
    await assert.rejects(fetch(`${base}/healthz`));
  });

  test("server --monitor - the dashboard speaks the server's language", async () => {
    const server = enchufe(["server", "--port", "0", "--monitor", "127.0.0.1:0"]);
    await server.port();
    const [, monitorPort] = await server.waitFor(/Vista en vivo en http:\/\/127\.0\.0\.1:(\d+)\//, "stderr");
    const page = await (await fetch(`http://127.0.0.1:${monitorPort}/`)).text();
    assert.match(page, /<html lang="es">/);
    assert.match(page, /Últimos sucesos/);
    await server.stop("SIGTERM");
  });

  test("server --monitor - a monitor open to the network is said on stderr", async () => {
    const server = enchufe(["server", "--port", "0", "--monitor", "0.0.0.0:0", "--lang", "en"]);
    await server.port();
    await server.waitFor(/Warning: the live view listens on 0\.0\.0\.0, open to the network/, "stderr");
    const local = enchufe(["server", "--port", "0", "--monitor", "0", "--lang", "en"]);
    await local.port();
    await local.waitFor(/Live view on/, "stderr");
    assert.doesNotMatch(local.stderr, /Warning: the live view/);
    await Promise.all([server.stop("SIGTERM"), local.stop("SIGTERM")]);
  });

  const usage: [string, string[], RegExp][] = [
    ["a value that is no [HOST:]PORT", ["--monitor", "abc"], /--monitor needs \[HOST:\]PORT.*received 'abc'/],
    ["a port over 65535", ["--monitor", "70000"], /--monitor needs \[HOST:\]PORT/],
    [
      "the chat port itself",
      ["--port", "5731", "--monitor", "5731"],
      /--monitor 5731 is the chat port itself.*--monitor 5732/,
    ],
    ["the chat port with a host", ["--port", "5731", "--monitor", "0.0.0.0:5731"], /is the chat port itself/],
    ["--once", ["--once", "--monitor", "8222"], /--monitor works only in session mode/],
  ];
  for (const [what, args, message] of usage) {
    test(`server --monitor - refuses ${what} with a usage error (exit 2, no stack)`, async () => {
      const finished = await runEnchufe(["server", ...args], { env: { ENCHUFE_LANG: "en" } });
      assert.equal(finished.code, 2, finished.stderr);
      assert.match(finished.stderr, message);
      assert.doesNotMatch(finished.stderr, /\n\s+at /);
    });
  }

  test("server --monitor - a monitor port in use is a runtime error (exit 1)", async () => {
    const first = enchufe(["server", "--port", "0", "--monitor", "0", "--lang", "en"]);
    await first.port();
    const [, monitorPort] = await first.waitFor(/Live view on http:\/\/127\.0\.0\.1:(\d+)\//, "stderr");
    const second = await runEnchufe(["server", "--port", "0", "--monitor", monitorPort!, "--lang", "en"]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`Port ${monitorPort} of --monitor is already in use`));
    assert.doesNotMatch(second.stderr, /\n\s+at /);
    await first.stop("SIGTERM");
  });
});
