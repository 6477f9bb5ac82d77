import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { createMonitor, type Monitor } from "../../src/server/monitor/index.js";
import { SecurityPolicy } from "../../src/server/security.js";
import type { ConnectionStats, StatsSnapshot } from "../../src/server/stats.js";
import { FramedClient, startTestServer, type TestServer, TextClient, text } from "../helpers/framed.js";
import { parseExposition, sampleValue } from "../helpers/prometheus.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

async function get(monitor: Monitor, path: string): Promise<{ status: number; type: string; body: string }> {
  const address = monitor.address;
  assert.ok(address !== undefined);
  const response = await fetch(`http://127.0.0.1:${address.port}${path}`);
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    body: await response.text(),
  };
}

async function json<T>(monitor: Monitor, path: string): Promise<T> {
  const { status, body } = await get(monitor, path);
  assert.equal(status, 200, body);
  return JSON.parse(body) as T;
}

async function metrics(monitor: Monitor) {
  const { status, type, body } = await get(monitor, "/metrics");
  assert.equal(status, 200);
  assert.match(type, /^text\/plain; version=0\.0\.4/);
  return parseExposition(body);
}

describe("monitor - the live view of a server", () => {
  let server: TestServer;
  let monitor: Monitor;
  const open: { close(): void }[] = [];
  async function person(nick: string, room: string): Promise<TextClient> {
    const { client } = await TextClient.connect(server.port);
    open.push(client);
    client.send(`/nick ${nick}`);
    await client.nextStarting("* you are now");
    client.send(`/join ${room}`);
    await client.nextStarting("* you are now in room");
    return client;
  }

  before(async () => {
    server = await startTestServer();
    monitor = createMonitor({ handler: server.handler, port: 0 });
    await monitor.listen();
  });
  after(async () => {
    for (const client of open) client.close();
    await server.close();
    await monitor.close();
  });

  test("monitor - /metrics is strict Prometheus text and its counters move as traffic flows", async () => {
    const before = await metrics(monitor);
    for (const family of before.values()) {
      assert.match(family.name, /^enchufe_/);
      assert.ok(family.help !== undefined && family.type !== undefined, family.name);
    }
    const received0 = sampleValue(before, "enchufe_messages_received_total");
    const sent0 = sampleValue(before, "enchufe_messages_sent_total");
    const bytesIn0 = sampleValue(before, "enchufe_received_bytes_total");
    const text0 = sampleValue(before, "enchufe_connections_total", { kind: "text" });

    const ana = await person("ana", "flow");
    const bob = await person("bob", "flow");
    const program = await FramedClient.connect(server.port, "watcher");
    open.push(program);
    program.subscribe(1, "flow");
    await program.flush();
    ana.send("hola");
    assert.equal(await bob.nextStarting("[flow]"), "[flow] ana: hola");
    assert.equal(text((await program.next("MSG")).payload), "hola");
    program.publish("flow", "desde un programa");
    await bob.nextStarting("[flow] watcher");
    await ana.nextStarting("[flow] watcher");

    const now = await metrics(monitor);
    // ana's line and the program's publish; bob and the program got the first, ana, bob and the
    // program itself (a subscriber of its own topic) the second.
    assert.equal(sampleValue(now, "enchufe_messages_received_total") - received0, 2);
    assert.equal(sampleValue(now, "enchufe_messages_sent_total") - sent0, 5);
    assert.ok(sampleValue(now, "enchufe_received_bytes_total") > bytesIn0);
    assert.equal(sampleValue(now, "enchufe_connections_total", { kind: "text" }) - text0, 2);
    assert.ok(sampleValue(now, "enchufe_connections_total", { kind: "framed" }) >= 1);
    assert.ok(sampleValue(now, "enchufe_connections", { kind: "framed" }) >= 1);
    assert.ok(sampleValue(now, "enchufe_subscriptions") >= 1);
    assert.equal(sampleValue(now, "enchufe_connections", { kind: "websocket" }), 0);
    assert.equal(sampleValue(now, "enchufe_info", { version: VERSION, cluster: "single" }), 1);
  });

  test("monitor - /connz lists the connected clients, sorted and limited", async () => {
    const carla = await person("carla", "connz");
    carla.send("uno");
    carla.send("dos");
    carla.send("/who");
    await carla.nextStarting("* in connz");
    const { total, connections } = await json<{ total: number; connections: ConnectionStats[] }>(
      monitor,
      "/connz",
    );
    const clients = server.handler.listClients();
    assert.equal(total, clients.length);
    assert.deepEqual(connections.map((c) => c.id).sort(), clients.map((c) => c.id).sort());
    const entry = connections.find((c) => c.nick === "carla");
    assert.ok(entry !== undefined);
    assert.equal(entry.kind, "text");
    assert.equal(entry.room, "connz");
    assert.equal(entry.messagesIn, 2);
    assert.equal(entry.subscriptions, 0);
    assert.equal(entry.pendingBytes, 0);
    assert.equal(entry.address, "127.0.0.1");
    assert.ok(Date.parse(entry.since) <= Date.now());

    const byNick = await json<{ connections: ConnectionStats[] }>(monitor, "/connz?sort=nick&limit=2");
    assert.equal(byNick.connections.length, 2);
    const nicks = connections.map((c) => c.nick).sort((a, b) => a.localeCompare(b));
    assert.deepEqual(
      byNick.connections.map((c) => c.nick),
      nicks.slice(0, 2),
    );
    const busiest = await json<{ connections: ConnectionStats[] }>(monitor, "/connz?sort=messagesIn&limit=1");
    assert.equal(busiest.connections[0]?.messagesIn, Math.max(...connections.map((c) => c.messagesIn)));
    assert.equal((await get(monitor, "/connz?sort=colour")).status, 400);
    assert.equal((await get(monitor, "/connz?limit=-1")).status, 400);
  });

  test("monitor - /varz has every field of the live view", async () => {
    const varz = await json<StatsSnapshot>(monitor, "/varz");
    assert.equal(varz.version, VERSION);
    assert.equal(varz.draining, false);
    assert.equal(varz.cluster, "single");
    assert.ok(varz.uptimeSeconds >= 0);
    assert.ok(!Number.isNaN(Date.parse(varz.startedAt)));
    for (const kind of ["text", "framed", "websocket"] as const) {
      assert.equal(typeof varz.connections.now[kind], "number");
      assert.equal(typeof varz.connections.total[kind], "number");
    }
    for (const field of ["slowConsumers", "authFailures", "rateLimited", "rooms", "subscriptions"] as const)
      assert.equal(typeof varz[field], "number", field);
    assert.ok(varz.messages.in >= 2 && varz.messages.out >= 4);
    assert.ok(varz.bytes.in > 0 && varz.bytes.out > 0);
    assert.equal(
      varz.connections.now.text + varz.connections.now.framed,
      server.handler.listClients().length,
    );
    assert.ok(Object.isFrozen(server.handler.stats().connections.now));
    // The history (the default: in memory) keeps what the earlier tests published to rooms.
    assert.equal(varz.history.enabled, true);
    assert.equal(varz.history.shared, false);
    assert.match(varz.history.epoch, /^[0-9a-f]{16}$/);
    assert.ok(varz.history.messages >= 1 && varz.history.bytes > 0, JSON.stringify(varz.history));
    assert.ok(varz.history.position >= varz.history.messages);
  });

  test("monitor - /events has connects, nicknames, joins and disconnects with their reason", async () => {
    const { client } = await TextClient.connect(server.port);
    client.send("/nick dora");
    await client.nextStarting("* you are now");
    client.send("/quit");
    await client.nextStarting("* bye");
    await new Promise((resolve) => client.socket.once("close", resolve));
    const events = await json<{ kind: string; nick?: string; reason?: string; seq: number }[]>(
      monitor,
      "/events",
    );
    const kinds = events.filter((e) => e.nick === "dora").map((e) => e.kind);
    assert.deepEqual(kinds, ["nick", "leave", "disconnect"]);
    assert.equal(events.find((e) => e.kind === "disconnect" && e.nick === "dora")?.reason, "quit");
    const last = events.at(-1)?.seq ?? 0;
    assert.deepEqual(await json(monitor, `/events?after=${last}`), []);
  });

  test("monitor - failed logins and /stats in text mode", async () => {
    const { client } = await TextClient.connect(server.port);
    open.push(client);
    const failures = server.handler.stats().authFailures;
    client.send("/login nadie contraseña-mala");
    await client.nextStarting("! ");
    assert.equal(server.handler.stats().authFailures, failures + 1);
    client.send("/stats");
    const first = await client.nextStarting("* enchufe");
    const second = await client.nextStarting("* messages");
    const stats = server.handler.stats();
    const now = stats.connections.now.text + stats.connections.now.framed;
    const version = VERSION.replace(/\./g, "\\.");
    assert.match(
      first,
      new RegExp(
        `^\\* enchufe ${version}, up \\d+ s; connections: ${now} now \\(${stats.connections.now.text} text, ${stats.connections.now.framed} programs, 0 websocket\\)`,
      ),
    );
    assert.match(second, new RegExp(`; failed logins: ${stats.authFailures}$`));
    assert.match(second, /^\* messages: \d+ in, \d+ out; bytes: \d+ in, \d+ out; cut off: 0 slow consumers/);
  });

  test("monitor - the dashboard page is self-contained, unknown paths are 404, only GET", async () => {
    const page = await get(monitor, "/");
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);
    assert.match(page.body, /<svg/);
    assert.doesNotMatch(page.body, /(src|href)="https?:/);
    assert.doesNotMatch(page.body, /@import|fonts\.googleapis/);
    assert.equal((await get(monitor, "/nothing")).status, 404);
    const address = monitor.address!;
    const post = await fetch(`http://127.0.0.1:${address.port}/varz`, { method: "POST" });
    assert.equal(post.status, 405);
    await post.text();
  });
});

