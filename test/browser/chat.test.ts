/**
 * The web chat page (`/`, src/web/chat/) in a real browser (Debian's chromium via playwright-core) on a
 * real server on port 0 that serves the built page (npm run build): browser users and an nc-style TCP
 * user are peers in the same rooms, the page reconnects by itself after the server restarts, it speaks
 * the server's --lang or the browser's language, and the live view's dashboard counts what /varz counts.
 * With ENCHUFE_SCREENSHOTS=docs the screenshots go to docs/images/ (the README shows them), else to a
 * tmp dir that is removed.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createMonitor, type Monitor } from "../../src/server/monitor/index.js";
import { openBrowser } from "../helpers/browser.js";
import { RawPeer, startServer, type WsTestServer } from "../websocket/helpers.js";

const SCREENSHOTS = process.env.ENCHUFE_SCREENSHOTS === "docs";

/** What the functions run inside the page use of its `document` (this project's tests have no DOM lib). */
interface PageNode {
  readonly id: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  readonly activeElement: PageNode | null;
  readonly documentElement: { readonly lang: string };
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>;
  getElementById(id: string): PageNode | null;
};

interface ChatTab {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors (a CSP refusal, a 404, a script error): none is expected. */
  readonly errors: string[];
}

/** Opens the page in a fresh browser context (its own storage) with `locale`, once connected. */
async function openChat(browser: Browser, port: number, locale = "en-US"): Promise<ChatTab> {
  const context = await browser.newContext({ locale, viewport: { width: 1100, height: 720 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('#status[data-state="connected"]');
  return { page, context, errors };
}

/** Sets the nickname with the keyboard and waits until the members panel shows it as one's own. */
async function setNick(tab: ChatTab, nick: string): Promise<void> {
  await tab.page.fill("#nick-input", nick);
  await tab.page.press("#nick-input", "Enter");
  await tab.page.waitForFunction(
    (wanted) => document.querySelector("#members .me")?.textContent?.startsWith(wanted) === true,
    nick,
  );
}

async function joinRoom(tab: ChatTab, room: string): Promise<void> {
  await tab.page.fill("#join-input", room);
  await tab.page.press("#join-input", "Enter");
  await tab.page.waitForFunction(
    (wanted) => document.querySelector('#rooms [aria-current="true"]')?.getAttribute("data-room") === wanted,
    room,
  );
}

async function say(tab: ChatTab, text: string): Promise<void> {
  await tab.page.fill("#message", text);
  await tab.page.press("#message", "Enter");
}

/** Waits for a log entry of `kind` whose text is `text` (time stamp left out). */
async function logShows(tab: ChatTab, kind: string, text: string): Promise<void> {
  await tab.page.waitForFunction(
    ([wanted, className]) =>
      [...document.querySelectorAll(`#log li.${className}`)].some(
        (item) => item.textContent?.replace(/^\d\d:\d\d /, "") === wanted,
      ),
    [text, kind] as const,
  );
}

async function members(tab: ChatTab): Promise<string[]> {
  return tab.page.$$eval("#members li", (items) => items.map((item) => item.textContent ?? ""));
}

/** An nc user: a raw TCP socket that types lines. */
async function ncUser(port: number, nick: string, room: string): Promise<RawPeer> {
  const peer = await RawPeer.connect(port);
  peer.write(`/nick ${nick}\n`);
  await peer.line(`* you are now ${nick}`);
  peer.write(`/join ${room}\n`);
  await peer.line(`* you are now in room ${room}`);
  return peer;
}

describe("the web chat page in a real browser", () => {
  let browser: Browser;
  let shots = "";
  const servers: WsTestServer[] = [];
  const peers: RawPeer[] = [];
  const monitors: Monitor[] = [];

  before(async () => {
    browser = await openBrowser();
    shots = SCREENSHOTS ? join("docs", "images") : await mkdtemp(join(tmpdir(), "enchufe-shots-"));
    await mkdir(shots, { recursive: true });
  });
  after(async () => {
    for (const peer of peers) peer.close();
    await browser?.close();
    for (const monitor of monitors) await monitor.close();
    for (const server of servers) await server.close();
    if (!SCREENSHOTS && shots !== "") await rm(shots, { recursive: true, force: true });
  });

  async function server(options: Parameters<typeof startServer>[1] = {}): Promise<WsTestServer> {
    // Chromium opens sockets before it has a request for them (preconnect); past the sniff deadline
    // (150 ms by default) such a socket is greeted as a text user and its request then fails. Every
    // peer of these tests speaks first, so a long deadline costs nothing here (see the report).
    const started = await startServer({}, { sniffDeadlineMs: 10_000, ...options });
    servers.push(started);
    return started;
  }

  async function nc(port: number, nick: string, room: string): Promise<RawPeer> {
    const peer = await ncUser(port, nick, room);
    peers.push(peer);
    return peer;
  }

  describe("two browser users and an nc user in one room", () => {
    let chat: WsTestServer;
    let ana: ChatTab;
    let bob: ChatTab;
    let carl: RawPeer;
    let monitor: Monitor;

    before(async () => {
      chat = await server();
      // The live view records events from its start: the dashboard shows these users arrive.
      monitor = createMonitor({ handler: chat.handler, port: 0, lang: "en" });
      monitors.push(monitor);
      await monitor.listen();
      ana = await openChat(browser, chat.port);
      bob = await openChat(browser, chat.port);
      await setNick(ana, "ana");
      await setNick(bob, "bob");
      await joinRoom(ana, "lobby");
      await joinRoom(bob, "lobby");
      carl = await nc(chat.port, "carl", "lobby");
    });
    after(async () => {
      await ana?.context.close();
      await bob?.context.close();
    });

    test("chat page - presence notices, the members of the room and the rooms with their counts", async () => {
      await logShows(ana, "notice", "* carl joined lobby");
      await logShows(bob, "notice", "* carl joined lobby");
      await ana.page.waitForFunction(() => document.querySelectorAll("#members li").length === 3);
      assert.deepEqual(await members(ana), ["ana (you)", "bob", "carl"]);
      await ana.page.waitForFunction(() =>
        [...document.querySelectorAll("#rooms button")].some((b) => b.textContent === "lobby (3)"),
      );
    });

    test("chat page - messages go both ways between the pages and the nc user", async () => {
      await say(ana, "hello from the browser");
      await logShows(ana, "own", "lobby ana: hello from the browser");
      await logShows(bob, "message", "lobby ana: hello from the browser");
      await carl.line("[lobby] ana: hello from the browser");
      carl.write("hi browsers, nc here\n");
      await logShows(ana, "message", "lobby carl: hi browsers, nc here");
      await logShows(bob, "message", "lobby carl: hi browsers, nc here");
      await say(bob, "bob too <b>not bold</b>");
      await carl.line("[lobby] bob: bob too <b>not bold</b>");
      await logShows(ana, "message", "lobby bob: bob too <b>not bold</b>");
      // Another user's text is text, never markup.
      assert.equal(await ana.page.$$eval("#log b b, #log .text b", (found) => found.length), 0);
    });

    test("chat page - what is being typed stays in the input while messages arrive", async () => {
      await ana.page.fill("#message", "half a thought");
      carl.write("one\ntwo\nthree\n");
      await logShows(ana, "message", "lobby carl: three");
      assert.equal(await ana.page.inputValue("#message"), "half a thought");
      await ana.page.fill("#message", "");
    });

    test("chat page - a private message from the browser reaches the nc user, and the answer comes back", async () => {
      await ana.page.click('#members button:text-is("carl")');
      assert.equal(await ana.page.inputValue("#target"), "carl");
      assert.equal(await ana.page.evaluate(() => document.activeElement?.id), "message");
      await ana.page.keyboard.type("just for you");
      await ana.page.keyboard.press("Enter");
      await carl.line("[private] ana: just for you");
      await logShows(ana, "ownPrivate", "private to carl ana: just for you");
      carl.write("/msg ana got it\n");
      await logShows(ana, "private", "private carl: got it");
      assert.doesNotMatch(carl.text, /\* private message sent to carl/);
      const bobSaw = await bob.page.textContent("#log");
      assert.doesNotMatch(bobSaw ?? "", /just for you|got it/);
      await ana.page.selectOption("#target", "");
    });

    test("chat page - leaving the room goes back to general, and the others see it", async () => {
      await bob.page.click("#leave");
      await logShows(ana, "notice", "* bob left lobby");
      await bob.page.waitForFunction(
        () => document.querySelector('#rooms [aria-current="true"]')?.getAttribute("data-room") === "general",
      );
      assert.equal(await bob.page.isDisabled("#leave"), true);
      await ana.page.waitForFunction(() => document.querySelectorAll("#members li").length === 2);
      await joinRoom(bob, "lobby");
      await logShows(ana, "notice", "* bob joined lobby");
      await say(bob, "back again");
      await logShows(ana, "message", "lobby bob: back again");
      await ana.page.waitForFunction(() => document.querySelectorAll("#members li").length === 3);
      assert.deepEqual(ana.errors, []);
      assert.deepEqual(bob.errors, []);
      await ana.page.screenshot({ path: join(shots, "chat.png") });
    });

    test("chat page - the dashboard in the browser counts the connections /varz counts", async () => {
      const port = monitor.address!.port;
      const varz = async () => {
        const response = await fetch(`http://127.0.0.1:${port}/varz`);
        const body = (await response.json()) as {
          connections: { now: { text: number; framed: number; websocket: number } };
        };
        const now = body.connections.now;
        return { all: now.text + now.framed + now.websocket, websocket: now.websocket };
      };
      const counted = await varz();
      assert.deepEqual(counted, { all: 3, websocket: 2 });
      const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => document.getElementById("conn-now")?.textContent === "3");
      await page.waitForFunction(() => document.querySelectorAll("#rooms li").length >= 1);
      assert.deepEqual(await varz(), counted);
      // Some traffic for the rate chart, then a few samples of it before the screenshot.
      for (let i = 1; i <= 6; i++) carl.write(`line ${i} for the chart\n`);
      await logShows(ana, "message", "lobby carl: line 6 for the chart");
      await page.waitForFunction(() => Number(document.getElementById("rate-in")?.textContent) > 0);
      await page.waitForFunction(
        () => (document.getElementById("in-line")?.getAttribute("points") ?? "").split(" ").length >= 4,
      );
      await page.screenshot({ path: join(shots, "dashboard.png") });
      assert.deepEqual(errors, []);
      await context.close();
    });
  });

  test("chat page - opening it shows general's recent history, joining a room shows that room's", async () => {
    const chat = await server();
    const dee = await nc(chat.port, "dee", "general");
    const eve = await nc(chat.port, "eve", "attic");
    // Each writes a line, then asks /history: its answer comes after the line is kept.
    dee.write("before the page opened\n/history\n");
    eve.write("up in the attic\n/history\n");
    await dee.line("* history of general (1):");
    await eve.line("* history of attic (1):");
    const tab = await openChat(browser, chat.port);
    await logShows(tab, "history", "general dee: before the page opened");
    await joinRoom(tab, "attic");
    await logShows(tab, "history", "attic eve: up in the attic");
    // Kept lines carry the time the server kept them, not the time the page got them.
    const time = await tab.page.$eval("#log li.history time", (node) => node.textContent ?? "");
    assert.match(time, /^\d\d:\d\d$/);
    assert.deepEqual(tab.errors, []);
    await tab.context.close();
  });

  test("chat page - shows that it is reconnecting and comes back to its room after the server restarts", async () => {
    const first = await server();
    const port = first.port;
    const dora = await openChat(browser, port);
    try {
      await setNick(dora, "dora");
      await joinRoom(dora, "den");
      await first.close();
      await dora.page.waitForSelector('#status[data-state="reconnecting"]');
      assert.match((await dora.page.textContent("#status")) ?? "", /^Connection lost: attempt \d+ in/);
      await dora.page.fill("#message", "typed while away");
      await dora.page.press("#message", "Enter");
      await logShows(dora, "local", "offline: sent once reconnected");
      const again = await server({ port });
      // The page may reconnect and send before eve has joined den: the server's own event is what shows
      // the line was sent once reconnected (listened for before any I/O of the new server is handled).
      const sent = once(again.handler, "message");
      const eve = await nc(again.port, "eve", "den");
      await dora.page.waitForSelector('#status[data-state="connected"]');
      const [event] = (await sent) as [{ topic: string; from: string; payload: Uint8Array }];
      assert.deepEqual(
        [event.topic, event.from, Buffer.from(event.payload).toString()],
        ["den", "dora", "typed while away"],
      );
      await dora.page.waitForFunction(() => document.querySelectorAll("#members li").length === 2);
      assert.deepEqual(await members(dora), ["dora (you)", "eve"]);
      eve.write("welcome back\n");
      await logShows(dora, "message", "den eve: welcome back");
      // /quit is the user's wish: the server's close is then no reason to reconnect.
      await say(dora, "/quit");
      await eve.line("* dora left den");
      await dora.page.waitForSelector('#status[data-state="left"]');
      assert.equal(
        await dora.page.textContent("#status"),
        "You left the chat (/quit): reload the page to come back",
      );
    } finally {
      await dora.context.close();
    }
  });

  test("chat page - a second tab with a remembered nickname someone has is told so and chats as a guest", async () => {
    const chat = await server();
    const first = await openChat(browser, chat.port);
    try {
      await setNick(first, "fay");
      // The same browser profile: the second tab asks for the nickname the first one holds.
      const second = await first.context.newPage();
      await second.goto(`http://127.0.0.1:${chat.port}/`);
      await second.waitForSelector('#status[data-state="connected"]');
      const tab = { page: second, context: first.context, errors: [] };
      await logShows(tab, "error", "! the nick fay is already taken");
      // A guest's nickname is not known to the page: no member is marked as this user.
      assert.equal(await second.$("#members .me"), null);
      await say(tab, "hello as a guest");
      await logShows(first, "message", "general guest-2: hello as a guest");
    } finally {
      await first.context.close();
    }
  });

  test("chat page - speaks the server's --lang, else the browser's language", async () => {
    const spanish = await server({ pageLang: "es" });
    const either = await server();
    const tabs = [
      await openChat(browser, spanish.port, "en-US"),
      await openChat(browser, either.port, "es-ES"),
      await openChat(browser, either.port, "en-GB"),
    ];
    try {
      const seen = [];
      for (const tab of tabs) {
        seen.push({
          lang: await tab.page.evaluate(() => document.documentElement.lang),
          status: await tab.page.textContent("#status"),
          send: await tab.page.textContent('#send-form button[type="submit"]'),
        });
      }
      assert.deepEqual(seen, [
        { lang: "es", status: "Conectado", send: "Enviar" },
        { lang: "es", status: "Conectado", send: "Enviar" },
        { lang: "en", status: "Connected", send: "Send" },
      ]);
      // The server speaks to the page in the page's language (/lang), whatever its own.
      const [inSpanish] = tabs;
      await inSpanish!.page.fill("#message", "/nick");
      await inSpanish!.page.press("#message", "Enter");
      await logShows(inSpanish!, "error", "! uso: /nick NAME");
      // Every label, heading and button got its text from the catalogue (the HTML has none of its own).
      for (const tab of tabs) {
        const empty = await tab.page.$$eval("label, h1, h2, button, #status", (nodes) =>
          nodes.filter((node) => (node.textContent ?? "").trim() === "").map((node) => node.outerHTML),
        );
        assert.deepEqual(empty, []);
        assert.deepEqual(tab.errors, []);
      }
    } finally {
      for (const tab of tabs) await tab.context.close();
    }
  });
});
