/**
 * The browser client in a real browser: a page served by the messaging port imports /enchufe.js (the
 * bundle `npm run build` makes) and talks to Node programs using the library over TCP, both ways;
 * requests, and reconnection after the server is closed and started again on the same port, with
 * resubscription and the bounded offline buffer. The page-side code is passed as strings: tsx would
 * add helpers to a function's source that do not exist in the page.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import type { IncomingRequest } from "../../src/client/subscription.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import type { MessageEvent } from "../../src/server/routing/interfaces.js";
import { createServer, type EnchufeServer } from "../../src/server/server.js";
import { openBrowser } from "../helpers/browser.js";
import { Inbox } from "../helpers/framed.js";

/**
 * Runs in the page: imports the library from the server, connects (no url: the page's own server),
 * subscribes to chat.> and keeps what arrives, and the client's events, on window.t.
 */
const HARNESS = `(async () => {
  const lib = await import("/enchufe.js");
  const client = await lib.connect({
    name: "page",
    reconnect: { initialDelayMs: 50, maxDelayMs: 250 },
    maxBufferedMessages: 3,
  });
  const lists = { events: [], received: [] };
  const waiters = [];
  const add = (list, item) => {
    lists[list].push(item);
    for (const waiter of waiters.splice(0)) {
      if (lists[waiter.list].some((line) => line.startsWith(waiter.prefix))) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  // Resolves once lists[list] has an item starting with prefix (an event, not a polling loop: the CSP
  // forbids the eval that page.waitForFunction's polling uses).
  const until = (list, prefix) =>
    lists[list].some((line) => line.startsWith(prefix))
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error("no " + prefix + " in " + list + ": " + JSON.stringify(lists[list]))),
            5000,
          );
          waiters.push({ list, prefix, resolve: () => resolve(clearTimeout(timer)) });
        });
  client.on("disconnected", (error) => add("events", "disconnected " + (error ? error.code : "")));
  client.on("reconnected", () => add("events", "reconnected"));
  client.on("error", (error) => add("events", "error " + error.code));
  const decoder = new TextDecoder();
  const subscription = client.subscribe("chat.>");
  (async () => {
    for await (const m of subscription) {
      const headers = m.headers.map(([key, value]) => " " + key + "=" + value).join("");
      add("received", m.topic + " " + m.from + " " + decoder.decode(m.payload) + headers);
    }
  })();
  await client.flush();
  window.t = { lib, client, until, ...lists };
  return { url: location.href, maxPayload: client.info.maxPayload, encrypted: client.encrypted, state: client.state };
})()`;

interface Running {
  readonly server: EnchufeServer;
  readonly port: number;
  readonly published: Inbox<MessageEvent>;
}

