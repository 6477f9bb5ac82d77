/**
 * The APUB dedupe window across a restart of `enchufe server --data DIR` (docs/HISTORY.md §4, §5): the
 * server is killed (SIGKILL) after the messages are on disk but before the publisher read its PUBACKs;
 * the same APUBs sent to the restarted server are answered DUPLICATE with the first positions, and the
 * history has each message once. With a raw framed connection, and with the client library's resend.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import { PubAckStatus } from "../../src/protocol/frames.js";
import { enchufe, stopAll } from "../helpers/cli.js";
import { type CutProxy, startCutProxy } from "../helpers/cut-proxy.js";
import { FramedClient, text } from "../helpers/framed.js";
import { take } from "../helpers/take.js";

const FAST = { initialDelayMs: 20, maxDelayMs: 100 };

describe("enchufe server --data: the dedupe window survives a kill -9", () => {
  const dirs: string[] = [];
  const clients = new Set<EnchufeClient>();
  const raws = new Set<FramedClient>();
  const proxies = new Set<CutProxy>();
  after(async () => {
    for (const raw of raws) raw.close();
    await Promise.all([...clients].map((c) => c.close()));
    await Promise.all([...proxies].map((p) => p.close()));
    await stopAll();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function client(port: number, options: Parameters<typeof connect>[0] = {}): Promise<EnchufeClient> {
    const c = await connect({ port, timeoutMs: 3000, reconnect: false, ...options });
    c.on("error", () => {});
    clients.add(c);
    return c;
  }

  async function raw(port: number): Promise<FramedClient> {
    const connection = await FramedClient.connect(port, "raw-publisher", true, 2);
    raws.add(connection);
    return connection;
  }

  function server(dir: string) {
    return enchufe(["server", "--port", "0", "--data", dir, "--lang", "en"]);
  }

  /** The payloads `orders` holds on the server at `port`, in order. */
  async function orders(port: number): Promise<Array<[number, string]>> {
    const reader = await client(port);
    const kept = await reader.history("orders", { last: 1000 });
    await reader.close();
    clients.delete(reader);
    return kept.messages.map((m) => [m.position, text(m.payload)]);
  }

  test("server --data - APUBs on disk, SIGKILL before their PUBACKs were read, restart: the same APUBs get DUPLICATE with the first positions, each message is kept once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "enchufe-dedupe-"));
    dirs.push(dir);
    const first = server(dir);
    const port = await first.port();
    const watcher = await client(port);
    const seen = watcher.subscribe("orders");
    await watcher.flush();
    const publisher = await raw(port);
    // The publisher reads nothing more: its PUBACKs stay unread in the socket until the server dies.
    publisher.socket.pause();
    const ids = ["o-1", "o-2", "o-3", "o-4", "o-5"];
    const apub = (id: string) =>
      ({ type: "APUB", id, topic: "orders", headers: [], payload: Buffer.from(`order ${id}`) }) as const;
    for (const id of ids) publisher.send(apub(id));
    // A subscriber gets a message only once the history wrote it: then it is in the file.
    const delivered = await take(seen, ids.length);
    const positions = delivered.map((m) => m.position);
    assert.deepEqual(
      delivered.map((m) => text(m.payload)),
      ids.map((id) => `order ${id}`),
    );
    assert.equal((await first.stop("SIGKILL")).signal, "SIGKILL");
    const read = publisher.frames.items.filter((frame) => frame.type === "PUBACK");
    assert.deepEqual(read, [], "no PUBACK was read before the kill");

    const second = server(dir);
    const again = await second.port();
    await second.waitFor(/History in .*: 5 messages kept of 5 read/, "stderr");
    await second.waitFor(/History: 5 acknowledged publish ids of the dedupe window read back/, "stderr");
    const resend = await raw(again);
    for (const id of ids) resend.send(apub(id));
    resend.send(apub("o-6"));
    const acks = [];
    for (let i = 0; i <= ids.length; i++) acks.push(await resend.next("PUBACK"));
    assert.deepEqual(
      acks.slice(0, ids.length).map((ack) => [ack.id, ack.status, ack.position]),
      ids.map((id, i) => [id, PubAckStatus.DUPLICATE, positions[i]]),
    );
    const fresh = acks[ids.length]!;
    assert.deepEqual([fresh.id, fresh.status], ["o-6", PubAckStatus.OK]);
    assert.ok(fresh.position > positions[positions.length - 1]!);
    assert.deepEqual(await orders(again), [
      ...ids.map((id, i): [number, string] => [positions[i]!, `order ${id}`]),
      [fresh.position, "order o-6"],
    ]);
    assert.equal((await second.stop("SIGTERM")).code, 0);
  });

  test("client library - publishAcked across a server SIGKILL and restart with --data: the resends are DUPLICATE, one copy per message", async () => {
    const dir = await mkdtemp(join(tmpdir(), "enchufe-dedupe-"));
    dirs.push(dir);
    const first = server(dir);
    const port = await first.port();
    const proxy = await startCutProxy(port);
    proxies.add(proxy);
    const watcher = await client(port);
    const seen = watcher.subscribe("orders");
    await watcher.flush();
    const publisher = await client(proxy.port, { reconnect: FAST });
    await publisher.flush();
    // The PUBACKs are lost on the way: the server keeps and delivers, the client never hears back.
    proxy.holdReplies();
    const count = 20;
    const acks = Array.from({ length: count }, (_, i) => publisher.publishAcked("orders", `order ${i}`));
    const positions = (await take(seen, count)).map((m) => m.position);
    const down = new Promise((resolve) => publisher.once("disconnected", resolve));
    assert.equal((await first.stop("SIGKILL")).signal, "SIGKILL");
    await down;

    const second = server(dir);
    proxy.retarget(await second.port());
    // The client reconnects through the proxy and sends its unacknowledged APUBs again, same ids.
    const answered = await Promise.all(acks);
    assert.deepEqual(
      answered,
      positions.map((position) => ({ position, duplicate: true })),
    );
    const kept = await orders(await second.port());
    assert.deepEqual(
      kept.map(([, payload]) => payload),
      Array.from({ length: count }, (_, i) => `order ${i}`),
    );
    assert.equal((await second.stop("SIGTERM")).code, 0);
  });
});
