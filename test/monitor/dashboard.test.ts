import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import vm from "node:vm";
import { createMonitor, type Monitor } from "../../src/server/monitor/index.js";
import { startTestServer, type TestServer, TextClient } from "../helpers/framed.js";

/** A minimal DOM: elements by id with text, attributes and children (enough for the page's script). */
class FakeElement {
  textContent = "";
  className = "";
  readonly attributes = new Map<string, string>();
  children: FakeElement[] = [];
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  replaceChildren(): void {
    this.children = [];
  }
  append(...items: (FakeElement | string)[]): void {
    for (const item of items) {
      if (typeof item === "string") {
        const text = new FakeElement();
        text.textContent = item;
        this.children.push(text);
      } else this.children.push(item);
    }
  }
  get text(): string {
    return this.textContent + this.children.map((child) => child.text).join("");
  }
}

/** Runs the dashboard's script against `base` until its first poll has drawn everything. */
async function runDashboard(page: string, base: string): Promise<Map<string, FakeElement>> {
  const script = page.split("<script>")[1]?.split("</script>")[0];
  assert.ok(script !== undefined, "the page has an inline script");
  const elements = new Map<string, FakeElement>();
  let polled: () => void = () => {};
  const firstPoll = new Promise<void>((resolve) => {
    polled = resolve;
  });
  const context = vm.createContext({
    document: {
      getElementById: (id: string) => {
        let element = elements.get(id);
        if (element === undefined) {
          element = new FakeElement();
          elements.set(id, element);
        }
        return element;
      },
      createElement: () => new FakeElement(),
    },
    fetch: (path: string) => fetch(new URL(path, base)),
    // The script polls again after a second: the first poll is all this test needs.
    setTimeout: () => polled(),
  });
  vm.runInContext(script, context);
  await firstPoll;
  return elements;
}

describe("dashboard - the page's own script", () => {
  let server: TestServer;
  let monitor: Monitor;
  const clients: TextClient[] = [];
  before(async () => {
    server = await startTestServer();
    monitor = createMonitor({ handler: server.handler, port: 0, lang: "en" });
    await monitor.listen();
  });
  after(async () => {
    for (const client of clients) client.close();
    await server.close();
    await monitor.close();
  });

  test("dashboard - shows the connection count of /varz, the rooms and their members, and the events", async () => {
    for (const nick of ["ana", "bob"]) {
      const { client } = await TextClient.connect(server.port);
      clients.push(client);
      client.send(`/nick ${nick}`);
      await client.nextStarting("* you are now");
    }
    const { client: leaving } = await TextClient.connect(server.port);
    leaving.send("/nick carla");
    await leaving.nextStarting("* you are now");
    leaving.send("/quit");
    await new Promise((resolve) => leaving.socket.once("close", resolve));
    const base = `http://127.0.0.1:${monitor.address!.port}/`;
    const page = await (await fetch(base)).text();
    const elements = await runDashboard(page, base);
    const varz = (await (await fetch(new URL("varz", base))).json()) as {
      connections: { now: Record<string, number> };
    };
    const now = Object.values(varz.connections.now).reduce((a, b) => a + b, 0);
    assert.equal(now, 2);
    assert.equal(elements.get("conn-now")?.textContent, String(now));
    assert.match(elements.get("rooms")?.text ?? "", /general \(2\): ana, bob/);
    const events = elements.get("events")?.text ?? "";
    assert.match(events, /guest-\d+ is now ana/);
    assert.match(events, /connected from 127\.0\.0\.1:\d+/);
    assert.match(events, /carla disconnected \(left with \/quit\)/);
    assert.match(elements.get("status")?.textContent ?? "", /^enchufe \d+\.\d+\.\d+ · up \d+ s$/);
    assert.match(elements.get("counters")?.text ?? "", /connections in total3text now2/);
  });
});
