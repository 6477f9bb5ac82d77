import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encodeFrame, type Frame } from "../../src/protocol/frames.js";
import { FramedClient, text } from "../helpers/framed.js";
import { clusterFixture, type Node, startNode } from "./helpers.js";

type Gmsg = Extract<Frame, { type: "GMSG" }>;

const cluster = clusterFixture();

/** A member of `group` on `jobs` that also hears `done` (plain): in place on every node once this resolves. */
async function member(node: Node, name: string, group: string): Promise<FramedClient> {
  const client = await FramedClient.connect(node.port, name);
  cluster.track(client);
  client.send({ type: "GSUB", sid: 1, pattern: "jobs", group });
  client.subscribe(2, "done");
  await client.flush();
  return client;
}

async function publisher(node: Node, name: string): Promise<FramedClient> {
  const client = await FramedClient.connect(node.port, name);
  cluster.track(client);
  return client;
}

/**
 * Waits until `member` has the `done` message of every publisher: a node writes a publisher's group
 * messages to its members before that publisher's later `done`, so by then the member has its share.
 */
async function share(member: FramedClient, publishers: readonly string[]): Promise<Gmsg[]> {
  for (const from of publishers) await member.next("MSG", (msg) => msg.topic === "done" && msg.from === from);
  await member.flush();
  const frames = member.frames.items.filter((frame): frame is Gmsg => frame.type === "GMSG");
  member.frames.items.length = 0;
  return frames;
}

