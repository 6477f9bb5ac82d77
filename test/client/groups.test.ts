import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import type { Message, Subscription } from "../../src/client/subscription.js";
import { isEnchufeError } from "../../src/errors.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { createServer, type EnchufeServer } from "../../src/server/server.js";

const servers = new Set<EnchufeServer>();
const clients = new Set<EnchufeClient>();
after(async () => {
  await Promise.all([...clients].map((c) => c.close()));
  await Promise.all([...servers].map((s) => s.close()));
});

async function startServer(port = 0): Promise<{ server: EnchufeServer; port: number }> {
  const server = createServer({
    port,
    handler: new MessagingHandler({ lang: "en" }),
    shutdownTimeoutMs: 1000,
  });
  servers.add(server);
  return { server, port: (await server.listen()).port };
}

async function client(port: number, name: string): Promise<EnchufeClient> {
  const c = await connect({ port, name, timeoutMs: 3000, reconnect: { initialDelayMs: 20 } });
  clients.add(c);
  return c;
}

/** The payloads of the next `count` messages of `subscription`. */
async function take(subscription: Subscription<Message>, count: number): Promise<string[]> {
  const out: string[] = [];
  if (count === 0) return out;
  for await (const message of subscription) {
    out.push(Buffer.from(message.payload).toString());
    if (out.length === count) break;
  }
  return out;
}

describe("client queue groups", () => {
  test("client - subscribe(pattern, { group }) shares the messages; a plain subscription on the same client gets all", async () => {
    const { port } = await startServer();
    const workers = await Promise.all(["w1", "w2", "w3"].map((name) => client(port, name)));
    const groups = workers.map((worker) => worker.subscribe("jobs.*", { group: "resizers" }));
    const plain = workers[0]!.subscribe("jobs.*");
    await Promise.all(workers.map((worker) => worker.flush()));
    const boss = await client(port, "boss");
    for (let n = 0; n < 30; n++) boss.publish("jobs.img", `j${n}`);
    await boss.flush();
    const shares = await Promise.all(groups.map((subscription) => take(subscription, 10)));
    const all = shares.flat();
    assert.equal(new Set(all).size, 30, "every job once between the three");
    assert.deepEqual(
      await take(plain, 30),
      Array.from({ length: 30 }, (_, n) => `j${n}`),
    );
    for (const subscription of groups) assert.equal(subscription.group, "resizers");
    for (const subscription of groups) subscription.unsubscribe();
    plain.unsubscribe();
  });

  test("client - an invalid group name throws EINVALIDTOPIC and sends nothing", async () => {
    const { port } = await startServer();
    const worker = await client(port, "w");
    assert.throws(
      () => worker.subscribe("jobs", { group: "no spaces" }),
      (error) => isEnchufeError(error, "EINVALIDTOPIC") && /Queue group 'no spaces'/.test(error.message),
    );
    await worker.flush();
  });

  test("client - after a server restart the group subscription is made again (GSUB)", async () => {
    const first = await startServer();
    const worker = await client(first.port, "w");
    const subscription = worker.subscribe("jobs", { group: "workers" });
    await worker.flush();
    const reconnected = new Promise((resolve) => worker.once("reconnected", resolve));
    await first.server.close();
    await startServer(first.port);
    await reconnected;
    await worker.flush();
    const boss = await client(first.port, "boss");
    boss.publish("jobs", "after");
    assert.deepEqual(await take(subscription, 1), ["after"]);
  });
});
