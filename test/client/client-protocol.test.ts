import assert from "node:assert/strict";
import { once } from "node:events";
import { after, afterEach, describe, test } from "node:test";
import { connect, type EnchufeClient } from "../../src/client/client.js";
import { EnchufeError, isEnchufeError } from "../../src/errors.js";
import { FRAME_OVERHEAD_BYTES } from "../../src/protocol/frame-limits.js";
import { ErrCode, encodeFrame, type FrameOf } from "../../src/protocol/frames.js";
import { resolveMessagingOptions } from "../../src/server/limits.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { createServer, type EnchufeServer } from "../../src/server/server.js";
import { type FakeServer, startFakeServer } from "./fake-server.js";

const clients = new Set<EnchufeClient>();
const fakes = new Set<FakeServer>();
const servers = new Set<EnchufeServer>();
afterEach(async () => {
  await Promise.all([...clients].map((c) => c.close()));
  clients.clear();
  await Promise.all([...fakes].map((f) => f.close()));
  fakes.clear();
});
after(async () => {
  await Promise.all([...servers].map((s) => s.close()));
});

async function client(port: number, options: Parameters<typeof connect>[0] = {}): Promise<EnchufeClient> {
  const c = await connect({ port, timeoutMs: 3000, reconnect: false, ...options });
  clients.add(c);
  return c;
}

async function fake(maxPayload = 1024): Promise<FakeServer> {
  const server = await startFakeServer({ maxPayload });
  fakes.add(server);
  return server;
}

async function realServer(): Promise<number> {
  const handler = new MessagingHandler(resolveMessagingOptions({ lang: "en" }));
  const server = createServer({ port: 0, handler, shutdownTimeoutMs: 1000 });
  servers.add(server);
  return (await server.listen()).port;
}

/** Each test awaits events; a missing one fails the test instead of hanging the run. */
const WITHIN = { timeout: 5000 };

function msg(topic: string, payloadBytes: number): Buffer {
  return encodeFrame({
    type: "MSG",
    private: false,
    topic,
    from: "fake",
    headers: [],
    payload: Buffer.alloc(payloadBytes, 0x61),
  });
}

describe("client ids, ERR refs, limits and error codes", () => {
  test("subscription ids and request ids come from one counter and never repeat", WITHIN, async () => {
    const server = await fake();
    const c = await client(server.port);
    c.subscribe("a");
    void c.request("svc.one").catch(() => {});
    c.respond("svc.>");
    void c.request("svc.two").catch(() => {});
    c.subscribe("b");
    await c.flush();
    const ids = server.frames.flatMap((frame) =>
      frame.type === "SUB" || frame.type === "RSUB" ? [frame.sid] : frame.type === "REQ" ? [frame.reqId] : [],
    );
    assert.equal(ids.length, 5);
    assert.equal(new Set(ids).size, 5, `ids repeat: ${ids.join(",")}`);
  });

  test(
    "an ERR whose ref is a request id rejects that request and leaves every subscription alone",
    WITHIN,
    async () => {
      const server = await fake();
      const c = await client(server.port);
      const subscription = c.subscribe("news");
      const reply = c.request("svc.denied", "x", { timeoutMs: 5000 });
      const req = (await server.nextFrame((frame) => frame.type === "REQ")) as FrameOf<"REQ">;
      server.send(encodeFrame({ type: "ERR", code: ErrCode.DENIED, ref: req.reqId, message: "no" }));
      await assert.rejects(reply, (e) => isEnchufeError(e, "EDENIED"));
      assert.equal(subscription.closed, false);
      assert.equal(subscription.error, undefined);
      server.send(msg("news", 3));
      assert.equal((await subscription.queue.next()).value?.topic, "news");
    },
  );

  test("an ERR whose ref is a subscription id ends that subscription with the error", WITHIN, async () => {
    const server = await fake();
    const c = await client(server.port);
    const subscription = c.subscribe("secret");
    // A plain subscription is an RSUB (version 2: it can resume), with the SUB's sid.
    const sub = (await server.nextFrame((frame) => frame.type === "RSUB")) as FrameOf<"RSUB">;
    const failed = once(c, "error");
    server.send(encodeFrame({ type: "ERR", code: ErrCode.DENIED, ref: sub.sid, message: "no" }));
    const [error] = await failed;
    assert.ok(isEnchufeError(error, "EDENIED"));
    assert.equal(subscription.closed, true);
    assert.ok(isEnchufeError(subscription.error, "EDENIED"));
  });

  test("the decoder limit is WELCOME's maxPayload plus the frame overhead", WITHIN, async () => {
    const maxPayload = 1024;
    const server = await fake(maxPayload);
    const c = await client(server.port);
    const subscription = c.subscribe("big");
    await c.flush();
    server.send(msg("big", maxPayload));
    assert.equal((await subscription.queue.next()).value?.payload.length, maxPayload);

    const failed = once(c, "error");
    // Not events.once(): it would reject on the 'error' event this test expects.
    const closed = new Promise((resolve) => c.once("closed", resolve));
    server.send(msg("big", maxPayload + FRAME_OVERHEAD_BYTES + 1));
    const [error] = await failed;
    assert.ok(error instanceof EnchufeError && error.code === "ETOOLARGE", String(error));
    await closed;
  });

  test(
    "before WELCOME the limit is small: a WELCOME over 64 KiB fails the connect with ETOOLARGE",
    WITHIN,
    async () => {
      const server = await startFakeServer({ maxPayload: 1024, serverName: "n".repeat(40_000) });
      fakes.add(server);
      await assert.rejects(connect({ port: server.port, timeoutMs: 3000, reconnect: false }), (e) =>
        isEnchufeError(e, "ETOOLARGE"),
      );
    },
  );

  test(
    "while reconnecting, info keeps the last WELCOME and payloads are still checked against it",
    WITHIN,
    async () => {
      const server = await fake(1024);
      const c = await client(server.port, { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
      const down = new Promise((resolve) => c.once("disconnected", resolve));
      server.dropClients();
      await down;
      assert.equal(c.state, "reconnecting");
      assert.equal(c.info?.maxPayload, 1024);
      assert.throws(
        () => c.publish("t", Buffer.alloc(1025)),
        (e) => isEnchufeError(e, "ETOOLARGE"),
      );
    },
  );

  test("direct() to a nickname nobody has emits ENOSUCHUSER, not ENORESPONDERS", WITHIN, async () => {
    const port = await realServer();
    const c = await client(port);
    const failed = once(c, "error");
    c.direct("nobody-by-this-name", "hello?");
    const [error] = await failed;
    assert.ok(isEnchufeError(error, "ENOSUCHUSER"), String((error as EnchufeError).code));
    assert.match((error as EnchufeError).message, /nobody-by-this-name/);
  });

  test("a wildcard and an exact subscription both receive a matching MSG, each once", WITHIN, async () => {
    const server = await fake();
    const c = await client(server.port);
    const exact = c.subscribe("room.kitchen");
    const wildcard = c.subscribe("room.*");
    const other = c.subscribe("room.garden");
    await c.flush();
    server.send(msg("room.kitchen", 1));
    await c.flush();
    assert.equal(exact.queue.size, 1);
    assert.equal(wildcard.queue.size, 1);
    assert.equal(other.queue.size, 0);
  });
});
