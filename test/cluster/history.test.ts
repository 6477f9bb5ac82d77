/**
 * A cluster's one history (docs/HISTORY.md §10): real `enchufe server --cluster` processes on a private
 * Redis, the client library on real sockets. Every node positions messages from the shared log, so a
 * subscriber that moves to another node resumes with every message once and in order, acknowledged
 * publishes on different nodes share one sequence, and a node that starts later has the history.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import type { Message } from "../../src/client/subscription.js";
import { PubAckStatus } from "../../src/protocol/frames.js";
import { runEnchufe, stopAll } from "../helpers/cli.js";
import { cutFeed } from "../helpers/cut-feed.js";
import { type CutProxy, startCutProxy } from "../helpers/cut-proxy.js";
import { FramedClient } from "../helpers/framed.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";
import { type Node, startNode, textUser } from "./helpers.js";

const redises: TestRedis[] = [];
const clients = new Set<EnchufeClient>();
const proxies = new Set<CutProxy>();
after(async () => {
  await Promise.all([...clients].map((c) => c.close()));
  await Promise.all([...proxies].map((p) => p.close()));
  await stopAll();
  await Promise.all(redises.map((redis) => redis.stop()));
});

const HISTORY = ["--history", "20000"];

async function cluster(count: number): Promise<{ redis: TestRedis; nodes: Node[] }> {
  const redis = await startRedis();
  redises.push(redis);
  // Room for every message of a test in each topic's history (1000 by default).
  const nodes = await Promise.all(Array.from({ length: count }, () => startNode(redis.url, HISTORY)));
  return { redis, nodes };
}

async function client(port: number): Promise<EnchufeClient> {
  const c = await connect({ port, timeoutMs: 3000, reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
  clients.add(c);
  return c;
}

const text = (m: Message) => Buffer.from(m.payload).toString("utf8");
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => String(from + i));

describe("cluster: one history for every node", () => {
  test("a subscriber cut during 5,000 publishes that reconnects to another node gets every message once, in order", async () => {
    const { nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const proxy = await startCutProxy(a.port);
    proxies.add(proxy);
    const sub = await client(proxy.port);
    const pub = await client(b.port);
    // Cut while it reads, and send the client to node b: what it missed can only come from b's history.
    const {
      messages: all,
      replays,
      queue,
    } = await cutFeed({
      proxy,
      sub,
      pub,
      total: 5000,
      beforeCut: 2000,
      taken: 1000,
      moveTo: b.port,
    });
    assert.deepEqual(all.map(text), range(0, 5000));
    for (let i = 1; i < all.length; i++) assert.ok(all[i]!.position > all[i - 1]!.position, `at ${i}`);
    await Promise.all([pub.flush(), sub.flush()]);
    assert.equal(queue.size, 0, "no duplicate after the last message");
    assert.equal(replays.length, 2);
    assert.ok(
      replays.every((replay) => replay.recovered),
      "nothing lost",
    );
    assert.equal(replays[0]!.epoch, replays[1]!.epoch, "one epoch for both nodes");
  });

  test("acknowledged publishes on different nodes get one sequence, and every node reads the same history", async () => {
    const { nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const onA = await client(a.port);
    const onB = await client(b.port);
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? onA : onB).publishAcked("orders", String(i))),
    );
    const positions = acks.map((ack) => ack.position);
    assert.equal(new Set(positions).size, 200, "every position once");
    assert.ok(
      positions.every((position) => position > 0),
      "kept",
    );
    const fromA = await onA.history("orders", { last: 1000 });
    const fromB = await onB.history("orders", { last: 1000 });
    assert.equal(fromA.messages.length, 200);
    assert.deepEqual(
      fromB.messages.map((m) => [m.position, text(m), m.time]),
      fromA.messages.map((m) => [m.position, text(m), m.time]),
    );
    assert.equal(fromA.epoch, fromB.epoch);
    assert.deepEqual(
      [...positions].sort((x, y) => x - y),
      fromA.messages.map((m) => m.position),
    );
  });

  test("an acknowledged publish sent again to another node (the same user and id) is a duplicate there", async () => {
    const { nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const onA = await FramedClient.connect(a.port, "first-try", true, 2);
    const onB = await FramedClient.connect(b.port, "second-try", true, 2);
    try {
      onA.send({ type: "APUB", id: "job-42", topic: "jobs", headers: [], payload: Buffer.from("once") });
      const first = await onA.next("PUBACK");
      assert.equal(first.status, PubAckStatus.OK);
      // Node b has read it from the log once its history has it.
      const reader = await client(b.port);
      assert.deepEqual((await reader.history("jobs", { last: 10 })).messages.map(text), ["once"]);
      onB.send({ type: "APUB", id: "job-42", topic: "jobs", headers: [], payload: Buffer.from("once") });
      const second = await onB.next("PUBACK");
      assert.equal(second.status, PubAckStatus.DUPLICATE);
      assert.equal(second.position, first.position, "the first one's position");
      onB.send({ type: "APUB", id: "job-43", topic: "jobs", headers: [], payload: Buffer.from("new") });
      assert.equal((await onB.next("PUBACK")).status, PubAckStatus.OK);
      const kept = await reader.history("jobs", { last: 10 });
      assert.deepEqual(kept.messages.map(text), ["once", "new"], "kept once");
    } finally {
      onA.close();
      onB.close();
    }
  });

  test("a text user who joins a room on another node sees what was said there first, then live lines", async () => {
    const { nodes } = await cluster(2);
    const [a, b] = nodes as [Node, Node];
    const ana = await textUser(a.port, "ana");
    const beto = await textUser(b.port, "beto");
    try {
      ana.send("/join cafe");
      await ana.nextStarting("* you are now in room cafe");
      for (const word of ["uno", "dos", "tres"]) ana.send(word);
      // /history on ana's own node has them once they are back from the log.
      ana.send("/history");
      assert.equal(await ana.nextStarting("* history of"), "* history of cafe (3):");
      beto.send("/join cafe");
      assert.equal(await beto.nextStarting("* history of"), "* history of cafe (3):");
      for (const word of ["uno", "dos", "tres"]) {
        assert.match(
          await beto.nextStarting("[cafe "),
          new RegExp(`^\\[cafe \\d\\d:\\d\\d\\] ana: ${word}$`),
        );
      }
      ana.send("live");
      assert.equal(await beto.nextStarting("[cafe]"), "[cafe] ana: live");
    } finally {
      ana.close();
      beto.close();
    }
  });

  test("a node that starts later has the history, and `enchufe history` there shows it", async () => {
    const { redis, nodes } = await cluster(1);
    const pub = await client(nodes[0]!.port);
    for (let i = 0; i < 50; i++) await pub.publishAcked("general", `line ${i}`);
    const later = await startNode(redis.url, HISTORY);
    const reader = await client(later.port);
    const read = await reader.history("general", { last: 50 });
    assert.deepEqual(
      read.messages.map(text),
      range(0, 50).map((i) => `line ${i}`),
    );
    assert.ok(read.recovered);
    const { code, stdout } = await runEnchufe([
      "history",
      "general",
      "--last",
      "3",
      "--port",
      String(later.port),
      "--lang",
      "en",
    ]);
    assert.equal(code, 0);
    assert.match(stdout, /line 47[\s\S]*line 48[\s\S]*line 49/);
  });

  test("--cluster-log bounds what a node that starts gets, and a read from before it says not recovered", async () => {
    const redis = await startRedis();
    redises.push(redis);
    const flags = [...HISTORY, "--cluster-log", "100"];
    const first = await startNode(redis.url, flags);
    const pub = await client(first.port);
    for (let i = 0; i < 1000; i++) await pub.publishAcked("bounded", String(i));
    const later = await startNode(redis.url, flags);
    const read = await (await client(later.port)).history("bounded", { since: 1 });
    // MAXLEN ~ trims whole stream nodes: about 100 entries are kept, never all 1,000.
    assert.ok(read.messages.length >= 100 && read.messages.length < 1000, String(read.messages.length));
    assert.equal(text(read.messages[read.messages.length - 1]!), "999", "the newest are there");
    assert.equal(read.recovered, false, "the oldest are gone, and it says so");
    assert.equal((await pub.history("bounded", { since: 1 })).messages.length, 1000, "the first node's copy");
  });

  test("--data with --cluster is a usage error that says where a cluster keeps its history", async () => {
    const { code, stderr } = await runEnchufe([
      "server",
      "--port",
      "0",
      "--lang",
      "en",
      "--cluster",
      "redis://127.0.0.1:1",
      "--data",
      "/nonexistent",
    ]);
    assert.equal(code, 2);
    assert.match(stderr, /--data is not used with --cluster: a cluster has one history, in Redis/);
    assert.doesNotMatch(stderr, /at .*\.js:\d+/);
  });
});
