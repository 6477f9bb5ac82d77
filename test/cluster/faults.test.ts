import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { stopAll } from "../helpers/cli.js";
import { type FramedClient, type TextClient, text } from "../helpers/framed.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";
import { framedUser, type Node, startNode, textUser, who } from "./helpers.js";

const redises: TestRedis[] = [];
const clients: Array<TextClient | FramedClient> = [];

function track<T extends TextClient | FramedClient>(client: T): T {
  clients.push(client);
  return client;
}

async function redisServer(): Promise<TestRedis> {
  const redis = await startRedis();
  redises.push(redis);
  return redis;
}

after(async () => {
  for (const client of clients) client.close();
  await stopAll();
  await Promise.all(redises.map((redis) => redis.stop()));
});

/** The tick numbers a subscriber has received and not yet consumed, in order. */
function ticks(client: FramedClient): number[] {
  return client.frames.items.flatMap((frame) => (frame.type === "MSG" ? [Number(text(frame.payload))] : []));
}

describe("cluster - faults", () => {
  test("Redis lost during traffic: local delivery goes on, one warning, then resync and cross-node delivery again", async () => {
    const redis = await redisServer();
    const [a, b] = (await Promise.all([startNode(redis.url), startNode(redis.url)])) as [Node, Node];
    const localReader = track(await framedUser(a.port, "local-reader", ["ticks"]));
    const remoteReader = track(await framedUser(b.port, "remote-reader", ["ticks"]));
    const ana = track(await textUser(a.port, "ana"));
    const fan = track(await textUser(a.port, "fan"));
    const beto = track(await textUser(b.port, "beto"));
    const writer = track(await framedUser(a.port, "writer"));
    let sent = 0;
    const ticker = setInterval(() => writer.publish("ticks", String(sent++)), 5);
    try {
      await remoteReader.next("MSG");
      await redis.kill();
      await a.process.waitFor(/Lost the connection to Redis/, "stderr");
      await b.process.waitFor(/Lost the connection to Redis/, "stderr");
      ana.send("only here");
      assert.equal(await fan.nextStarting("[general]"), "[general] ana: only here");
      const during = sent;
      await redis.restart();
      await a.process.waitFor(/Redis is back/, "stderr");
      await b.process.waitFor(/Redis is back/, "stderr");
      // Cross-node delivery resumes: a tick published after the resync reaches node b.
      const after = sent + 1;
      await remoteReader.next("MSG", (frame) => Number(text(frame.payload)) > after, 5000);
      assert.ok(sent > during, "the publisher kept going");
    } finally {
      clearInterval(ticker);
    }
    // Local: every tick, in order. Remote: in order, no duplicates, a gap allowed (at most once).
    const last = await localReader.next("MSG", (frame) => text(frame.payload) === String(sent - 1));
    assert.deepEqual(
      [...ticks(localReader), Number(text(last.payload))],
      Array.from({ length: sent }, (_, i) => i),
    );
    const remote = ticks(remoteReader);
    for (let i = 1; i < remote.length; i++) assert.ok(remote[i]! > remote[i - 1]!, "increasing");
    ana.send("across again");
    assert.equal(await beto.nextStarting("[general]"), "[general] ana: across again");
    assert.deepEqual(await who(beto), ["ana", "beto", "fan"], "presence resynchronized");
    for (const node of [a, b]) {
      assert.equal(node.process.stderr.match(/Lost the connection/g)?.length, 1, "warned once");
      assert.doesNotMatch(node.process.stderr, /at .*\.js:\d+/, "no stack trace");
    }
  });

  test("a node that dies: its users leave /who on the others within the configured TTL; its nicknames are free again", async () => {
    const redis = await redisServer();
    const fast = ["--cluster-heartbeat", "0.2", "--cluster-ttl", "1"];
    const [a, b, c] = (await Promise.all([0, 1, 2].map(() => startNode(redis.url, fast)))) as [
      Node,
      Node,
      Node,
    ];
    const beto = track(await textUser(b.port, "beto"));
    track(await textUser(c.port, "carla"));
    track(await textUser(a.port, "ana"));
    assert.deepEqual(await who(beto), ["ana", "beto", "carla"]);
    const killedAt = Date.now();
    c.process.child.kill("SIGKILL");
    assert.equal(await beto.next((line) => line.includes("carla left"), 5000), "* carla left general");
    const elapsed = Date.now() - killedAt;
    assert.ok(elapsed <= 1000 + 1500, `gone after ${elapsed} ms (TTL 1 s)`);
    assert.deepEqual(await who(beto), ["ana", "beto"]);
    const again = track(await textUser(a.port, "carla"));
    assert.ok(again);
  });
});
