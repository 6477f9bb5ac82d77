/**
 * Session logic on the in-memory Connection pair (src/transport/memory.ts): no sockets, the same
 * handler and sessions the server runs (the style of ws and h11). The socket tests beside it check the real thing.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encodeFrame, type Frame, FrameDecoder, PREFACE } from "../../src/protocol/frames.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { SecurityPolicy } from "../../src/server/security.js";
import { connectionPair, type MemoryClientEnd } from "../../src/transport/memory.js";
import { drain } from "../protocol/drain.js";

const GREETING = Buffer.from("hola\n");

function open(handler: MessagingHandler, id: number, peer = {}): MemoryClientEnd {
  const { server, client } = connectionPair(peer);
  handler.handle(server, { id, remoteAddress: "127.0.0.1", remotePort: 40000 + id, greeting: GREETING });
  return client;
}

/** Resolves once the client's received text contains `text`. */
function until(client: MemoryClientEnd, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const seen = client.received.toString("utf8");
      if (!seen.includes(text)) return false;
      client.off("data", check);
      client.off("close", closed);
      resolve(seen);
      return true;
    };
    const closed = () => {
      if (!check()) reject(new Error(`closed before "${text}"; got: ${client.received.toString("utf8")}`));
    };
    if (check()) return;
    client.on("data", check);
    client.on("close", closed);
  });
}

/** The frames a framed client received after the preface echo. */
function frames(client: MemoryClientEnd): Frame[] {
  const at = client.received.indexOf(PREFACE);
  if (at === -1) return [];
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
  decoder.push(client.received.subarray(at + PREFACE.length));
  return drain(decoder);
}

function untilFrame(client: MemoryClientEnd, type: Frame["type"]): Promise<Frame[]> {
  return new Promise((resolve) => {
    const check = () => {
      const got = frames(client);
      if (!got.some((frame) => frame.type === type)) return;
      client.off("data", check);
      resolve(got);
    };
    client.on("data", check);
    check();
  });
}

describe("sessions on the in-memory connection pair", () => {
  test("memory pair - a person gets the greeting, a nickname and the room's lines; /quit closes", async () => {
    const handler = new MessagingHandler({ lang: "en" });
    const ana = open(handler, 1);
    const beto = open(handler, 2);
    await until(ana, "hola\n");
    ana.write("/nick ana\n");
    await until(ana, "* you are now ana\n");
    beto.write("/nick beto\nhi ana\n");
    assert.match(await until(ana, "[general] beto: hi ana\n"), /\* guest-\d+ is now known as beto\n/);
    ana.write("/quit\n");
    await until(ana, "* bye\n");
    await new Promise((resolve) => ana.once("close", resolve));
    assert.deepEqual(
      handler.listClients().map((client) => client.nick),
      ["beto"],
    );
    await handler.shutdown(100);
  });

  test("memory pair - a program: preface echo, HELLO -> WELCOME, PUB reaches a person in the room", async () => {
    const handler = new MessagingHandler({ lang: "en" });
    const person = open(handler, 1);
    const program = open(handler, 2);
    person.write("/who\n");
    await until(person, "* in general:");
    program.write(
      Buffer.concat([
        PREFACE,
        encodeFrame({
          type: "HELLO",
          version: 1,
          clientName: "sensor",
          user: "",
          password: "",
          token: "",
        }),
      ]),
    );
    const [welcome] = await untilFrame(program, "WELCOME");
    assert.equal(welcome?.type === "WELCOME" && welcome.nick, "sensor");
    program.write(encodeFrame({ type: "PUB", topic: "general", headers: [], payload: Buffer.from("21.5") }));
    await until(person, "[general] sensor: 21.5\n");
    assert.ok(!person.received.includes("sensor joined"), "a program never shows up as a guest");
    await handler.shutdown(100);
  });

  test("memory pair - a client certificate's user is the session's identity (peer record, no TLS socket)", async () => {
    const handler = new MessagingHandler({ lang: "en", security: new SecurityPolicy({ requireAuth: true }) });
    const anonymous = open(handler, 1);
    anonymous.write("hello\n");
    await until(anonymous, "! this server requires a login");
    const certified = open(handler, 2, { encrypted: true, certificateUser: "carla" });
    certified.write("/who\n");
    await until(certified, "* in general:");
    assert.equal(handler.listClients().find((client) => client.id === "2")?.user, "carla");
    await handler.shutdown(100);
  });
});
