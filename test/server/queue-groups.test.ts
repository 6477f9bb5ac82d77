import assert from "node:assert/strict";
import { once } from "node:events";
import { afterEach, describe, test } from "node:test";
import type { Frame } from "../../src/protocol/frames.js";
import { ErrCode, encodeFrame, ReplyStatus } from "../../src/protocol/frames.js";
import { FramedClient, startTestServer, type TestServer, TextClient, text } from "../helpers/framed.js";

type Gmsg = Extract<Frame, { type: "GMSG" }>;

let server: TestServer | undefined;
const open: FramedClient[] = [];

afterEach(async () => {
  for (const client of open.splice(0)) client.close();
  await server?.close();
  server = undefined;
});

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  server = await startTestServer(options);
  return server;
}

async function framed(name: string): Promise<FramedClient> {
  const client = await FramedClient.connect(server!.port, name);
  open.push(client);
  return client;
}

/** A member of group `group` on `pattern` with subscription id `sid`, in place on the server. */
async function member(name: string, sid: number, pattern = "jobs", group = "workers"): Promise<FramedClient> {
  const client = await framed(name);
  client.send({ type: "GSUB", sid, pattern, group });
  await client.flush();
  return client;
}

function publishMany(publisher: FramedClient, from: number, count: number, size = 0): void {
  // One write: the server reads them in one turn, so they reach the router as one batch.
  const frames: Buffer[] = [];
  for (let n = from; n < from + count; n++) {
    const payload = Buffer.alloc(Math.max(size, 8), " ");
    payload.write(`m${n}`);
    frames.push(encodeFrame({ type: "PUB", topic: "jobs", headers: [], payload }));
  }
  publisher.socket.write(Buffer.concat(frames));
}

/** Every GMSG a client has received so far (taken out of its inbox). */
function taken(client: FramedClient): Gmsg[] {
  const out: Gmsg[] = [];
  for (let i = client.frames.items.length - 1; i >= 0; i--) {
    const frame = client.frames.items[i]!;
    if (frame.type === "GMSG") {
      out.unshift(frame);
      client.frames.items.splice(i, 1);
    }
  }
  return out;
}

/** After the publisher's PONG every publish was routed; after each member's PONG it has read its share. */
async function settle(publisher: FramedClient, members: FramedClient[]): Promise<void> {
  await publisher.flush();
  await Promise.all(members.map((client) => client.flush()));
}

function names(frames: Gmsg[]): string[] {
  return frames.map((frame) => text(frame.payload).trim());
}

