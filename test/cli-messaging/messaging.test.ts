import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

after(stopAll);

async function startServer(extra: string[] = []) {
  const server = enchufe(["server", "--port", "0", "--lang", "en", ...extra]);
  const port = String(await server.port());
  return { server, port };
}

describe("enchufe pub / sub / request", () => {
  test("sub prints what pub publishes, from an argument and from stdin lines in order", async () => {
    const { server, port } = await startServer();
    const sub = enchufe(["sub", "chat.>", "--port", port, "--count", "4"]);
    await sub.waitFor(/Suscrito a chat\.>/, "stderr");
    assert.equal((await runEnchufe(["pub", "chat.es", "hola", "--port", port])).code, 0);
    const piped = await runEnchufe(["pub", "chat.en", "--port", port], { stdin: "one\ntwo\nthree\n" });
    assert.equal(piped.code, 0, piped.stderr);
    const end = await sub.done;
    assert.equal(end.code, 0);
    assert.equal(end.stdout, "[chat.es] hola\n[chat.en] one\n[chat.en] two\n[chat.en] three\n");
    await server.stop();
  });

  test("sub --raw writes payload bytes and a newline only; terminal escapes are neutralised without --raw", async () => {
    const { server, port } = await startServer();
    const raw = enchufe(["sub", "x", "--port", port, "--count", "1", "--raw"]);
    const safe = enchufe(["sub", "x", "--port", port, "--count", "1"]);
    await raw.waitFor(/Suscrito/, "stderr");
    await safe.waitFor(/Suscrito/, "stderr");
    await runEnchufe(["pub", "x", "red\u001b[31mALERT\u0007", "--port", port]);
    assert.equal((await raw.done).stdout, "red\u001b[31mALERT\u0007\n");
    const shown = (await safe.done).stdout;
    assert.doesNotMatch(shown, /\u001b|\u0007/);
    assert.match(shown, /^\[x\] red.*ALERT/);
    await server.stop();
  });

  test("request: time answers ISO 8601, echo echoes, no responder is a clear error with exit 1", async () => {
    const { server, port } = await startServer();
    const time = await runEnchufe(["request", "time", "--port", port]);
    assert.equal(time.code, 0, time.stderr);
    assert.match(time.stdout, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\n$/);
    const echo = await runEnchufe(["request", "echo", "eco eco", "--port", port]);
    assert.equal(echo.stdout, "eco eco\n");
    const none = await runEnchufe(["request", "nobody", "--port", port]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Nadie atiende la petición 'nobody'/);
    const usage = await runEnchufe(["pub"]);
    assert.equal(usage.code, 2);
    await server.stop();
  });

  test("a server restart during enchufe sub: it reconnects, resubscribes and keeps printing", async () => {
    const first = await startServer();
    const sub = enchufe(["sub", "news", "--port", first.port, "--count", "2"]);
    await sub.waitFor(/Suscrito/, "stderr");
    await runEnchufe(["pub", "news", "first", "--port", first.port]);
    await sub.waitFor(/\[news\] first/);
    await first.server.stop("SIGTERM");
    await sub.waitFor(/reconectando/, "stderr");
    const second = enchufe(["server", "--port", first.port, "--lang", "en"]);
    await second.port();
    await sub.waitFor(/Reconectado/, "stderr");
    // The resubscription travels right after the handshake: a PING/PONG round trip from a fresh
    // publisher cannot overtake it, but give the server the frame first by publishing until seen.
    for (let i = 0; i < 50 && !sub.stdout.includes("second"); i++) {
      await runEnchufe(["pub", "news", "second", "--port", first.port]);
    }
    const end = await sub.done;
    assert.equal(end.code, 0);
    assert.match(end.stdout, /\[news\] first\n\[news\] second\n/);
    await second.stop();
  });
});

describe("enchufe chat", () => {
  test("piped stdin: two users talk; lines are sent in order and chat exits after the server processed them", async () => {
    const { server, port } = await startServer();
    const listener = enchufe(["chat", "--nick", "ana", "--port", port], {});
    await listener.waitFor(/you are now ana/);
    const talker = await runEnchufe(["chat", "--nick", "beto", "--port", port], {
      stdin: "hola ana\n/who\nadios\n",
    });
    assert.equal(talker.code, 0, talker.stderr);
    assert.match(talker.stdout, /you are now beto/);
    await listener.waitFor(/\[general\] beto: adios/);
    assert.match(listener.stdout, /\[general\] beto: hola ana\n(.*\n)*\[general\] beto: adios/);
    listener.child.stdin.end();
    assert.equal((await listener.done).code, 0);
    await server.stop();
  });
});
