import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, test } from "node:test";
import { CloseReason } from "../../src/protocol/frames.js";
import type { ClientInfo } from "../../src/server/session.js";
import { FramedClient, startTestServer, TextClient, text } from "../helpers/framed.js";

describe("many clients", () => {
  test("1000 clients in one room: no message lost or reordered per publisher", {
    timeout: 60_000,
  }, async () => {
    const server = await startTestServer();
    const clients: { close(): void }[] = [];
    try {
      const texts: TextClient[] = [];
      const framedClients: FramedClient[] = [];
      const connecting: Promise<void>[] = [];
      for (let i = 0; i < 500; i++) {
        connecting.push(
          TextClient.connect(server.port).then(({ client }) => {
            texts.push(client);
            clients.push(client);
          }),
        );
        connecting.push(
          FramedClient.connect(server.port, `load-${i}`).then((client) => {
            client.subscribe(1, "general");
            framedClients.push(client);
            clients.push(client);
          }),
        );
      }
      await Promise.all(connecting);
      await Promise.all(framedClients.map((client) => client.flush()));
      const talker = texts[0]!;
      talker.send("/nick talker");
      await talker.nextStarting("* you are now");
      const bot = framedClients[0]!;
      const count = 10;
      for (let n = 0; n < count; n++) {
        talker.send(`t${n}`);
        bot.publish("general", `b${n}`);
      }
      const botNick = bot.welcome!.nick;
      await Promise.all(
        texts.map(async (client) => {
          const fromTalker: string[] = [];
          const fromBot: string[] = [];
          while (fromBot.length < count || (client !== talker && fromTalker.length < count)) {
            const line = await client.nextStarting("[general]", 20_000);
            if (line.startsWith("[general] talker: ")) fromTalker.push(line.slice(18));
            else if (line.startsWith(`[general] ${botNick}: `)) fromBot.push(line.slice(botNick.length + 12));
          }
          assert.deepEqual(
            fromBot,
            Array.from({ length: count }, (_, n) => `b${n}`),
          );
          if (client !== talker)
            assert.deepEqual(
              fromTalker,
              Array.from({ length: count }, (_, n) => `t${n}`),
            );
        }),
      );
      await Promise.all(
        framedClients.map(async (client) => {
          const fromTalker: string[] = [];
          const fromBot: string[] = [];
          while (fromBot.length < count || fromTalker.length < count) {
            const msg = await client.next("MSG", undefined, 20_000);
            (msg.from === "talker" ? fromTalker : fromBot).push(text(msg.payload));
          }
          assert.deepEqual(
            fromBot,
            Array.from({ length: count }, (_, n) => `b${n}`),
          );
          assert.deepEqual(
            fromTalker,
            Array.from({ length: count }, (_, n) => `t${n}`),
          );
        }),
      );
      assert.equal(server.handler.listClients().length, 1000);
    } finally {
      for (const client of clients) client.close();
      await server.close();
    }
  });
});

