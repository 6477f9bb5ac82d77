/**
 * A page of another site (its own HTTP server, another port) imports the browser client from the enchufe
 * server (`http://HOST:PORT/enchufe.js`, a cross-origin module script: the server sends CORS for its files)
 * and opens a WebSocket to it: refused (403, EWEBSOCKET) unless the server allows the page's origin with
 * wsOrigins (--ws-origin), then a Node program's publish reaches the page.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import { openBrowser } from "../helpers/browser.js";
import { startServer, type WsTestServer } from "../websocket/helpers.js";

describe("the browser client from a page of another site", () => {
  let site: Server;
  let siteOrigin = "";
  let strict: WsTestServer;
  let allowing: WsTestServer;
  let browser: Browser;
  let page: Page;
  let program: EnchufeClient | undefined;

  before(async () => {
    site = createHttpServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end("<!doctype html><title>another site</title><link rel='icon' href='data:,'><p>app</p>");
    });
    site.listen(0, "127.0.0.1");
    await once(site, "listening");
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // A long sniff deadline: Chromium may send its request late on a socket it opened (PROTOCOL.md §8).
    strict = await startServer({}, { sniffDeadlineMs: 10_000 });
    allowing = await startServer({}, { wsOrigins: [siteOrigin], sniffDeadlineMs: 10_000 });
    browser = await openBrowser();
    page = await browser.newPage();
    await page.goto(`${siteOrigin}/`);
  });
  after(async () => {
    await program?.close();
    await browser?.close();
    await strict.close();
    await allowing.close();
    site.close();
  });

  test("its WebSocket is refused by a server that does not allow the origin (EWEBSOCKET)", async () => {
    const refused = await page.evaluate(`import("http://127.0.0.1:${strict.port}/enchufe.js")
      .then((lib) => lib.connect({ url: "ws://127.0.0.1:${strict.port}/ws", reconnect: false }))
      .then(() => "connected", (error) => error.code)`);
    assert.equal(refused, "EWEBSOCKET");
  });

  test("with wsOrigins it connects, and a Node program's publish reaches the page", async () => {
    await page.evaluate(`(async () => {
      const lib = await import("http://127.0.0.1:${allowing.port}/enchufe.js");
      const client = await lib.connect({ url: "ws://127.0.0.1:${allowing.port}/ws", name: "site" });
      const subscription = client.subscribe("news.>");
      await client.flush();
      window.firstNews = (async () => {
        for await (const message of subscription) return message.topic + " " + new TextDecoder().decode(message.payload);
      })();
    })()`);
    program = await connect({ port: allowing.port, name: "program" });
    program.publish("news.today", "hola, otro sitio");
    assert.equal(await page.evaluate("window.firstNews"), "news.today hola, otro sitio");
  });
});
