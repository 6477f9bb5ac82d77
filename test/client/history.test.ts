/**
 * The client library on protocol version 2 (docs/PROTOCOL.md §2.5), against real servers on real sockets:
 * subscriptions that resume after a cut connection or a server restart with every message once and in
 * order, acknowledged publishes that survive a cut (sent again, deduplicated), replay starts, history
 * reads, and the bound of what waits for an acknowledgement.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import type { Message, ReplayInfo, Subscription } from "../../src/client/subscription.js";
import { isEnchufeError } from "../../src/errors.js";
import { resolveMessagingOptions } from "../../src/server/limits.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { createServer, type EnchufeServer } from "../../src/server/server.js";
import { type HistoryStore, MemoryHistoryStore, openFileHistoryStore } from "../../src/store/index.js";
import { cutFeed } from "../helpers/cut-feed.js";
import { type CutProxy, startCutProxy } from "../helpers/cut-proxy.js";
import { take } from "../helpers/take.js";

const servers = new Set<EnchufeServer>();
const clients = new Set<EnchufeClient>();
const proxies = new Set<CutProxy>();
const dirs: string[] = [];
after(async () => {
  await Promise.all([...clients].map((c) => c.close()));
  await Promise.all([...proxies].map((p) => p.close()));
  await Promise.all([...servers].map((s) => s.close()));
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const FAST = { initialDelayMs: 20, maxDelayMs: 100 };

async function startServer(
  history: HistoryStore | false,
  port = 0,
): Promise<{ server: EnchufeServer; port: number }> {
  const handler = new MessagingHandler(resolveMessagingOptions({ lang: "en", history }));
  const server = createServer({ port, handler, shutdownTimeoutMs: 1000 });
  servers.add(server);
  const bound = await server.listen();
  return { server, port: bound.port };
}

async function stopServer(server: EnchufeServer): Promise<void> {
  await server.close();
  servers.delete(server);
}

async function client(port: number, options: Parameters<typeof connect>[0] = {}): Promise<EnchufeClient> {
  const c = await connect({ port, timeoutMs: 3000, reconnect: FAST, ...options });
  clients.add(c);
  return c;
}

/** The `replayed` event of `subscription`. */
function replayOf(c: EnchufeClient, subscription: Subscription<Message>): Promise<ReplayInfo> {
  return new Promise((resolve) => {
    const listener = (replay: ReplayInfo) => {
      if (replay.subscription !== subscription) return;
      c.off("replayed", listener);
      resolve(replay);
    };
    c.on("replayed", listener);
  });
}

const text = (m: Message) => Buffer.from(m.payload).toString("utf8");
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => String(from + i));

/** Every message once, in order: the payloads are `expected` and the positions grow. */
function assertOnceInOrder(messages: Message[], expected: string[]): void {
  assert.equal(messages.length, expected.length, `${messages.length} messages, expected ${expected.length}`);
  const got = messages.map(text);
  const firstWrong = got.findIndex((payload, i) => payload !== expected[i]);
  assert.equal(
    firstWrong,
    -1,
    `message ${firstWrong} is ${got[firstWrong]}, expected ${expected[firstWrong]}`,
  );
  for (let i = 1; i < messages.length; i++) {
    assert.ok(messages[i]!.position > messages[i - 1]!.position, `positions do not grow at ${i}`);
  }
}