describe("limits and lifecycle", () => {
  test("a client that never reads is cut off as a slow consumer while others keep receiving", {
    timeout: 20_000,
  }, async () => {
    const server = await startTestServer({ maxPendingBytes: 256 * 1024, maxPayloadBytes: 64 * 1024 });
    const slowEvents: ClientInfo[] = [];
    const reasons: string[] = [];
    server.handler.on("slowConsumer", (info: ClientInfo) => slowEvents.push(info));
    server.handler.on("disconnect", (_info: ClientInfo, reason: string) => reasons.push(reason));
    const stuck = await FramedClient.connect(server.port, "stuck");
    const stuckText = await TextClient.connect(server.port);
    const reader = await FramedClient.connect(server.port, "reader");
    const publisher = await FramedClient.connect(server.port, "publisher");
    try {
      stuck.subscribe(1, "general");
      reader.subscribe(1, "general");
      await Promise.all([stuck.flush(), reader.flush()]);
      stuck.socket.pause();
      stuckText.client.socket.pause();
      const total = 300;
      const chunk = Buffer.alloc(60 * 1024, "x");
      let received = 0;
      for (let n = 0; n < total; n++) {
        publisher.publish("general", chunk);
        if (n % 20 === 19) await publisher.flush();
      }
      while (received < total) {
        const msg = await reader.next("MSG", undefined, 20_000);
        assert.equal(msg.payload.length, chunk.length);
        received++;
      }
      while (reasons.filter((reason) => reason === "slow-consumer").length < 2)
        await once(server.handler, "disconnect");
      assert.deepEqual(slowEvents.map((info) => info.mode).sort(), ["framed", "text"]);
      assert.equal(slowEvents.find((info) => info.mode === "framed")!.nick, "stuck");
      // A paused socket sees the close only once it reads again.
      stuck.socket.resume();
      await stuck.frames.whenEnded();
      assert.equal(reasons.filter((reason) => reason === "slow-consumer").length, 2);
    } finally {
      stuck.close();
      stuckText.client.close();
      reader.close();
      publisher.close();
      await server.close();
    }
  });

  test("graceful shutdown tells text users and framed clients, then resolves", {
    timeout: 20_000,
  }, async () => {
    const server = await startTestServer();
    const { client: person } = await TextClient.connect(server.port);
    const program = await FramedClient.connect(server.port, "prog");
    const done = server.handler.shutdown(2000);
    assert.equal(await person.nextStarting("* "), "* the server is shutting down");
    assert.equal((await program.next("CLOSE")).reason, CloseReason.SHUTDOWN);
    await Promise.all([person.lines.whenEnded(), program.frames.whenEnded()]);
    await done;
    await server.close();
  });

  test("idle timeout: framed clients are pinged, silent ones closed with IDLE; text users told and closed", {
    timeout: 20_000,
  }, async () => {
    const server = await startTestServer({ idleTimeoutMs: 400 });
    const silent = await FramedClient.connect(server.port, "silent");
    const alive = await FramedClient.connect(server.port, "alive");
    const { client: person } = await TextClient.connect(server.port);
    try {
      assert.equal(alive.welcome!.pingIntervalMs, 200);
      // `alive` answers every PING; `silent` never does.
      const push = alive.frames.push.bind(alive.frames);
      alive.frames.push = (frame) => {
        if (frame.type === "PING") alive.send({ type: "PONG" });
        else push(frame);
      };
      await silent.next("PING");
      assert.equal((await silent.next("CLOSE", undefined, 2000)).reason, CloseReason.IDLE);
      assert.match(await person.nextStarting("! ", 2000), /idle for too long/);
      await person.lines.whenEnded();
      assert.equal(alive.frames.ended, false);
    } finally {
      silent.close();
      alive.close();
      person.close();
      await server.close();
    }
  });

  test("max connections: extra clients are told the server is full", { timeout: 20_000 }, async () => {
    const server = await startTestServer({ maxConnections: 2 });
    const first = await TextClient.connect(server.port);
    const second = await TextClient.connect(server.port);
    try {
      const third = await TextClient.connect(server.port);
      assert.equal(third.greeting, "! the server is full, try again later");
      await third.client.lines.whenEnded();
    } finally {
      first.client.close();
      second.client.close();
      await server.close();
    }
  });

  test("connect/disconnect/message events, listClients and listRooms", { timeout: 20_000 }, async () => {
    const server = await startTestServer();
    const connected: ClientInfo[] = [];
    const disconnected: ClientInfo[] = [];
    const messages: { topic: string; from: string; payload: Uint8Array }[] = [];
    server.handler.on("connect", (info: ClientInfo) => connected.push(info));
    server.handler.on("disconnect", (info: ClientInfo) => disconnected.push(info));
    server.handler.on("message", (event: { topic: string; from: string; payload: Uint8Array }) =>
      messages.push(event),
    );
    const { client: person } = await TextClient.connect(server.port);
    const program = await FramedClient.connect(server.port, "lister");
    try {
      person.send("/nick lola");
      person.send("/join plaza");
      await person.nextStarting("* you are now in room");
      person.send("hola plaza");
      program.publish("plaza", "hola lola");
      await person.nextStarting("[plaza]");
      assert.deepEqual(server.handler.listRooms(), [{ name: "plaza", members: ["lola"] }]);
      const clients = server.handler.listClients().sort((a, b) => a.nick.localeCompare(b.nick));
      assert.deepEqual(
        clients.map((client) => [client.nick, client.mode, client.room]),
        [
          ["lister", "framed", undefined],
          ["lola", "text", "plaza"],
        ],
      );
      assert.equal(connected.length, 2);
      assert.deepEqual(
        messages.map((event) => [event.topic, event.from, text(event.payload)]),
        [
          ["plaza", "lola", "hola plaza"],
          ["plaza", "lister", "hola lola"],
        ],
      );
      person.close();
      await once(server.handler, "disconnect");
      assert.equal(disconnected[0]!.nick, "lola");
    } finally {
      person.close();
      program.close();
      await server.close();
    }
  });
});
