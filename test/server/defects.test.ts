/**
 * Defects an outside client found (issue 11, a-f and the 65,530-byte topic), each on real sockets.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { after, describe, test } from "node:test";
import { CloseReason, ErrCode } from "../../src/protocol/frames.js";
import { SecurityPolicy } from "../../src/server/security.js";
import {
  FramedClient,
  startTestServer,
  TestClients,
  type TestServer,
  TextClient,
} from "../helpers/framed.js";

const servers: TestServer[] = [];
const opened: { close(): void }[] = [];
after(async () => {
  for (const client of opened) client.close();
  await Promise.all(servers.map((server) => server.close()));
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const started = await startTestServer(options);
  servers.push(started);
  return started;
}

async function person(port: number): Promise<TextClient> {
  const { client } = await TextClient.connect(port);
  opened.push(client);
  return client;
}

describe("defects found by an outside client", () => {
  test("line timeout - a partial line not completed in time gets a notice and a close; a silent user stays", async () => {
    const { port } = await server({ lineTimeoutMs: 300 });
    const silent = await person(port);
    const slow = await person(port);
    const started = Date.now();
    slow.socket.write("hola sin salto");
    const notice = await slow.nextStarting("! the line was not completed within 0.3 s");
    assert.ok(Date.now() - started >= 280, "not before the timeout");
    await slow.lines.whenEnded();
    silent.send("/who");
    assert.match(await silent.nextStarting("* in general:"), /guest-/);
    assert.match(notice, /closing the connection/);
  });

  test("line timeout - lines completed in pieces within the timeout are fine", async () => {
    const { port } = await server({ lineTimeoutMs: 400 });
    const user = await person(port);
    user.socket.write("/w");
    await new Promise((resolve) => setTimeout(resolve, 150));
    user.socket.write("ho\n");
    assert.match(await user.nextStarting("* in general:"), /guest-/);
  });

  test("invalid UTF-8 - a typed line with a bad byte reaches the others with U+FFFD", async () => {
    const { port } = await server();
    const clients = new TestClients(() => port);
    opened.push({ close: () => clients.closeAll() });
    const ana = await clients.person("ana", "sala");
    const beto = await clients.person("beto", "sala");
    ana.socket.write(Buffer.concat([Buffer.from("caf"), Buffer.from([0xe9]), Buffer.from(" ok\n")]));
    assert.equal(await beto.nextStarting("[sala]"), "[sala] ana: caf\ufffd ok");
  });

  test("/quit - the user leaves the room and frees the nickname before `* bye` arrives", async () => {
    const { port } = await server();
    const other = await person(port);
    other.send("/nick beto");
    await other.nextStarting("* you are now beto");
    // A client that keeps its side open after the server's FIN (as nc does).
    const quitter = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    opened.push({ close: () => quitter.destroy() });
    quitter.setEncoding("utf8");
    let seen = "";
    const bye = new Promise<void>((resolve) => {
      quitter.on("data", (text: string) => {
        seen += text;
        if (seen.includes("* bye")) resolve();
      });
    });
    await once(quitter, "connect");
    quitter.write("/nick ana\n");
    quitter.write("/quit\n");
    await bye;
    other.send("/who");
    assert.equal(await other.nextStarting("* in general:"), "* in general: beto");
    other.send("/nick ana");
    assert.equal(await other.nextStarting("* you are now"), "* you are now ana");
  });

  test("refusals - a framed client of a full server gets the preface echo, ERR SERVER_FULL and CLOSE SERVER_FULL", async () => {
    const { port } = await server({ maxConnections: 1 });
    await person(port);
    const program = await FramedClient.connect(port, "late", false);
    opened.push(program);
    const err = await program.next("ERR");
    const close = await program.next("CLOSE");
    assert.equal(err.code, ErrCode.SERVER_FULL);
    assert.equal(close.reason, CloseReason.SERVER_FULL);
    const { greeting } = await TextClient.connect(port).then((connected) => {
      opened.push(connected.client);
      return connected;
    });
    assert.equal(greeting, "! the server is full, try again later");
  });

  test("refusals - too many connections from one address: ERR RATE_LIMIT and CLOSE RATE_LIMIT for a program", async () => {
    const security = new SecurityPolicy({ maxConnectionsPerAddress: 1 });
    const { port } = await server({ security });
    await person(port);
    const program = await FramedClient.connect(port, "second", false);
    opened.push(program);
    assert.equal((await program.next("ERR")).code, ErrCode.RATE_LIMIT);
    assert.equal((await program.next("CLOSE")).reason, CloseReason.RATE_LIMIT);
    const text = await TextClient.connect(port);
    opened.push(text.client);
    assert.match(text.greeting, /^! too many connections from your address/);
  });

  test("PING - the keepalive comes within 10% of pingIntervalMs, whenever the client went quiet", async () => {
    const { port } = await server({ idleTimeoutMs: 2000 });
    const lateness: number[] = [];
    await Promise.all(
      [0, 170, 340].map(async (offset) => {
        await new Promise((resolve) => setTimeout(resolve, offset));
        const client = await FramedClient.connect(port, `p${offset}`);
        opened.push(client);
        const quiet = Date.now();
        await client.next("PING", undefined, 3000);
        lateness.push(Date.now() - quiet - (client.welcome?.pingIntervalMs ?? 0));
      }),
    );
    for (const late of lateness) assert.ok(late < 100, `PING ${late} ms late (interval 1000 ms)`);
  });

  test("a 65,530-byte topic - ERR INVALID_TOPIC with the topic cut short, and the session goes on", async () => {
    const { port } = await server();
    const client = await FramedClient.connect(port, "long-topic");
    opened.push(client);
    client.send({ type: "PUB", topic: "a".repeat(65_530), headers: [], payload: Buffer.from("x") });
    const err = await client.next("ERR");
    assert.equal(err.code, ErrCode.INVALID_TOPIC);
    assert.ok(err.message.length < 200, "the message quotes only the start of the topic");
    await client.flush();
    assert.ok(!client.frames.items.some((frame) => frame.type === "CLOSE"));
  });

  test("a bug of ours - the client is told SERVER_ERROR (not its fault), clientError is emitted, others go on", async () => {
    const started = await server();
    const bugs: unknown[] = [];
    started.handler.on("clientError", (_info, error) => bugs.push(error));
    started.handler.on("message", (event: { topic: string }) => {
      if (event.topic === "boom") throw new Error("a listener bug");
    });
    const victim = await FramedClient.connect(started.port, "victim");
    const bystander = await FramedClient.connect(started.port, "bystander");
    opened.push(victim, bystander);
    victim.publish("boom", "x");
    assert.equal((await victim.next("ERR")).code, ErrCode.SERVER_ERROR);
    assert.equal((await victim.next("CLOSE")).reason, CloseReason.SERVER_ERROR);
    assert.equal(bugs.length, 1);
    await bystander.flush();
  });
});
