import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { CloseReason, ErrCode, encodeFrame, PREFACE, ReplyStatus } from "../../src/protocol/frames.js";
import { FramedClient, startTestServer, TestClients, type TestServer, text } from "../helpers/framed.js";

describe("framed mode", () => {
  let server: TestServer;
  const clients = new TestClients(() => server.port);
  const framed = (name: string) => clients.framed(name);
  const person = (nick: string, room: string) => clients.person(nick, room);

  before(async () => {
    server = await startTestServer({ maxPayloadBytes: 4096, handshakeTimeoutMs: 300 });
  });
  after(async () => {
    clients.closeAll();
    await server.close();
  });

  test("handshake: preface echoed, WELCOME announces the limits and the nick", async () => {
    const client = await framed("robot");
    assert.ok(client.welcome);
    assert.equal(client.welcome.version, 1);
    assert.equal(client.welcome.nick, "robot");
    assert.equal(client.welcome.maxPayload, 4096);
    assert.equal(client.welcome.maxPending, 8 * 1024 * 1024);
    assert.equal(client.welcome.idleTimeoutMs, 0);
    const taken = await framed("robot");
    assert.match(taken.welcome!.nick, /^guest-\d+$/);
  });

  test("a framed client leaves text mode silently (no presence noise in general)", async () => {
    const watcher = await person("watch-framed", "general");
    await framed("quiet-bot");
    watcher.send("/who");
    const who = await watcher.nextStarting("* in general");
    assert.doesNotMatch(who, /quiet-bot/);
    assert.ok(!watcher.lines.items.some((line) => line.includes("joined") || line.includes("left")));
  });

  test("mixed text and framed users in one room", async () => {
    const ana = await person("ana-m", "mixed");
    const bob = await person("bob-m", "mixed");
    const bot = await framed("bot-m");
    bot.subscribe(1, "mixed");
    await bot.flush();
    ana.send("hola bot");
    const msg = await bot.next("MSG");
    assert.deepEqual(
      [msg.topic, msg.from, text(msg.payload), msg.private],
      ["mixed", "ana-m", "hola bot", false],
    );
    assert.equal(await bob.nextStarting("[mixed]"), "[mixed] ana-m: hola bot");
    bot.publish("mixed", "line one\nline \u001b[1mtwo\u001b[0m\n");
    assert.equal(await ana.nextStarting("[mixed]"), "[mixed] bot-m: line one");
    assert.equal(await ana.nextStarting("[mixed]"), "[mixed] bot-m: line two");
    // The publisher, subscribed to its own topic, gets its message too (like NATS).
    assert.equal(text((await bot.next("MSG")).payload), "line one\nline \u001b[1mtwo\u001b[0m\n");
    // Binary payloads are not shown to people.
    bot.publish("mixed", Buffer.from([0xff, 0x00, 0xfe]));
    bot.publish("mixed", "after binary");
    assert.equal(await bob.nextStarting("[mixed] bot-m"), "[mixed] bot-m: line one");
    assert.equal(await bob.nextStarting("[mixed] bot-m"), "[mixed] bot-m: line two");
    assert.equal(await bob.nextStarting("[mixed] bot-m"), "[mixed] bot-m: after binary");
  });

  test("wildcards, one MSG per connection with overlapping subscriptions, UNSUB", async () => {
    const sub = await framed("wild-sub");
    const pub = await framed("wild-pub");
    sub.subscribe(1, "orders.*");
    sub.subscribe(2, "orders.>");
    sub.subscribe(3, "orders.eu");
    await sub.flush();
    pub.publish("orders.eu", "one");
    pub.publish("orders.eu.es", "two");
    pub.publish("other", "never");
    await pub.flush();
    assert.equal(text((await sub.next("MSG")).payload), "one");
    assert.equal(text((await sub.next("MSG")).payload), "two");
    sub.send({ type: "UNSUB", sid: 2 });
    sub.send({ type: "UNSUB", sid: 3 });
    await sub.flush();
    pub.publish("orders.eu.es", "gone");
    pub.publish("orders.us", "three");
    await pub.flush();
    assert.equal(text((await sub.next("MSG")).payload), "three");
    await sub.flush();
    assert.equal(sub.frames.items.filter((f) => f.type === "MSG").length, 0);
  });

  test("headers are carried; invalid topics and duplicate sids are answered with ERR", async () => {
    const client = await framed("headers");
    client.subscribe(5, "h.t");
    client.subscribe(5, "h.u");
    const dup = await client.next("ERR");
    assert.deepEqual([dup.code, dup.ref], [ErrCode.DUPLICATE_SID, 5]);
    client.subscribe(6, "bad..pattern");
    assert.deepEqual((({ code, ref }) => [code, ref])(await client.next("ERR")), [ErrCode.INVALID_TOPIC, 6]);
    client.send({ type: "PUB", topic: "h.*", headers: [], payload: Buffer.from("x") });
    assert.equal((await client.next("ERR")).code, ErrCode.INVALID_TOPIC);
    client.send({ type: "PUB", topic: "h.t", headers: [["k", "v"]], payload: Buffer.from("x") });
    const msg = await client.next("MSG");
    assert.deepEqual(msg.headers, [["k", "v"]]);
  });

  test("DIRECT reaches only its target (framed or text), marked private; absent target -> NO_SUCH_USER", async () => {
    const sender = await framed("dm-sender");
    const target = await framed("dm-target");
    const other = await framed("dm-other");
    other.subscribe(1, ">");
    const human = await person("dm-human", "dm-room");
    sender.send({ type: "DIRECT", target: "DM-TARGET", headers: [], payload: Buffer.from("psst") });
    const msg = await target.next("MSG");
    assert.deepEqual(
      [msg.private, msg.from, msg.topic, text(msg.payload)],
      [true, "dm-sender", "dm-target", "psst"],
    );
    sender.send({ type: "DIRECT", target: "dm-human", headers: [], payload: Buffer.from("hi human") });
    assert.equal(await human.nextStarting("[private]"), "[private] dm-sender: hi human");
    human.send("/msg dm-target from a person");
    const fromHuman = await target.next("MSG");
    assert.deepEqual(
      [fromHuman.private, fromHuman.from, text(fromHuman.payload)],
      [true, "dm-human", "from a person"],
    );
    sender.send({ type: "DIRECT", target: "nobody", headers: [], payload: Buffer.from("?") });
    assert.equal((await sender.next("ERR")).code, ErrCode.NO_SUCH_USER);
    await other.flush();
    assert.equal(other.frames.items.filter((f) => f.type === "MSG" && f.private).length, 0);
  });

  test("requests to the built-in echo and time handlers", async () => {
    const client = await framed("req");
    client.send({
      type: "REQ",
      reqId: 1,
      name: "echo",
      timeoutMs: 1000,
      headers: [],
      payload: Buffer.from("eco"),
    });
    const echo = await client.next("REPLY");
    assert.deepEqual([echo.reqId, echo.status, text(echo.payload)], [1, ReplyStatus.OK, "eco"]);
    client.send({
      type: "REQ",
      reqId: 2,
      name: "time",
      timeoutMs: 1000,
      headers: [],
      payload: Buffer.alloc(0),
    });
    const time = await client.next("REPLY");
    assert.equal(time.status, ReplyStatus.OK);
    assert.match(text(time.payload), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(text(time.payload)) - Date.now()) < 5000);
  });

  test("library handlers: sync, async and throwing", async () => {
    server.handler.handleRequest("math.double", (request) => String(Number(text(request.payload)) * 2));
    server.handler.handleRequest("slow.hello", async (request) => `hello ${request.from}`);
    server.handler.handleRequest("broken", () => {
      throw new Error("boom");
    });
    const client = await framed("lib-req");
    client.send({
      type: "REQ",
      reqId: 7,
      name: "math.double",
      timeoutMs: 0,
      headers: [],
      payload: Buffer.from("21"),
    });
    assert.equal(text((await client.next("REPLY", (r) => r.reqId === 7)).payload), "42");
    client.send({
      type: "REQ",
      reqId: 8,
      name: "slow.hello",
      timeoutMs: 0,
      headers: [],
      payload: Buffer.alloc(0),
    });
    assert.equal(text((await client.next("REPLY", (r) => r.reqId === 8)).payload), "hello lib-req");
    client.send({
      type: "REQ",
      reqId: 9,
      name: "broken",
      timeoutMs: 0,
      headers: [],
      payload: Buffer.alloc(0),
    });
    const broken = await client.next("REPLY", (r) => r.reqId === 9);
    assert.deepEqual([broken.status, text(broken.payload)], [ReplyStatus.HANDLER_ERROR, "boom"]);
  });

  test("a handler set after requests of its name were routed answers the next ones; a replaced one too", async () => {
    const client = await framed("late-handler");
    const ask = async (reqId: number) => {
      client.send({
        type: "REQ",
        reqId,
        name: "late.job",
        timeoutMs: 0,
        headers: [],
        payload: Buffer.alloc(0),
      });
      const reply = await client.next("REPLY", (r) => r.reqId === reqId);
      return [reply.status, text(reply.payload)];
    };
    assert.deepEqual(await ask(1), [ReplyStatus.NO_RESPONDERS, ""]);
    server.handler.handleRequest("late.job", () => "first");
    assert.deepEqual(await ask(2), [ReplyStatus.OK, "first"]);
    server.handler.handleRequest("late.job", () => "second");
    assert.deepEqual(await ask(3), [ReplyStatus.OK, "second"]);
  });

  test("request to a responder client, timeout and no responders", async () => {
    const responder = await framed("svc");
    responder.subscribe(1, "calc.*", true);
    await responder.flush();
    const asker = await framed("asker");
    asker.send({
      type: "REQ",
      reqId: 10,
      name: "calc.add",
      timeoutMs: 2000,
      headers: [["a", "b"]],
      payload: Buffer.from("1+2"),
    });
    const incoming = await responder.next("REQMSG");
    assert.deepEqual([incoming.name, incoming.from, text(incoming.payload)], ["calc.add", "asker", "1+2"]);
    assert.deepEqual(incoming.headers, [["a", "b"]]);
    responder.send({
      type: "RESPOND",
      token: incoming.token,
      status: ReplyStatus.OK,
      headers: [],
      payload: Buffer.from("3"),
    });
    const reply = await asker.next("REPLY");
    assert.deepEqual([reply.reqId, reply.status, text(reply.payload)], [10, ReplyStatus.OK, "3"]);
    // The responder does not answer: TIMEOUT.
    asker.send({
      type: "REQ",
      reqId: 11,
      name: "calc.slow",
      timeoutMs: 100,
      headers: [],
      payload: Buffer.alloc(0),
    });
    const ignored = await responder.next("REQMSG");
    const timeout = await asker.next("REPLY");
    assert.deepEqual([timeout.reqId, timeout.status], [11, ReplyStatus.TIMEOUT]);
    // A late answer is dropped.
    responder.send({
      type: "RESPOND",
      token: ignored.token,
      status: 0,
      headers: [],
      payload: Buffer.from("late"),
    });
    // Nobody serves it: NO_RESPONDERS.
    asker.send({
      type: "REQ",
      reqId: 12,
      name: "nobody.home",
      timeoutMs: 100,
      headers: [],
      payload: Buffer.alloc(0),
    });
    const none = await asker.next("REPLY");
    assert.deepEqual([none.reqId, none.status], [12, ReplyStatus.NO_RESPONDERS]);
    // A plain (non-responder) subscription does not receive requests.
    const plain = await framed("plain-sub");
    plain.subscribe(1, "plain.req");
    await plain.flush();
    asker.send({
      type: "REQ",
      reqId: 13,
      name: "plain.req",
      timeoutMs: 100,
      headers: [],
      payload: Buffer.alloc(0),
    });
    assert.equal((await asker.next("REPLY")).status, ReplyStatus.NO_RESPONDERS);
  });

  test("a responder that leaves with a request in flight: NO_RESPONDERS at once", async () => {
    const responder = await framed("leaver");
    responder.subscribe(1, "leave.now", true);
    await responder.flush();
    const asker = await framed("asker-2");
    asker.send({
      type: "REQ",
      reqId: 20,
      name: "leave.now",
      timeoutMs: 10_000,
      headers: [],
      payload: Buffer.alloc(0),
    });
    await responder.next("REQMSG");
    responder.close();
    const reply = await asker.next("REPLY", undefined, 2000);
    assert.deepEqual([reply.reqId, reply.status], [20, ReplyStatus.NO_RESPONDERS]);
  });

  test("a frame before HELLO is answered with ERR NOT_READY and CLOSE", async () => {
    const client = await FramedClient.connect(server.port, "x", false);
    clients.track(client);
    client.publish("general", "too early");
    assert.equal((await client.next("ERR")).code, ErrCode.NOT_READY);
    assert.equal((await client.next("CLOSE")).reason, CloseReason.PROTOCOL_ERROR);
    await client.frames.whenEnded();
  });

  test("an unsupported version, an unknown frame type and a server-only frame close with PROTOCOL_ERROR", async () => {
    const old = await FramedClient.connect(server.port, "x", false);
    clients.track(old);
    old.send({ type: "HELLO", version: 9, clientName: "old", user: "", password: "", token: "" });
    assert.equal((await old.next("ERR")).code, ErrCode.PROTOCOL);
    assert.equal((await old.next("CLOSE")).reason, CloseReason.PROTOCOL_ERROR);

    const weird = await framed("weird");
    weird.socket.write(Buffer.from([0x7f, 0, 0, 0, 0, 0]));
    assert.equal((await weird.next("ERR")).code, ErrCode.PROTOCOL);
    assert.equal((await weird.next("CLOSE")).reason, CloseReason.PROTOCOL_ERROR);
    await weird.frames.whenEnded();

    const cheeky = await framed("cheeky");
    cheeky.send({ type: "REPLY", reqId: 1, status: 0, headers: [], payload: Buffer.alloc(0) });
    assert.equal((await cheeky.next("CLOSE")).reason, CloseReason.PROTOCOL_ERROR);
  });

  test("a payload over maxPayload is answered with ERR TOO_LARGE and CLOSE TOO_LARGE", async () => {
    const big = await framed("big");
    big.publish("general", Buffer.alloc(5000));
    assert.equal((await big.next("ERR")).code, ErrCode.TOO_LARGE);
    assert.equal((await big.next("CLOSE")).reason, CloseReason.TOO_LARGE);
    const huge = await framed("huge");
    huge.socket.write(Buffer.from([0x03, 0, 0x7f, 0xff, 0xff, 0xff]));
    assert.equal((await huge.next("ERR")).code, ErrCode.TOO_LARGE);
    assert.equal((await huge.next("CLOSE")).reason, CloseReason.TOO_LARGE);
  });

  test("no HELLO within the handshake timeout: CLOSE HANDSHAKE_TIMEOUT", async () => {
    const slow = await FramedClient.connect(server.port, "x", false);
    clients.track(slow);
    assert.equal((await slow.next("CLOSE")).reason, CloseReason.HANDSHAKE_TIMEOUT);
  });

  test("a 0x00 first byte with a wrong preface is closed", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    clients.track({ close: () => socket.destroy() });
    socket.on("error", () => {});
    socket.resume();
    socket.write(Buffer.from([0x00, 0x41, 0x42, 0x43]));
    await once(socket, "close");
  });

  test("preface and HELLO may arrive one byte at a time", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    clients.track({ close: () => socket.destroy() });
    await once(socket, "connect");
    const bytes = Buffer.concat([
      PREFACE,
      encodeFrame({ type: "HELLO", version: 1, clientName: "bytewise", user: "", password: "", token: "" }),
      encodeFrame({ type: "PING" }),
    ]);
    let received = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    for (const byte of bytes) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const pong = encodeFrame({ type: "PONG" });
    while (!received.subarray(received.length - pong.length).equals(pong)) await once(socket, "data");
    assert.ok(received.includes(Buffer.from("bytewise")));
  });
});
