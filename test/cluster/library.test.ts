import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ReplyStatus } from "../../src/protocol/frames.js";
import { RedisBus } from "../../src/server/bus/redis.js";
import { FramedClient, startTestServer, type TestServer, text } from "../helpers/framed.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";

let redis: TestRedis;
const servers: TestServer[] = [];
const clients: FramedClient[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const client of clients) client.close();
  await Promise.all(servers.map((server) => server.close()));
  await redis.stop();
});

async function node(): Promise<TestServer> {
  const server = await startTestServer({ bus: new RedisBus({ url: redis.url }) });
  servers.push(server);
  await server.handler.start();
  return server;
}

describe("library - MessagingHandler with a RedisBus", () => {
  test("a handler registered with handleRequest on one node answers requests made on another", async () => {
    const [a, b] = [await node(), await node()];
    a.handler.handleRequest("math.square", (request) => String(Number(text(request.payload)) ** 2));
    a.handler.handleRequest("fails", () => {
      throw new Error("no way");
    });
    const asker = await FramedClient.connect(b.port, "asker");
    clients.push(asker);
    await asker.flush();
    asker.send({
      type: "REQ",
      reqId: 1,
      name: "math.square",
      timeoutMs: 0,
      headers: [],
      payload: Buffer.from("12"),
    });
    const reply = await asker.next("REPLY", (frame) => frame.reqId === 1);
    assert.deepEqual([reply.status, text(reply.payload)], [ReplyStatus.OK, "144"]);
    asker.send({ type: "REQ", reqId: 2, name: "fails", timeoutMs: 0, headers: [], payload: Buffer.alloc(0) });
    const failed = await asker.next("REPLY", (frame) => frame.reqId === 2);
    assert.deepEqual([failed.status, text(failed.payload)], [ReplyStatus.HANDLER_ERROR, "no way"]);
  });

  test("start() rejects with ECLUSTER when Redis is unreachable; the cluster event reports down and resynced", async () => {
    const handlerless = await startTestServer({ bus: new RedisBus({ url: "redis://127.0.0.1:1" }) });
    servers.push(handlerless);
    await assert.rejects(handlerless.handler.start(), { code: "ECLUSTER" });
    const watched = await node();
    const states: string[] = [];
    const seen = (state: string) =>
      new Promise<void>((resolve) => {
        const check = (next: string) => {
          states.push(next);
          if (next === state) {
            watched.handler.off("cluster", check);
            resolve();
          }
        };
        watched.handler.on("cluster", check);
      });
    const down = seen("down");
    await redis.kill();
    await down;
    const back = seen("resynced");
    await redis.restart();
    await back;
    assert.deepEqual(states, ["down", "resynced"]);
  });
});
