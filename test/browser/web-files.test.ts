/**
 * The messaging port serves the built web files (manifest.json in webRoot) to plain HTTP requests, and a
 * real browser (Debian's chromium via playwright-core) loads a page from it that opens a WebSocket to the
 * same port: the CSP the server sends allows exactly that and nothing foreign.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { isEnchufeError } from "../../src/errors.js";
import { resolveServerOptions } from "../../src/server/options.js";
import { openBrowser } from "../helpers/browser.js";
import { startServer, type WsTestServer } from "../websocket/helpers.js";

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(
  port: number,
  path: string,
  method = "GET",
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>t</title><link rel="icon" href="data:,">
<script type="module" src="/page.js"></script></head><body><p id="out">…</p></body></html>`;
const SCRIPT = `const out = document.getElementById("out");
const ws = new WebSocket("ws://" + location.host + "/ws", "enchufe.text");
ws.onmessage = (event) => { out.textContent = event.data; ws.close(); };
ws.onerror = () => { out.textContent = "websocket error"; };`;

describe("web files on the messaging port", () => {
  let dir = "";
  let server: WsTestServer;
  let bare: WsTestServer;
  let browser: Browser | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "enchufe-web-"));
    await writeFile(join(dir, "index.html"), PAGE);
    await writeFile(join(dir, "page.js"), SCRIPT);
    await writeFile(join(dir, "manifest.json"), JSON.stringify({ "/": "index.html", "/page.js": "page.js" }));
    // A long sniff deadline: Chromium may send its request late on a socket it opened (PROTOCOL.md §8).
    server = await startServer({}, { webRoot: dir, sniffDeadlineMs: 10_000 });
    bare = await startServer({}, { webRoot: join(dir, "absent") });
  });
  after(async () => {
    await browser?.close();
    await server.close();
    await bare.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("GET / is the page, with its type, an ETag and a CSP that allows only its own origin", async () => {
    const page = await get(server.port, "/");
    assert.equal(page.status, 200);
    assert.equal(page.body, PAGE);
    assert.equal(page.headers["content-type"], "text/html; charset=utf-8");
    assert.match(String(page.headers["content-security-policy"]), /default-src 'self'/);
    assert.match(String(page.headers["content-security-policy"]), /frame-ancestors 'none'/);
    assert.equal(page.headers["x-content-type-options"], "nosniff");
    assert.equal(page.headers["access-control-allow-origin"], "*");
    const script = await get(server.port, "/page.js?v=1");
    assert.equal(script.headers["content-type"], "text/javascript; charset=utf-8");
    const again = await get(server.port, "/", "GET", { "if-none-match": String(page.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body, "");
  });

  test("HEAD has the length and no body; an unknown path is 404; /ws without upgrade is 400", async () => {
    const head = await get(server.port, "/", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], String(Buffer.byteLength(PAGE)));
    assert.equal(head.body, "");
    assert.equal((await get(server.port, "/nothing")).status, 404);
    const ws = await get(server.port, "/ws");
    assert.equal(ws.status, 400);
    assert.match(ws.body, /Upgrade: websocket/);
  });

  test("GET /settings.json tells the page its language: the server's pageLang, or null for the browser's", async () => {
    const none = await get(server.port, "/settings.json");
    assert.equal(none.status, 200);
    assert.equal(none.headers["cache-control"], "no-store");
    assert.deepEqual(JSON.parse(none.body), { lang: null });
    const spanish = await startServer({}, { webRoot: dir, pageLang: "es" });
    try {
      assert.deepEqual(JSON.parse((await get(spanish.port, "/settings.json")).body), { lang: "es" });
    } finally {
      await spanish.close();
    }
    assert.throws(
      () => resolveServerOptions({ sniffDeadlineMs: -1 }),
      (error: unknown) => isEnchufeError(error, "EOPTION") && /sniffDeadlineMs/.test(String(error)),
    );
    assert.throws(
      () => resolveServerOptions({ pageLang: "fr" as "es" }),
      (error: unknown) => isEnchufeError(error, "EOPTION") && /pageLang/.test(String(error)),
    );
  });

  test("a server whose web files are not built says so, and still speaks WebSocket", async () => {
    const answer = await get(bare.port, "/");
    assert.equal(answer.status, 404);
    assert.match(answer.body, /not built .*run npm run build/);
  });

  test("chromium loads the page and its WebSocket to the same port gets the greeting", async () => {
    browser = await openBrowser();
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") refused.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.waitForFunction('document.getElementById("out").textContent !== "…"');
    assert.equal(await page.textContent("#out"), "Hello from enchufe");
    assert.deepEqual(refused, []);
    await page.close();
  });
});