describe("queue groups", () => {
  test("groups - 3 members get every message exactly once between them, round robin", async () => {
    await start();
    const members = [await member("w1", 7), await member("w2", 8), await member("w3", 9)];
    const publisher = await framed("boss");
    publishMany(publisher, 0, 300); // one batch, split over the members
    for (let n = 300; n < 330; n++) publisher.publish("jobs", `m${n}`); // separate reads, mostly
    await settle(publisher, members);
    const got = members.map(taken);
    const all = got.flatMap(names);
    assert.equal(all.length, 330, "every message delivered");
    assert.equal(new Set(all).size, 330, "no message twice");
    const counts = got.map((frames) => frames.length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `round robin: ${counts}`);
    got.forEach((frames, index) => {
      for (const frame of frames) {
        assert.equal(frame.sid, 7 + index, "a GMSG names the member's own sid");
        assert.equal(frame.topic, "jobs");
        assert.equal(frame.from, "boss");
      }
    });
    // Each member sees its messages in publish order.
    for (const frames of got) {
      const numbers = names(frames).map((name) => Number(name.slice(1)));
      assert.deepEqual(
        numbers,
        [...numbers].sort((a, b) => a - b),
      );
    }
  });

  test("groups - a plain subscriber beside a group gets every message as MSG, never a GMSG", async () => {
    await start();
    const members = [await member("w1", 1), await member("w2", 2)];
    const plain = await framed("plain");
    plain.subscribe(1, "jobs");
    await plain.flush();
    const publisher = await framed("boss");
    publishMany(publisher, 0, 50);
    await settle(publisher, [...members, plain]);
    const frames = plain.frames.items.splice(0);
    assert.deepEqual(
      frames.map((frame) => frame.type),
      Array(50).fill("MSG"),
    );
    assert.deepEqual(
      frames.map((frame) => (frame.type === "MSG" ? text(frame.payload).trim() : "")),
      Array.from({ length: 50 }, (_, n) => `m${n}`),
    );
    assert.equal(members.flatMap(taken).length, 50);
  });

  test("groups - a killed member's share moves to the others", async () => {
    const { handler } = await start();
    const members = [await member("w1", 1), await member("w2", 1), await member("w3", 1)];
    const publisher = await framed("boss");
    publishMany(publisher, 0, 30);
    await settle(publisher, members);
    assert.deepEqual(
      members.map((client) => taken(client).length),
      [10, 10, 10],
    );
    const gone = once(handler, "disconnect");
    members[1]!.close();
    await gone;
    publishMany(publisher, 30, 30);
    for (let n = 60; n < 70; n++) publisher.publish("jobs", `m${n}`);
    const alive = [members[0]!, members[2]!];
    await settle(publisher, alive);
    const got = alive.map(taken);
    assert.deepEqual(
      got.map((frames) => frames.length),
      [20, 20],
    );
    assert.equal(new Set(got.flatMap(names)).size, 40);
  });

  test("groups - UNSUB of a group subscription ends its share; the group lives on", async () => {
    await start();
    const first = await member("w1", 3);
    const second = await member("w2", 4);
    first.send({ type: "UNSUB", sid: 3 });
    await first.flush();
    const publisher = await framed("boss");
    publishMany(publisher, 0, 10);
    await settle(publisher, [first, second]);
    assert.equal(taken(first).length, 0);
    assert.equal(taken(second).length, 10);
  });

  test("groups - same group name on another pattern, or another name, is another group", async () => {
    await start();
    const a = await member("a", 1, "jobs", "workers");
    const b = await member("b", 1, "jobs", "auditors");
    const c = await member("c", 1, "jobs.>", "workers");
    const publisher = await framed("boss");
    publishMany(publisher, 0, 6);
    await settle(publisher, [a, b, c]);
    assert.equal(taken(a).length, 6);
    assert.equal(taken(b).length, 6);
    assert.equal(taken(c).length, 0, "jobs.> does not match jobs");
  });

  test("groups - a slow member is skipped, not cut off, and gets work again once it reads", {
    timeout: 60_000,
  }, async () => {
    const maxPendingBytes = 1024 * 1024;
    const { handler } = await start({ maxPendingBytes });
    const slowBytes = maxPendingBytes / 2;
    let cutOff = 0;
    handler.on("slowConsumer", () => cutOff++);
    const stuck = await member("stuck", 1);
    const busy = await member("busy", 1);
    const publisher = await framed("boss");
    stuck.socket.pause(); // it stops reading: the kernel buffers fill, then the server's pending output
    const stuckPending = () =>
      handler.connections().find((connection) => connection.nick === "stuck")?.pendingBytes ?? -1;
    // Bounded: at most 64 MiB in 16 KiB messages (loopback buffers take a few MiB before output waits).
    let sent = 0;
    for (let round = 0; round < 128 && stuckPending() < slowBytes; round++) {
      publishMany(publisher, sent, 32, 16 * 1024);
      sent += 32;
      await publisher.flush();
    }
    assert.ok(stuckPending() >= slowBytes, `the stuck member fell behind (${stuckPending()} bytes)`);
    // While behind, it gets nothing more: every new message goes to the member that keeps up.
    const before = stuckPending();
    busy.frames.items.splice(0);
    publishMany(publisher, sent, 100, 1024);
    sent += 100;
    await settle(publisher, [busy]);
    assert.equal(stuckPending(), before, "nothing more was queued for the stuck member");
    assert.equal(taken(busy).length, 100 + 0, "the busy member got all 100");
    assert.equal(cutOff, 0, "skipped, not cut off");
    assert.equal(stuck.socket.destroyed, false);
    // It reads again; after its PONG its output is drained and it is back in the rotation.
    stuck.socket.resume();
    await stuck.flush();
    stuck.frames.items.splice(0);
    publishMany(publisher, sent, 10);
    await settle(publisher, [stuck, busy]);
    assert.equal(taken(stuck).length, 5);
    assert.equal(taken(busy).length, 5);
    assert.equal(cutOff, 0);
  });

  test("groups - GSUB with an invalid group name gets ERR INVALID_TOPIC with the sid; the session goes on", async () => {
    await start();
    const client = await framed("w");
    client.send({ type: "GSUB", sid: 5, pattern: "jobs", group: "bad group" });
    const err = await client.next("ERR");
    assert.equal(err.code, ErrCode.INVALID_TOPIC);
    assert.equal(err.ref, 5);
    assert.match(err.message, /queue group/);
    client.send({ type: "GSUB", sid: 6, pattern: "jobs..x", group: "ok" });
    assert.equal((await client.next("ERR")).ref, 6);
    await client.flush();
  });

  test("groups - GSUB with a sid in use gets DUPLICATE_SID; a GMSG from a client is a protocol error", async () => {
    await start();
    const client = await framed("w");
    client.subscribe(1, "jobs");
    client.send({ type: "GSUB", sid: 1, pattern: "jobs", group: "workers" });
    assert.equal((await client.next("ERR")).code, ErrCode.DUPLICATE_SID);
    client.send({ type: "GMSG", sid: 1, topic: "jobs", from: "x", headers: [], payload: Buffer.from("x") });
    assert.equal((await client.next("ERR")).code, ErrCode.PROTOCOL);
    await client.frames.whenEnded();
  });
});

