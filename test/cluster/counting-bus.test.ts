/**
 * What one connection costs the cluster bus (issue 11, item 6): a program is never a text guest, so a
 * framed connect costs its own nickname claim and nothing else; a person costs a guest claim, the room's
 * interest and presence, from their first byte or after the grace. Counted on a MemoryBus that records calls.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { MemoryBus } from "../../src/server/bus/memory.js";
import { CLUSTER_GRACE_MS } from "../../src/server/messaging.js";
import { FramedClient, startTestServer, type TestServer, TextClient } from "../helpers/framed.js";

/** A MemoryBus that records every call made to it, as "method(args)". */
class CountingBus extends MemoryBus {
  readonly calls: string[] = [];
  #waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];

  record(call: string): void {
    this.calls.push(call);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.pattern.test(call)) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once a call matching `pattern` was made. */
  seen(pattern: RegExp): Promise<void> {
    if (this.calls.some((call) => pattern.test(call))) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ pattern, resolve }));
  }

  override claimNick(nick: string): Promise<boolean> {
    this.record(`claimNick(${nick})`);
    return super.claimNick(nick);
  }
  override releaseNick(nick: string): void {
    this.record(`releaseNick(${nick})`);
    super.releaseNick(nick);
  }
  override interest(pattern: string, on: boolean): void {
    this.record(`interest(${pattern},${on})`);
    super.interest(pattern, on);
  }
  override setPresence(room: string, nick: string, present: boolean): void {
    this.record(`setPresence(${room},${nick},${present})`);
    super.setPresence(room, nick, present);
  }
  override responder(pattern: string, on: boolean): void {
    this.record(`responder(${pattern},${on})`);
    super.responder(pattern, on);
  }
  override sync(): Promise<void> {
    this.record("sync()");
    return super.sync();
  }
}

const servers: TestServer[] = [];
const clients: Array<{ close(): void }> = [];
after(async () => {
  for (const client of clients) client.close();
  await Promise.all(servers.map((server) => server.close()));
});

async function node(): Promise<{ server: TestServer; bus: CountingBus }> {
  const bus = new CountingBus();
  const server = await startTestServer({ bus });
  servers.push(server);
  await server.handler.start();
  bus.calls.length = 0;
  return { server, bus };
}

describe("cluster bus cost of one connection", () => {
  test("a framed connect costs its own nickname claim and nothing else", async () => {
    const { server, bus } = await node();
    const program = await FramedClient.connect(server.port, "sensor-1");
    clients.push(program);
    assert.equal(program.welcome?.nick, "sensor-1");
    // Past the grace, nothing more: the connection was never a text guest anywhere.
    await new Promise((resolve) => setTimeout(resolve, CLUSTER_GRACE_MS + 100));
    assert.deepEqual(bus.calls, ["claimNick(sensor-1)"]);
  });

  test("a person's first line makes them known: guest claim, the room's interest and presence", async () => {
    const { server, bus } = await node();
    const { client } = await TextClient.connect(server.port);
    clients.push(client);
    client.send("/who");
    await client.nextStarting("* in general:");
    const [claim, interest, presence] = bus.calls;
    assert.match(claim!, /^claimNick\(guest-[0-9a-f]{4}-\d+\)$/);
    assert.equal(interest, "interest(general,true)");
    assert.match(presence!, /^setPresence\(general,guest-[0-9a-f]{4}-\d+,true\)$/);
  });

  test("a silent listener is made known to the other nodes after the grace", async () => {
    const { server, bus } = await node();
    const { client } = await TextClient.connect(server.port);
    clients.push(client);
    const connected = Date.now();
    await bus.seen(/^setPresence\(general,/);
    assert.ok(Date.now() - connected >= CLUSTER_GRACE_MS - 50, "not before the grace");
    assert.ok(bus.calls.includes("interest(general,true)"));
  });
});
