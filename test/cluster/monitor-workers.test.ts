import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { enchufe, stopAll } from "../helpers/cli.js";
import { FramedClient } from "../helpers/framed.js";
import { parseExposition, sampleValue } from "../helpers/prometheus.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
let redis: TestRedis;
const clients: FramedClient[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const client of clients) client.close();
  await stopAll();
  await redis.stop();
});

describe("enchufe server --workers --monitor", () => {
  test("--workers 2 --monitor: the primary serves every worker's counters, labelled worker=1 and worker=2", async () => {
    const args = `server --port 0 --lang en --cluster ${redis.url} --workers 2 --monitor 0`;
    const server = enchufe(args.split(" "));
    const port = await server.port();
    const [, monitorPort] = await server.waitFor(/Live view on http:\/\/127\.0\.0\.1:(\d+)\//, "stderr");
    const base = `http://127.0.0.1:${monitorPort}`;
    const scrape = async () => parseExposition(await (await fetch(`${base}/metrics`)).text());

    const before = await scrape();
    const workers = ["1", "2"];
    for (const worker of workers) {
      assert.equal(sampleValue(before, "enchufe_connections", { kind: "framed", worker }), 0);
    }
    // Connections spread over both workers: connect until each holds at least one.
    const opened = new Set<string>();
    for (let i = 0; i < 12 && opened.size < 2; i++) {
      const client = await FramedClient.connect(port, "-guest");
      clients.push(client);
      client.publish("monitored", "x");
      await client.flush();
      const connz = (await (await fetch(`${base}/connz`)).json()) as {
        connections: { nick: string; worker: string }[];
      };
      const mine = connz.connections.find((c) => c.nick === client.welcome?.nick);
      assert.ok(mine !== undefined, "the new client is in /connz");
      opened.add(mine.worker);
    }
    assert.deepEqual([...opened].sort(), workers);

    const now = await scrape();
    let framed = 0;
    let received = 0;
    for (const worker of workers) {
      framed += sampleValue(now, "enchufe_connections", { kind: "framed", worker });
      received += sampleValue(now, "enchufe_messages_received_total", { worker });
      assert.equal(sampleValue(now, "enchufe_info", { version: VERSION, cluster: "up", worker }), 1);
    }
    assert.equal(framed, clients.length);
    assert.equal(received, clients.length);
    const varz = (await (await fetch(`${base}/varz`)).json()) as {
      connections: { now: { framed: number } };
      workers: { worker: string }[];
    };
    assert.equal(varz.connections.now.framed, clients.length);
    assert.deepEqual(
      varz.workers.map((w) => w.worker),
      workers,
    );
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const end = await server.stop("SIGTERM", 8000);
    assert.equal(end.code, 0, end.stderr);
  });
});