describe("monitor - health while draining", () => {
  test("monitor - /healthz and /readyz answer 200 while serving and 503 while the server drains", async () => {
    const server = await startTestServer();
    const monitor = createMonitor({ handler: server.handler, port: 0 });
    await monitor.listen();
    const { client } = await TextClient.connect(server.port);
    try {
      assert.equal((await get(monitor, "/healthz")).status, 200);
      assert.equal((await get(monitor, "/readyz")).status, 200);
      const drained = server.handler.shutdown(5000);
      assert.equal((await get(monitor, "/healthz")).status, 503);
      assert.equal((await get(monitor, "/readyz")).status, 503);
      assert.equal((await json<StatsSnapshot>(monitor, "/varz")).draining, true);
      client.close();
      await drained;
    } finally {
      client.close();
      await server.close();
      await monitor.close();
    }
  });
});

describe("monitor - cut-offs", () => {
  async function watched(options: Parameters<typeof startTestServer>[0]) {
    const server = await startTestServer(options);
    const monitor = createMonitor({ handler: server.handler, port: 0 });
    await monitor.listen();
    return { server, monitor };
  }

  test("monitor - a slow consumer cut off shows in /metrics with its reason", {
    timeout: 20_000,
  }, async () => {
    const { server, monitor } = await watched({ maxPendingBytes: 256 * 1024, maxPayloadBytes: 64 * 1024 });
    const stuck = await FramedClient.connect(server.port, "stuck");
    const publisher = await FramedClient.connect(server.port, "publisher");
    try {
      stuck.subscribe(1, "cut");
      await stuck.flush();
      stuck.socket.pause();
      let cutOff = false;
      const cut = new Promise<void>((resolve) =>
        server.handler.on("disconnect", (_info, reason: string) => {
          if (reason !== "slow-consumer") return;
          cutOff = true;
          resolve();
        }),
      );
      const chunk = Buffer.alloc(60 * 1024, "x");
      for (let n = 0; n < 400 && !cutOff; n++) {
        publisher.publish("cut", chunk);
        if (n % 10 === 9) await publisher.flush();
      }
      await cut;
      const families = parseExposition((await get(monitor, "/metrics")).body);
      assert.equal(sampleValue(families, "enchufe_slow_consumers_total"), 1);
      assert.equal(sampleValue(families, "enchufe_disconnects_total", { reason: "slow-consumer" }), 1);
    } finally {
      stuck.close();
      publisher.close();
      await server.close();
      await monitor.close();
    }
  });

  test("monitor - a rate-limit cut-off shows in /metrics with its reason", async () => {
    const { server, monitor } = await watched({
      security: new SecurityPolicy({ messagesPerSecond: 1, messageBurst: 5 }),
    });
    const flooder = await FramedClient.connect(server.port, "flooder");
    try {
      for (let n = 0; n < 50; n++) flooder.publish("cut", "spam");
      await flooder.frames.whenEnded();
      while (server.handler.listClients().length > 0) await once(server.handler, "disconnect");
      const families = parseExposition((await get(monitor, "/metrics")).body);
      assert.equal(sampleValue(families, "enchufe_rate_limited_total"), 1);
      assert.equal(sampleValue(families, "enchufe_disconnects_total", { reason: "rate-limit" }), 1);
      assert.equal(sampleValue(families, "enchufe_slow_consumers_total"), 0);
    } finally {
      flooder.close();
      await server.close();
      await monitor.close();
    }
  });
});