describe("client library, protocol version 2: resume and acknowledged publishes", () => {
  test("a subscriber cut during 10,000 publishes reconnects and gets every message once, in order", async () => {
    const { port } = await startServer(new MemoryHistoryStore({ perTopic: 20_000 }));
    const proxy = await startCutProxy(port);
    proxies.add(proxy);
    const sub = await client(proxy.port);
    const pub = await client(port);
    const feed = await cutFeed({ proxy, sub, pub, total: 10_000, beforeCut: 4000, taken: 3000 });
    const replays = feed.replays;
    assertOnceInOrder(feed.messages, range(0, 10_000));
    // The resumed subscription's replay said nothing was lost.
    // The first (start: only new messages), then one after the cut, which replayed what was missed.
    assert.equal(replays.length, 2);
    assert.ok(replays[1]!.count >= 6000, String(replays[1]!.count));
    assert.ok(replays.every((replay) => replay.recovered));
    await pub.flush();
    await sub.flush();
    assert.equal(feed.queue.size, 0, "no duplicate after the last message");
  });

  test("acknowledged publishes cut mid-stream are sent again: every one acknowledged, each kept once", async () => {
    const { port } = await startServer(new MemoryHistoryStore({ perTopic: 5000 }));
    const proxy = await startCutProxy(port);
    proxies.add(proxy);
    const pub = await client(proxy.port);
    let acked = 0;
    const acks = Array.from({ length: 2000 }, (_, i) =>
      pub.publishAcked("orders", String(i)).then((ack) => {
        acked++;
        return ack;
      }),
    );
    while (acked < 500) await new Promise((resolve) => setImmediate(resolve));
    await proxy.cut();
    const results = await Promise.all(acks);
    const positions = results.map((ack) => ack.position);
    assert.ok(positions.every((position, i) => i === 0 || position > positions[i - 1]!));
    const reader = await client(port);
    const kept = await reader.history("orders", { last: 5000 });
    assertOnceInOrder(kept.messages, range(0, 2000));
    assert.deepEqual(
      kept.messages.map((m) => m.position),
      positions,
    );
  });

  test("a subscriber resumes across a server restart with --data: every message once, in order", async () => {
    const dir = await mkdtemp(join(tmpdir(), "enchufe-resume-"));
    dirs.push(dir);
    const firstStore = await openFileHistoryStore({ directory: dir, fsync: "never" });
    const first = await startServer(firstStore.store);
    const port = first.port;
    const sub = await client(port);
    const messages = sub.subscribe("log");
    await sub.flush();
    const pub = await client(port, { reconnect: false });
    for (let i = 0; i < 300; i++) await pub.publishAcked("log", String(i));
    const before = await take(messages, 300);
    await pub.close();
    clients.delete(pub);
    const down = new Promise((resolve) => sub.once("disconnected", resolve));
    await stopServer(first.server);
    await firstStore.store.close();
    await down;
    const secondStore = await openFileHistoryStore({ directory: dir, fsync: "never" });
    assert.equal(secondStore.store.epoch, firstStore.store.epoch);
    await startServer(secondStore.store, port);
    // Published before the subscriber is back: it gets them from the replay, then the rest live.
    const pub2 = await client(port);
    const resumed = replayOf(sub, messages);
    for (let i = 300; i < 400; i++) await pub2.publishAcked("log", String(i));
    assert.equal((await resumed).recovered, true);
    for (let i = 400; i < 600; i++) pub2.publish("log", String(i));
    const after = await take(messages, 300);
    assertOnceInOrder([...before, ...after], range(0, 600));
    await pub2.close();
    clients.delete(pub2);
    await sub.close();
    clients.delete(sub);
    await secondStore.store.close();
  });

  test("a subscription starts from the last N, a position or a time; replayed says whether all was kept", async () => {
    const { port } = await startServer(new MemoryHistoryStore({ perTopic: 5 }));
    const c = await client(port);
    const acks = [];
    for (let i = 0; i < 8; i++) acks.push(await c.publishAcked("room", String(i)));
    assert.ok(acks.every((ack) => !ack.duplicate && ack.position > 0));

    const last = c.subscribe("room", { start: { last: 3 } });
    const lastDone = replayOf(c, last);
    assert.deepEqual((await take(last, 3)).map(text), ["5", "6", "7"]);
    const lastInfo = await lastDone;
    assert.equal(lastInfo.count, 3);
    assert.equal(lastInfo.recovered, true);

    // From the first position: 0, 1 and 2 are gone (5 kept per topic), so not recovered.
    const since = c.subscribe("room", { start: { since: acks[0]!.position } });
    const sinceDone = replayOf(c, since);
    const replayed = await take(since, 5);
    assert.deepEqual(replayed.map(text), ["3", "4", "5", "6", "7"]);
    assert.equal((await sinceDone).recovered, false);
    assert.ok(replayed.every((m) => typeof m.time === "number" && m.time > 0));

    const byTime = c.subscribe("room", { start: { sinceTime: new Date(replayed[3]!.time!) } });
    const timeDone = replayOf(c, byTime);
    const fromTime = await take(byTime, (await timeDone).count);
    assert.ok(fromTime.map(text).includes("6") && fromTime.map(text).includes("7"));

    // Then live, once: every subscription gets the next message, none twice.
    c.publish("room", "live");
    for (const subscription of [last, since, byTime]) {
      assert.deepEqual((await take(subscription, 1)).map(text), ["live"]);
    }
    await c.flush();
    assert.deepEqual(
      [last, since, byTime].map((subscription) => subscription.queue.size),
      [0, 0, 0],
    );

    const read = await c.history("room", { last: 2 });
    assert.deepEqual(read.messages.map(text), ["7", "live"]);
    assert.equal(read.recovered, true);
    assert.equal(read.epoch, lastInfo.epoch);
    assert.throws(
      () => c.subscribe("room", { group: "workers", start: { last: 1 } }),
      (error) => isEnchufeError(error, "EOPTION"),
    );
  });

  test("while disconnected, acknowledged publishes wait within the bound: past it EBUFFERFULL, the rest acked", async () => {
    const first = await startServer(new MemoryHistoryStore());
    const port = first.port;
    const pub = await client(port, { maxBufferedMessages: 3 });
    const down = new Promise((resolve) => pub.once("disconnected", resolve));
    await stopServer(first.server);
    await down;
    const waiting = [0, 1, 2].map((i) => pub.publishAcked("q", String(i)));
    await assert.rejects(pub.publishAcked("q", "3"), (error) => isEnchufeError(error, "EBUFFERFULL"));
    await startServer(new MemoryHistoryStore(), port);
    const acks = await Promise.all(waiting);
    assert.deepEqual(
      acks.map((ack) => ack.duplicate),
      [false, false, false],
    );
    const reader = await client(port);
    assert.deepEqual((await reader.history("q", { last: 10 })).messages.map(text), ["0", "1", "2"]);
  });

  test("a server with --history 0 acknowledges with position 0 and says a resumed replay is not recovered", async () => {
    const { port } = await startServer(false);
    const proxy = await startCutProxy(port);
    proxies.add(proxy);
    const c = await client(proxy.port);
    assert.deepEqual(await c.publishAcked("t", "x"), { position: 0, duplicate: false });
    const subscription = c.subscribe("t");
    assert.equal((await replayOf(c, subscription)).recovered, true);
    const resumed = replayOf(c, subscription);
    await proxy.cut();
    // What was published while it was away is gone: the client is told so, never a silent gap.
    assert.equal((await resumed).recovered, false);
    const closed = c.close();
    await assert.rejects(c.publishAcked("t", "y"), (error) => isEnchufeError(error, "ECLOSED"));
    await closed;
  });
});