/** A session-mode server on `port` (0: a free one) whose handler reports every publish. */
async function startServer(port: number): Promise<Running> {
  const handler = new MessagingHandler({ lang: "en" });
  const published = new Inbox<MessageEvent>();
  handler.on("message", (event: MessageEvent) => published.push(event));
  // Chromium may open a socket and send its request later (preconnect, or a slow start on a loaded
  // machine); past the sniff deadline (150 ms by default) such a socket is greeted as a text user and the
  // page load fails (PROTOCOL.md §8). Every peer here speaks first, so a long deadline costs nothing.
  const server = createServer({
    host: "127.0.0.1",
    port,
    handler,
    shutdownTimeoutMs: 1000,
    sniffDeadlineMs: 10_000,
  });
  const bound = await server.listen();
  return { server, port: bound.port, published };
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

describe("the browser client (/enchufe.js in chromium)", () => {
  let running: Running;
  let browser: Browser;
  let page: Page;
  const clients: EnchufeClient[] = [];
  const servers: EnchufeServer[] = [];
  const pageErrors: string[] = [];

  async function nodeClient(name: string): Promise<EnchufeClient> {
    const client = await connect({ port: running.port, timeoutMs: 3000, name });
    clients.push(client);
    return client;
  }

  before(async () => {
    running = await startServer(0);
    servers.push(running.server);
    browser = await openBrowser();
    page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Any page of the server's origin will do: the CSP ('self') lets it import /enchufe.js.
    await page.goto(`http://127.0.0.1:${running.port}/client-test`);
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await browser?.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  test("the page imports /enchufe.js and connects to its own server's /ws", async () => {
    const opened = await page.evaluate(HARNESS);
    assert.deepEqual(opened, {
      url: `http://127.0.0.1:${running.port}/client-test`,
      maxPayload: 1024 * 1024,
      encrypted: false,
      state: "connected",
    });
  });

  test("a TCP client's publish reaches the page, and the page's publish reaches the TCP client", async () => {
    const node = await nodeClient("node");
    // A header that is not ASCII: the page's decoder checks it with the bundle's isUtf8 (the shim).
    node.publish("chat.room", "hola desde node ✓", { headers: [["año", "niño ✓"]] });
    await page.evaluate(`window.t.until("received", "chat.room")`);
    assert.deepEqual(await page.evaluate("window.t.received"), [
      "chat.room node hola desde node ✓ año=niño ✓",
    ]);

    const fromPage = node.subscribe("page.>");
    await node.flush();
    await page.evaluate(
      `window.t.client.publish("page.out", "hello from the page", { headers: [["k", "v"]] })`,
    );
    const message = await fromPage.queue.next();
    assert.equal(message.done, false);
    assert.equal(message.value.topic, "page.out");
    assert.equal(message.value.from, "page");
    assert.deepEqual(message.value.headers, [["k", "v"]]);
    assert.equal(text(message.value.payload), "hello from the page");
  });

  test("a request from the page is answered by a Node responder; none is ENORESPONDERS", async () => {
    const node = await nodeClient("responder");
    const responder = node.respond("svc.upper");
    void (async () => {
      for await (const request of responder as AsyncIterable<IncomingRequest>) {
        request.respond(text(request.payload).toUpperCase());
      }
    })();
    await node.flush();
    const answer = await page.evaluate(
      `window.t.client.request("svc.upper", "abc ñ").then((reply) => new TextDecoder().decode(reply.payload))`,
    );
    assert.equal(answer, "ABC Ñ");
    const none = await page.evaluate(
      `window.t.client.request("svc.none", "x").then(() => "answered", (error) => [error.name, error.code, error instanceof window.t.lib.EnchufeError])`,
    );
    assert.deepEqual(none, ["EnchufeError", "ENORESPONDERS", true]);
  });

  test("another server, which the page's CSP (connect-src 'self') blocks: EWEBSOCKET, not a timeout", async () => {
    const other = await startServer(0);
    servers.push(other.server);
    const refused = await page.evaluate(`window.t.lib
      .connect({ url: "ws://127.0.0.1:${other.port}/ws", reconnect: false })
      .then(() => "connected", (error) => [error.code, error.details.address])`);
    assert.deepEqual(refused, ["EWEBSOCKET", `ws://127.0.0.1:${other.port}/ws`]);
  });

  test("after a restart on the same port the page reconnects, resubscribes, and sends what it kept (bounded)", async () => {
    await running.server.close();
    await page.evaluate(`window.t.until("events", "disconnected")`);
    const offline = await page.evaluate(`(() => {
      for (const n of [1, 2, 3]) window.t.client.publish("chat.offline", "kept " + n);
      try {
        window.t.client.publish("chat.offline", "kept 4");
        return "no error";
      } catch (error) {
        return error.code;
      }
    })()`);
    assert.equal(offline, "EBUFFERFULL");

    running = await startServer(running.port);
    servers.push(running.server);
    const kept = [];
    for (let i = 0; i < 3; i++) kept.push(text((await running.published.next()).payload));
    assert.deepEqual(kept, ["kept 1", "kept 2", "kept 3"]);
    await page.evaluate(`window.t.until("events", "reconnected")`);
    await page.evaluate("window.t.client.flush()");

    const node = await nodeClient("node-after");
    node.publish("chat.after", "back again");
    await page.evaluate(`window.t.until("received", "chat.after")`);
    // The page's own offline publishes came back to it through its resubscribed chat.>, in order.
    assert.deepEqual(await page.evaluate("window.t.received.slice(1)"), [
      "chat.offline page kept 1",
      "chat.offline page kept 2",
      "chat.offline page kept 3",
      "chat.after node-after back again",
    ]);
    // kept 4 was refused (EBUFFERFULL), never sent.
    assert.deepEqual(
      running.published.items.map((event) => text(event.payload)),
      ["back again"],
    );
    assert.deepEqual(pageErrors, []);
  });
});
