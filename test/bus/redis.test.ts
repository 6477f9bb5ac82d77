import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { isEnchufeError } from "../../src/errors.js";
import { RedisBus, type RedisBusOptions } from "../../src/server/bus/redis.js";
import { freePort, startRedis, type TestRedis } from "../helpers/redis.js";
import { Recorder } from "./helpers.js";

let redis: TestRedis;
let prefixCount = 0;
const open: RedisBus[] = [];

/** Starts `count` nodes on one cluster (a fresh prefix per test keeps tests apart). */
async function cluster(
  count: number,
  options: Partial<RedisBusOptions> = {},
): Promise<Array<{ bus: RedisBus; events: Recorder }>> {
  const prefix = `test${++prefixCount}`;
  const nodes: Array<{ bus: RedisBus; events: Recorder }> = [];
  for (let i = 0; i < count; i++) {
    const bus = new RedisBus({ url: redis.url, prefix, nodeId: `node-${i}`, ...options });
    open.push(bus);
    const events = new Recorder();
    await bus.start(events);
    nodes.push({ bus, events });
  }
  return nodes;
}

const frame = (text: string) => Buffer.from(text);

before(async () => {
  redis = await startRedis();
});

after(async () => {
  await Promise.all(open.map((bus) => bus.close()));
  await redis.stop();
});