describe("cluster - queue groups and responders across nodes", () => {
  test("3 members x 3 nodes get every message exactly once between them; local members first", {
    timeout: 60_000,
  }, async () => {
    const members: FramedClient[][] = [];
    for (const [index, node] of cluster.nodes.entries()) {
      members.push([]);
      for (let m = 0; m < 3; m++) members[index]!.push(await member(node, `w${index}${m}`, "workers"));
    }
    const publishers = await Promise.all(cluster.nodes.map((node, index) => publisher(node, `boss${index}`)));
    for (const [index, boss] of publishers.entries()) {
      for (let n = 0; n < 90; n++) boss.publish("jobs", `${index}:${n}`);
    }
    for (const boss of publishers) boss.publish("done", "");
    const names = publishers.map((boss) => boss.welcome!.nick);
    const got = await Promise.all(members.map((row) => Promise.all(row.map((m) => share(m, names)))));
    const all = got.flat(2).map((frame) => text(frame.payload));
    assert.equal(all.length, 270, "every message delivered");
    assert.equal(new Set(all).size, 270, "no message twice");
    for (const [index, row] of got.entries()) {
      const here = row.flat().map((frame) => text(frame.payload));
      assert.ok(
        here.every((payload) => payload.startsWith(`${index}:`)),
        `node ${index}'s members, who keep up, got only that node's messages`,
      );
      assert.deepEqual(
        row.map((frames) => frames.length),
        [30, 30, 30],
        "round robin on each node",
      );
    }
  });

  test("a node without members hands its messages to the members on the other nodes, exactly once", {
    timeout: 60_000,
  }, async () => {
    const [, b, c] = cluster.nodes as [Node, Node, Node];
    const members = [
      await member(b, "r1", "resizers"),
      await member(b, "r2", "resizers"),
      await member(c, "r3", "resizers"),
    ];
    // A node started now reads the registry at start: it knows the group at once.
    const fresh = await startNode(cluster.redis.url);
    const boss = await publisher(fresh, "boss-fresh");
    for (let round = 0; round < 10; round++) {
      for (let n = 0; n < 10; n++) boss.publish("jobs", `${round}.${n}`);
      await boss.flush(); // separate batches: the node turns to the other nodes in turn
    }
    boss.publish("done", "");
    const got = await Promise.all(members.map((m) => share(m, [boss.welcome!.nick])));
    const all = got.flat().map((frame) => text(frame.payload));
    assert.equal(all.length, 100);
    assert.equal(new Set(all).size, 100);
    const onB = got[0]!.length + got[1]!.length;
    const onC = got[2]!.length;
    assert.ok(onB > 0 && onC > 0, `both nodes got work (b ${onB}, c ${onC})`);
  });

  test("when a node's last member leaves, that node's messages go to the members elsewhere", {
    timeout: 60_000,
  }, async () => {
    const [a, b] = cluster.nodes as [Node, Node, Node];
    const local = await member(a, "t1", "testers");
    const remote = await member(b, "t2", "testers");
    const boss = await publisher(a, "boss-leave");
    boss.publish("jobs", "before");
    boss.publish("done", "");
    assert.deepEqual(
      (await share(local, [boss.welcome!.nick])).map((frame) => text(frame.payload)),
      ["before"],
    );
    assert.equal((await share(remote, [boss.welcome!.nick])).length, 0, "local first");
    local.send({ type: "UNSUB", sid: 1 });
    await local.flush();
    boss.publish("jobs", "after");
    boss.publish("done", "");
    assert.deepEqual(
      (await share(remote, [boss.welcome!.nick])).map((frame) => text(frame.payload)),
      ["after"],
    );
    assert.equal((await share(local, [boss.welcome!.nick])).length, 0);
  });

  test("a member that falls behind is skipped, not cut off: its node hands the messages to a member elsewhere", {
    timeout: 60_000,
  }, async () => {
    const far = await member(cluster.nodes[1]!, "far", "slowpokes");
    // Started after the group exists elsewhere: the node reads the registry at start.
    const node = await startNode(cluster.redis.url, ["--max-pending", "1048576", "--monitor", "0"]);
    const [, monitorPort] = await node.process.waitFor(
      /Live view on http:\/\/127\.0\.0\.1:(\d+)\//,
      "stderr",
    );
    const pendingOf = async (nick: string) => {
      const connz = (await (await fetch(`http://127.0.0.1:${monitorPort}/connz`)).json()) as {
        connections: Array<{ nick: string; pendingBytes: number }>;
      };
      return connz.connections.find((entry) => entry.nick === nick)?.pendingBytes;
    };
    const stuck = await member(node, "stuck", "slowpokes");
    stuck.subscribe(3, "flood");
    await stuck.flush();
    stuck.socket.pause();
    const boss = await publisher(node, "boss-slow");
    const payload = Buffer.alloc(16 * 1024, "f");
    const burst = Buffer.concat(
      Array.from({ length: 32 }, () => encodeFrame({ type: "PUB", topic: "flood", headers: [], payload })),
    );
    // Bounded: at most 64 MiB (loopback buffers take a few MiB before output waits in the server).
    for (let round = 0; round < 128 && ((await pendingOf("stuck")) ?? 0) < 512 * 1024; round++) {
      boss.socket.write(burst);
      await boss.flush();
    }
    const behind = (await pendingOf("stuck")) ?? 0;
    assert.ok(behind >= 512 * 1024, `the local member fell behind (${behind} bytes pending)`);
    for (let n = 0; n < 10; n++) boss.publish("jobs", `slow-${n}`);
    boss.publish("done", "");
    assert.deepEqual(
      (await share(far, [boss.welcome!.nick])).map((frame) => text(frame.payload)),
      Array.from({ length: 10 }, (_, n) => `slow-${n}`),
      "every message went to the member that keeps up, on the other node",
    );
    const done = encodeFrame({
      type: "MSG",
      private: false,
      topic: "done",
      from: boss.welcome!.nick,
      headers: [],
      payload: Buffer.alloc(0),
    });
    // At most its plain `done` was queued (the kernel may have taken a few bytes meanwhile, never more).
    assert.ok(((await pendingOf("stuck")) ?? 0) <= behind + done.length, "no job was queued for it");
    assert.equal(stuck.socket.destroyed, false, "skipped, not cut off");
    await node.process.stop();
  });

  test("requests with no local responder go to the other nodes' responders in turn", {
    timeout: 60_000,
  }, async () => {
    const [a, b, c] = cluster.nodes as [Node, Node, Node];
    const responders: FramedClient[] = [];
    for (const node of [b, c]) {
      const responder = cluster.track(await FramedClient.connect(node.port, `calc-${node.port}`));
      responder.subscribe(1, "calc.rr", true);
      await responder.flush();
      responders.push(responder);
    }
    const asker = cluster.track(await FramedClient.connect(a.port, "asker"));
    const answer = async (responder: FramedClient, count: number) => {
      for (let n = 0; n < count; n++) {
        const request = await responder.next("REQMSG");
        const payload = Buffer.from(responder.welcome!.nick);
        responder.send({ type: "RESPOND", token: request.token, status: 0, headers: [], payload });
      }
    };
    const answering = Promise.all(responders.map((responder) => answer(responder, 10)));
    for (let n = 1; n <= 20; n++) {
      asker.send({
        type: "REQ",
        reqId: n,
        name: "calc.rr",
        timeoutMs: 10_000,
        headers: [],
        payload: Buffer.from(""),
      });
    }
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, n) => asker.next("REPLY", (reply) => reply.reqId === n + 1, 20_000)),
    );
    await answering;
    const counts = new Map<string, number>();
    for (const reply of replies) counts.set(text(reply.payload), (counts.get(text(reply.payload)) ?? 0) + 1);
    assert.deepEqual([...counts.values()], [10, 10], "ten each: round robin over the nodes, not at random");
  });
});
