import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ReplyStatus } from "../../src/protocol/frames.js";
import { text } from "../helpers/framed.js";
import { clusterFixture, framedUser, type Node, textUser, who } from "./helpers.js";

const cluster = clusterFixture();
const track = cluster.track;

describe("cluster - three server processes on one Redis", () => {
  test("text and framed users on different nodes chat in a room, see each other in /who and /rooms", async () => {
    const [a, b, c] = cluster.nodes as [Node, Node, Node];
    const ana = track(await textUser(a.port, "ana"));
    const beto = track(await textUser(b.port, "beto"));
    const sensor = track(await framedUser(c.port, "sensor", ["general"]));
    ana.send("hola a todos");
    assert.equal(await beto.nextStarting("[general]"), "[general] ana: hola a todos");
    const msg = await sensor.next("MSG");
    assert.deepEqual([msg.topic, msg.from, text(msg.payload)], ["general", "ana", "hola a todos"]);
    sensor.publish("general", "from a program");
    assert.equal(await ana.nextStarting("[general]"), "[general] sensor: from a program");
    assert.equal(await beto.nextStarting("[general]"), "[general] sensor: from a program");
    assert.deepEqual(await who(beto), ["ana", "beto"]);
    ana.send("/join team");
    await ana.next((line) => line === "* you are now in room team");
    const carla = track(await textUser(c.port, "carla"));
    const joinedAt = Date.now();
    carla.send("/join team");
    await carla.next((line) => line === "* you are now in room team");
    assert.equal(await ana.next((line) => line.includes("carla joined")), "* carla joined team");
    assert.ok(Date.now() - joinedAt < 2000, "presence shows on the other nodes within 2 s");
    assert.deepEqual(await who(carla), ["ana", "carla"]);
    beto.send("/rooms");
    assert.equal(await beto.nextStarting("* rooms:"), "* rooms: general (1), team (2)");
    carla.send("hi team");
    assert.equal(await ana.nextStarting("[team]"), "[team] carla: hi team");
    carla.send("/nick carlota");
    await carla.next((line) => line === "* you are now carlota");
    assert.equal(
      await ana.next((line) => line.includes("known as carlota")),
      "* carla is now known as carlota",
    );
    assert.deepEqual(await who(ana), ["ana", "carlota"]);
    carla.send("/join general");
    assert.equal(await ana.next((line) => line.includes(" left ")), "* carlota left team");
  });

  test("private messages by nickname cross nodes (text and framed); nicknames are unique cluster-wide", async () => {
    const [a, b, c] = cluster.nodes as [Node, Node, Node];
    const dora = track(await textUser(a.port, "dora"));
    const eli = track(await textUser(b.port, "eli"));
    const bot = track(await framedUser(c.port, "bot"));
    dora.send("/msg ELI psst");
    assert.equal(await dora.nextStarting("* private"), "* private message sent to ELI");
    assert.equal(await eli.nextStarting("[private]"), "[private] dora: psst");
    bot.send({ type: "DIRECT", target: "dora", headers: [], payload: Buffer.from("beep") });
    assert.equal(await dora.nextStarting("[private]"), "[private] bot: beep");
    eli.send("/msg bot hello bot");
    const direct = await bot.next("MSG");
    assert.deepEqual(
      [direct.private, direct.topic, direct.from, text(direct.payload)],
      [true, "bot", "eli", "hello bot"],
    );
    bot.send({ type: "DIRECT", target: "nobody-here", headers: [], payload: Buffer.from("?") });
    assert.equal((await bot.next("ERR")).code, 7);
    eli.send("/msg nobody-here hi");
    assert.equal(await eli.nextStarting("!"), "! nobody is connected with the nick nobody-here");
    // Uniqueness: the same name (any case) on another node is refused, text or framed.
    const other = track(await textUser(c.port));
    other.send("/nick Dora");
    assert.equal(await other.nextStarting("!"), "! the nick Dora is already taken");
    const copy = track(await framedUser(a.port, "eli"));
    assert.notEqual(copy.welcome?.nick.toLowerCase(), "eli");
    // Guests get unique names across nodes too (the node's tag is part of them).
    const guests = await Promise.all(
      cluster.nodes.map(async (node) => track(await framedUser(node.port, "-invalid"))),
    );
    assert.equal(new Set(guests.map((guest) => guest.welcome?.nick)).size, 3);
  });

  test("wildcard subscriptions receive messages published on other nodes", async () => {
    const [a, b, c] = cluster.nodes as [Node, Node, Node];
    const wide = track(await framedUser(a.port, "wide", ["sensors.>"]));
    const star = track(await framedUser(b.port, "star", ["sensors.*.temp", "sensors.kitchen.temp"]));
    const publisher = track(await framedUser(c.port, "pub"));
    publisher.publish("sensors.kitchen.temp", "21.5");
    publisher.publish("sensors.kitchen.hum", "40");
    publisher.publish("sensors.end.temp", "end");
    assert.equal(text((await wide.next("MSG")).payload), "21.5");
    assert.equal(text((await wide.next("MSG")).payload), "40");
    assert.equal(text((await star.next("MSG")).payload), "21.5");
    assert.equal(text((await star.next("MSG")).payload), "end", "once per connection, matching only");
  });

  test("requests reach responders and handlers on other nodes; no responder anywhere is NO_RESPONDERS", async () => {
    const [a, b, c] = cluster.nodes as [Node, Node, Node];
    const responder = track(await framedUser(a.port, "doubler"));
    responder.subscribe(1, "math.*", true);
    await responder.flush();
    const asker = track(await framedUser(c.port, "asker"));
    asker.send({
      type: "REQ",
      reqId: 1,
      name: "math.double",
      timeoutMs: 5000,
      headers: [],
      payload: Buffer.from("21"),
    });
    const incoming = await responder.next("REQMSG");
    assert.deepEqual([incoming.name, incoming.from, text(incoming.payload)], ["math.double", "asker", "21"]);
    responder.send({
      type: "RESPOND",
      token: incoming.token,
      status: 0,
      headers: [["k", "v"]],
      payload: Buffer.from("42"),
    });
    const reply = await asker.next("REPLY");
    assert.deepEqual(
      [reply.reqId, reply.status, reply.headers, text(reply.payload)],
      [1, ReplyStatus.OK, [["k", "v"]], "42"],
    );
    asker.send({
      type: "REQ",
      reqId: 2,
      name: "echo",
      timeoutMs: 0,
      headers: [],
      payload: Buffer.from("eco"),
    });
    assert.equal(text((await asker.next("REPLY", (r) => r.reqId === 2)).payload), "eco");
    asker.send({
      type: "REQ",
      reqId: 3,
      name: "nobody.home",
      timeoutMs: 0,
      headers: [],
      payload: Buffer.alloc(0),
    });
    assert.equal((await asker.next("REPLY", (r) => r.reqId === 3)).status, ReplyStatus.NO_RESPONDERS);
    // The responder leaves before answering: NO_RESPONDERS at once, not a timeout.
    const fromB = track(await framedUser(b.port, "asker-b"));
    fromB.send({
      type: "REQ",
      reqId: 4,
      name: "math.triple",
      timeoutMs: 10000,
      headers: [],
      payload: Buffer.from("1"),
    });
    await responder.next("REQMSG");
    responder.close();
    assert.equal((await fromB.next("REPLY", (r) => r.reqId === 4)).status, ReplyStatus.NO_RESPONDERS);
  });

  test("1000 messages from one publisher arrive in order on the other nodes (framed and text)", async () => {
    const [a, b, c] = cluster.nodes as [Node, Node, Node];
    const reader = track(await framedUser(b.port, "reader", ["order"]));
    const person = track(await textUser(c.port, "person"));
    person.send("/join order");
    await person.next((line) => line === "* you are now in room order");
    const writer = track(await framedUser(a.port, "writer"));
    for (let i = 0; i < 1000; i++) writer.publish("order", String(i));
    for (let i = 0; i < 1000; i++) assert.equal(text((await reader.next("MSG")).payload), String(i));
    for (let i = 0; i < 1000; i++) assert.equal(await person.nextStarting("[order]"), `[order] writer: ${i}`);
  });
});