describe("RedisBus", () => {
  test("publish - crosses nodes for exact and wildcard interest, exactly once, never back to the sender", async () => {
    const [a, b, c] = await cluster(3);
    b!.bus.interest("chat.lobby", true);
    b!.bus.interest("chat.*", true); // both match chat.lobby: still one delivery
    c!.bus.interest("sensors.>", true);
    a!.bus.interest("chat.lobby", true);
    await Promise.all([b!.bus.sync(), c!.bus.sync(), a!.bus.sync()]);
    a!.bus.publish("chat.lobby", frame("hello"));
    a!.bus.publish("chat.dev.deep", frame("not for chat.*"));
    a!.bus.publish("sensors.kitchen.temp", Buffer.from([0, 255, 10]));
    a!.bus.publish("chatter", frame("glob chat.* would match this channel, the topic does not"));
    a!.bus.publish("chat.end", frame("end"));
    await b!.events.until(() => b!.events.published.length >= 2, "b to get 2 messages");
    await c!.events.until(() => c!.events.published.length >= 1, "c to get 1 message");
    a!.bus.publish("sensors.x", frame("last"));
    await c!.events.until(() => c!.events.published.length >= 2, "c to get the last message");
    assert.deepEqual(
      b!.events.published.map((m) => [m.topic, m.frame.toString()]),
      [
        ["chat.lobby", "hello"],
        ["chat.end", "end"],
      ],
    );
    assert.deepEqual(c!.events.published[0], {
      topic: "sensors.kitchen.temp",
      frame: Buffer.from([0, 255, 10]),
    });
    assert.equal(a!.events.published.length, 0, "the sender delivers locally itself");
    b!.bus.interest("chat.*", false);
    b!.bus.interest("chat.lobby", false);
    await b!.bus.sync();
    a!.bus.publish("chat.lobby", frame("nobody on b"));
    a!.bus.publish("sensors.y", frame("marker"));
    await c!.events.until(() => c!.events.published.length >= 3, "marker");
    assert.equal(b!.events.published.length, 2);
  });

  test("publish - 1000 messages keep per-publisher order", async () => {
    const [a, b] = await cluster(2);
    b!.bus.interest("seq.>", true);
    await b!.bus.sync();
    for (let i = 0; i < 1000; i++) a!.bus.publish(i % 2 === 0 ? "seq.even" : "seq.odd", frame(String(i)));
    await b!.events.until(() => b!.events.published.length >= 1000, "1000 messages");
    assert.deepEqual(
      b!.events.published.map((m) => Number(m.frame.toString())),
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  test("nicknames - unique across nodes, case-insensitive; directs reach the owning node", async () => {
    const [a, b] = await cluster(2);
    assert.equal(await a!.bus.claimNick("Ana"), true);
    assert.equal(await b!.bus.claimNick("ana"), false);
    assert.equal(await b!.bus.claimNick("Bob"), true);
    assert.equal(await a!.bus.direct("BOB", frame("psst")), true);
    await b!.events.until(() => b!.events.directs.length === 1, "a direct");
    assert.deepEqual(b!.events.directs[0], { nick: "BOB", frame: frame("psst") });
    assert.equal(await a!.bus.direct("nobody", frame("x")), false);
    assert.equal(await a!.bus.changeNick("Ana", "bob"), false);
    assert.equal(await a!.bus.changeNick("Ana", "Anita"), true);
    assert.equal(await b!.bus.claimNick("ana"), true, "the old nickname was released");
    b!.bus.releaseNick("Bob");
    await b!.bus.sync();
    assert.equal(await a!.bus.direct("bob", frame("x")), false);
  });

  test("presence - who and rooms aggregate nodes; changes reach the other nodes", async () => {
    const [a, b, c] = await cluster(3);
    a!.bus.setPresence("lobby", "ana", true);
    b!.bus.setPresence("lobby", "bob", true);
    b!.bus.setPresence("dev", "bob", true);
    await c!.events.until(() => c!.events.presence.length >= 3, "three joins on c");
    assert.deepEqual(await c!.bus.who("lobby"), ["ana", "bob"]);
    assert.deepEqual(await a!.bus.rooms(), [
      { room: "dev", members: 1 },
      { room: "lobby", members: 2 },
    ]);
    b!.bus.setPresence("dev", "bob", false);
    await a!.events.until(() => a!.events.presence.some((p) => p.kind === "leave"), "a leave on a");
    assert.deepEqual(await a!.bus.rooms(), [{ room: "lobby", members: 2 }]);
    await a!.bus.claimNick("ana");
    await a!.bus.changeNick("ana", "anna");
    await b!.events.until(() => b!.events.presence.some((p) => p.kind === "nick"), "a nick change on b");
    assert.deepEqual(
      b!.events.presence.find((p) => p.kind === "nick"),
      {
        kind: "nick",
        room: "lobby",
        nick: "anna",
        oldNick: "ana",
        node: "node-0",
      },
    );
    assert.deepEqual(await c!.bus.who("lobby"), ["anna", "bob"]);
    assert.equal(
      a!.events.presence.some((p) => p.node === "node-0"),
      false,
      "a node does not hear its own changes",
    );
  });

  test("requests - routed to a responder on another node, and the reply comes back", async () => {
    const [a, b] = await cluster(2);
    assert.equal(
      await a!.bus.routeRequest({
        token: "t0",
        name: "math.sum",
        from: "ana",
        headers: [],
        payload: frame(""),
      }),
      false,
    );
    b!.bus.responder("math.*", true);
    await b!.bus.sync();
    const routed = await a!.bus.routeRequest({
      token: "t1",
      name: "math.sum",
      from: "ana",
      headers: [["k", "v"]],
      payload: Buffer.from([1, 2]),
    });
    assert.equal(routed, true);
    await b!.events.until(() => b!.events.requests.length === 1, "the request on b");
    const request = b!.events.requests[0]!;
    assert.deepEqual(request, {
      token: "t1",
      name: "math.sum",
      from: "ana",
      headers: [["k", "v"]],
      payload: Buffer.from([1, 2]),
      replyNode: "node-0",
    });
    b!.bus.reply(request.replyNode, request.token, 0, [["r", "1"]], frame("3"));
    await a!.events.until(() => a!.events.replies.length === 1, "the reply on a");
    assert.deepEqual(a!.events.replies[0], {
      token: "t1",
      status: 0,
      headers: [["r", "1"]],
      payload: frame("3"),
    });
    assert.equal(
      await a!.bus.routeRequest({
        token: "t2",
        name: "text.upper",
        from: "ana",
        headers: [],
        payload: frame(""),
      }),
      false,
    );
  });

  test("start - Redis down at start is ECLUSTER with the address", async () => {
    const port = await freePort();
    const bus = new RedisBus({ url: `redis://:secret@127.0.0.1:${port}`, connectTimeoutMs: 1000 });
    await assert.rejects(bus.start(new Recorder()), (error: unknown) => {
      assert.ok(isEnchufeError(error, "ECLUSTER"));
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });

  test("options - invalid values fail at construction with EOPTION", () => {
    assert.throws(
      () => new RedisBus({ url: "http://x" }),
      (e: unknown) => isEnchufeError(e, "EOPTION"),
    );
    assert.throws(
      () => new RedisBus({ url: "redis://127.0.0.1:1", heartbeatMs: 1000, nodeTtlMs: 1500 }),
      (e: unknown) => isEnchufeError(e, "EOPTION"),
    );
  });

  test("a node that stops heartbeating leaves presence within nodeTtlMs", async () => {
    const ttl = 800;
    const heartbeat = 200;
    const prefix = `test${++prefixCount}`;
    const watcher = new RedisBus({
      url: redis.url,
      prefix,
      nodeId: "watcher",
      nodeTtlMs: ttl,
      heartbeatMs: heartbeat,
    });
    open.push(watcher);
    const events = new Recorder();
    await watcher.start(events);
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "test/bus/fixtures/bus-node.ts",
        redis.url,
        prefix,
        "doomed",
        "zoe",
        "lobby",
        String(ttl),
        String(heartbeat),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await once(child.stdout!, "data");
      assert.deepEqual(await watcher.who("lobby"), ["zoe"]);
      assert.equal(await watcher.claimNick("Zoe"), false);
      const killedAt = Date.now();
      process.kill(child.pid!, "SIGKILL");
      await once(child, "exit");
      await events.until(
        () => events.presence.some((p) => p.kind === "leave" && p.nick === "zoe"),
        "zoe to leave",
        5000,
      );
      const elapsed = Date.now() - killedAt;
      assert.ok(elapsed <= ttl + 2 * heartbeat + 300, `left after ${elapsed} ms`);
      assert.deepEqual(await watcher.who("lobby"), []);
      assert.deepEqual(await watcher.rooms(), []);
      assert.equal(await watcher.claimNick("Zoe"), true, "a dead node's nicknames are free again");
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
    }
  });
});

describe("RedisBus outage", () => {
  let own: TestRedis;
  before(async () => {
    own = await startRedis();
  });
  after(async () => {
    await own.stop();
  });

  test("Redis killed and restarted during traffic: local state kept, down once, resynced, presence restored", async () => {
    const options = {
      url: own.url,
      prefix: "outage",
      reconnectMaxMs: 200,
      heartbeatMs: 200,
      nodeTtlMs: 2000,
    };
    const a = new RedisBus({ ...options, nodeId: "a" });
    const b = new RedisBus({ ...options, nodeId: "b" });
    open.push(a, b);
    const ea = new Recorder();
    const eb = new Recorder();
    await a.start(ea);
    await b.start(eb);
    b.interest("news", true);
    await a.claimNick("ana");
    await b.claimNick("bob");
    a.setPresence("lobby", "ana", true);
    b.setPresence("lobby", "bob", true);
    await eb.until(() => eb.presence.length === 1, "ana's join on b");
    await ea.until(() => ea.presence.length === 1, "bob's join on a");
    await b.sync();

    let sent = 0;
    const traffic = setInterval(() => a.publish("news", frame(String(sent++))), 5);
    try {
      await eb.until(() => eb.published.length >= 5, "traffic before the outage");
      await own.kill();
      await ea.until(() => ea.states.includes("down"), "a down");
      await eb.until(() => eb.states.includes("down"), "b down");
      // Local knowledge keeps answering, and a user can still join or change nickname meanwhile.
      assert.deepEqual(await a.who("lobby"), ["ana"]);
      assert.equal(await a.claimNick("carla"), true);
      a.setPresence("lobby", "carla", true);
      assert.equal(await a.direct("bob", frame("x")), false);
      await own.restart();
      await ea.until(() => ea.states.includes("resynced"), "a resynced", 8000);
      await eb.until(() => eb.states.includes("resynced"), "b resynced", 8000);
      const before = eb.published.length;
      await eb.until(() => eb.published.length >= before + 5, "traffic after the outage", 5000);
    } finally {
      clearInterval(traffic);
    }
    assert.deepEqual(ea.states, ["up", "down", "resynced"]);
    assert.deepEqual(eb.states, ["up", "down", "resynced"]);
    assert.deepEqual(await b.who("lobby"), ["ana", "bob", "carla"]);
    assert.equal(await b.claimNick("Carla"), false);
    assert.equal(await b.direct("ana", frame("back")), true);
    await ea.until(() => ea.directs.length === 1, "a direct after the outage");
    // At most once, in order: what b received is increasing, with a gap where Redis was away.
    const numbers = eb.published.map((m) => Number(m.frame.toString()));
    assert.ok(
      numbers.every((n, i) => i === 0 || n > numbers[i - 1]!),
      "increasing",
    );
    await a.close();
    await eb.until(
      () => eb.presence.filter((p) => p.kind === "leave").length >= 2,
      "a's users leave when a closes",
    );
    assert.deepEqual(await b.who("lobby"), ["bob"]);
  });
});