describe("queue groups and text users", () => {
  test("groups - /join ROOM GROUP tells a text user that queue groups are for programs", async () => {
    await start();
    const { client } = await TextClient.connect(server!.port);
    try {
      client.send("/join jobs workers");
      assert.equal(
        await client.nextStarting("!"),
        "! text users cannot join queue groups (each message to one worker): that is for programs, `enchufe sub jobs --group workers`; /join jobs gets you every line",
      );
      client.send("/join two words here");
      assert.match(await client.nextStarting("!"), /^! invalid room/);
      client.send("/who");
      assert.match(await client.nextStarting("*"), /^\* in general:/, "still in its room");
    } finally {
      client.close();
    }
  });
});

/** Answers the next `count` requests with its own name; resolves with how many it answered. */
async function answer(responder: FramedClient, count: number, name: string): Promise<number> {
  for (let n = 0; n < count; n++) {
    const request = await responder.next("REQMSG");
    responder.send({
      type: "RESPOND",
      token: request.token,
      status: 0,
      headers: [],
      payload: Buffer.from(name),
    });
  }
  return count;
}

async function requests(requester: FramedClient, from: number, count: number): Promise<string[]> {
  for (let n = 0; n < count; n++) {
    requester.send({
      type: "REQ",
      reqId: from + n,
      name: "work",
      timeoutMs: 5000,
      headers: [],
      payload: Buffer.from("x"),
    });
  }
  const answers: string[] = [];
  for (let n = 0; n < count; n++) {
    const reply = await requester.next("REPLY", (frame) => frame.reqId === from + n);
    assert.equal(reply.status, ReplyStatus.OK);
    answers.push(text(reply.payload));
  }
  return answers;
}

describe("responder balancing", () => {
  test("responders - one that falls behind is passed over, not cut off, and gets requests again after it reads", {
    timeout: 60_000,
  }, async () => {
    const maxPendingBytes = 1024 * 1024;
    const { handler } = await start({ maxPendingBytes });
    let cutOff = 0;
    handler.on("slowConsumer", () => cutOff++);
    const stuck = await framed("stuck");
    stuck.subscribe(1, "work", true);
    stuck.subscribe(2, "flood");
    await stuck.flush();
    const busy = await framed("busy");
    busy.subscribe(1, "work", true);
    await busy.flush();
    const publisher = await framed("flooder");
    stuck.socket.pause();
    const stuckPending = () => handler.connections().find((c) => c.nick === "stuck")?.pendingBytes ?? -1;
    const payload = Buffer.alloc(16 * 1024, "f");
    const burst = Buffer.concat(
      Array.from({ length: 32 }, () => encodeFrame({ type: "PUB", topic: "flood", headers: [], payload })),
    );
    // Bounded: at most 64 MiB (loopback buffers take a few MiB before output waits in the server).
    for (let round = 0; round < 128 && stuckPending() < maxPendingBytes / 2; round++) {
      publisher.socket.write(burst);
      await publisher.flush();
    }
    assert.ok(stuckPending() >= maxPendingBytes / 2, `the stuck responder fell behind (${stuckPending()})`);
    const requester = await framed("asker");
    const [answers] = await Promise.all([requests(requester, 1, 10), answer(busy, 10, "busy")]);
    assert.deepEqual(answers, Array(10).fill("busy"), "every request went to the responder that keeps up");
    assert.equal(cutOff, 0);
    stuck.socket.resume();
    await stuck.flush();
    const [again] = await Promise.all([
      requests(requester, 100, 10),
      answer(stuck, 5, "stuck"),
      answer(busy, 5, "busy"),
    ]);
    assert.equal(again.filter((name) => name === "stuck").length, 5, "back in the rotation");
  });
});
