import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createMonitor, type Monitor } from "../../src/server/monitor/index.js";
import type { ConnectionStats } from "../../src/server/stats.js";
import { TextClient } from "../helpers/framed.js";
import { parseExposition, sampleValue } from "../helpers/prometheus.js";
import { startServer, WsPeer, type WsTestServer } from "../websocket/helpers.js";

describe("monitor - WebSocket connections are their own kind", () => {
  let server: WsTestServer;
  let monitor: Monitor;
  const peers: { close(): void }[] = [];
  before(async () => {
    server = await startServer();
    monitor = createMonitor({ handler: server.handler, port: 0 });
    await monitor.listen();
  });
  after(async () => {
    for (const peer of peers) peer.close();
    await server.close();
    await monitor.close();
  });

  test("monitor - a browser-style text user and a WebSocket program count as websocket, nc as text", async () => {
    const browser = new WsPeer(server.url, "enchufe.text");
    peers.push({ close: () => browser.socket.terminate() });
    await browser.lines.next(() => true, 5000, "the greeting");
    browser.socket.send("/nick web");
    await browser.lines.next((line) => line.startsWith("* you are now"), 5000, "the nick answer");
    const program = new WsPeer(server.url, "enchufe.v1");
    peers.push({ close: () => program.socket.terminate() });
    await new Promise((resolve) => program.socket.once("open", resolve));
    const { client } = await TextClient.connect(server.port);
    peers.push(client);
    client.send("/nick terminal");
    await client.nextStarting("* you are now");

    const address = monitor.address!;
    const families = parseExposition(await (await fetch(`http://127.0.0.1:${address.port}/metrics`)).text());
    assert.equal(sampleValue(families, "enchufe_connections", { kind: "websocket" }), 2);
    assert.equal(sampleValue(families, "enchufe_connections", { kind: "text" }), 1);
    assert.equal(sampleValue(families, "enchufe_connections_total", { kind: "websocket" }), 2);
    assert.equal(sampleValue(families, "enchufe_connections_total", { kind: "text" }), 1);
    const connz = (await (await fetch(`http://127.0.0.1:${address.port}/connz?sort=nick`)).json()) as {
      connections: ConnectionStats[];
    };
    const byNick = new Map(connz.connections.map((c) => [c.nick, c.kind]));
    assert.equal(byNick.get("web"), "websocket");
    assert.equal(byNick.get("terminal"), "text");
  });
});
