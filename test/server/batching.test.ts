import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { encodeFrame, type Frame, FrameDecoder, type Headers } from "../../src/protocol/frames.js";
import { Delivery } from "../../src/server/routing/delivery.js";
import { TextRenderer } from "../../src/server/text/render.js";
import { startTestServer, TestClients, type TestServer, text } from "../helpers/framed.js";
import { drain } from "../protocol/drain.js";

function decodeAll(bytes: Buffer): Frame[] {
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
  decoder.push(bytes);
  const frames = drain(decoder);
  assert.equal(decoder.buffered, 0, "no bytes left over");
  return frames;
}

describe("delivery batches", () => {
  const renderer = new TextRenderer("es");
  const messages: Array<[Headers, string | Buffer]> = [
    [[], "hola"],
    [[["k", "v"]], "línea\ncon dos"],
    [[], Buffer.from([0xff, 0xfe])],
    [[], "\u001b[31mrojo\u001b[0m"],
    [[], ""],
  ];
  function batch(): Delivery {
    const delivery = new Delivery("sala", "ana", false, undefined);
    for (const [headers, payload] of messages)
      delivery.add(headers, typeof payload === "string" ? Buffer.from(payload) : payload);
    return delivery;
  }

  test("delivery - frame() holds every MSG frame back to back, as encodeFrame makes each", () => {
    const delivery = batch();
    const expected = Buffer.concat(
      messages.map(([headers, payload]) =>
        encodeFrame({
          type: "MSG",
          private: false,
          topic: "sala",
          from: "ana",
          headers,
          payload: typeof payload === "string" ? Buffer.from(payload) : payload,
        }),
      ),
    );
    assert.deepEqual(delivery.frame(), expected);
    assert.equal(decodeAll(delivery.frame()).length, messages.length);
    assert.equal(delivery.frame(), delivery.frame(), "encoded once");
  });

  test("delivery - the text renderer shows each payload's lines sanitized and leaves out binary ones", () => {
    const delivery = batch();
    assert.equal(
      renderer.delivery(delivery)?.toString("utf8"),
      "[sala] ana: hola\n[sala] ana: línea\n[sala] ana: con dos\n[sala] ana: rojo\n[sala] ana: \n",
    );
  });

  test("delivery - property: a batch's text lines are each message's lines, back to back (plain or not)", () => {
    const plain = fc
      .string({ maxLength: 40 })
      .map((t) => Buffer.from(t.replace(/[^\x20-\x7e]/g, "a"), "latin1"));
    const any = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
    const utf8 = fc.string({ maxLength: 20 }).map((t) => Buffer.from(t, "utf8"));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(plain, plain, any, utf8), { maxLength: 8 }),
        fc.boolean(),
        (payloads, typed) => {
          const many = new TextRenderer("es");
          const one = new TextRenderer("es");
          const batch = new Delivery("sala", "ana", false, undefined, typed);
          for (const payload of payloads) batch.add([], payload);
          const each = payloads.map((payload) => {
            const single = new Delivery("sala", "ana", false, undefined, typed);
            single.add([], payload);
            return one.delivery(single);
          });
          const shown = each.filter((lines) => lines !== null);
          const got = many.delivery(batch);
          if (shown.length === 0) assert.equal(got, null);
          else assert.equal(got?.toString("latin1"), Buffer.concat(shown).toString("latin1"));
          payloads.forEach((payload, i) => {
            if (payload.every((b) => (b >= 0x20 && b <= 0x7e) || b === 0x09))
              assert.equal(each[i]?.toString("latin1"), `[sala] ana: ${payload.toString("latin1")}\n`);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  test("delivery - the text renderer gives null when no payload can be shown, and private messages say so", () => {
    const binary = new Delivery("sala", "ana", false, undefined);
    binary.add([], Buffer.from([0xc3]));
    assert.equal(renderer.delivery(binary), null);
    const typed = new Delivery("sala", "ana", false, undefined, true);
    typed.add([], Buffer.from("caf\xe9 ok", "latin1"));
    assert.equal(
      renderer.delivery(typed)?.toString("utf8"),
      "[sala] ana: caf\ufffd ok\n",
      "a typed line shows U+FFFD",
    );
    const direct = new Delivery("beto", "ana", true, undefined);
    direct.add([], Buffer.from("psst"));
    assert.equal(renderer.delivery(direct)?.toString("utf8"), "[privado] ana: psst\n");
    assert.equal((decodeAll(direct.frame())[0] as Extract<Frame, { type: "MSG" }>).private, true);
  });
});

describe("write batching keeps every client's order", () => {
  let server: TestServer;
  const clients = new TestClients(() => server.port);
  const framed = (name: string) => clients.framed(name);
  const person = (nick: string, room: string) => clients.person(nick, room);
  before(async () => {
    server = await startTestServer({ floodBurstLines: 0 });
  });
  after(async () => {
    clients.closeAll();
    await server.close();
  });

  test("batching - 500 publishes on two topics in one write arrive complete and in order", async () => {
    const publisher = await framed("batch-pub");
    const watcher = await framed("batch-watch");
    const person1 = await person("batch-ana", "batch-a");
    watcher.subscribe(1, "batch-a");
    watcher.subscribe(2, "batch-b");
    publisher.subscribe(3, "batch-a");
    await watcher.flush();
    await publisher.flush();
    const frames: Buffer[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 500; i++) {
      const topic = i % 50 === 25 ? "batch-b" : "batch-a";
      expected.push(`${topic}:${i}`);
      frames.push(encodeFrame({ type: "PUB", topic, headers: [], payload: Buffer.from(String(i)) }));
    }
    frames.push(encodeFrame({ type: "PING" }));
    publisher.socket.write(Buffer.concat(frames));
    const got: string[] = [];
    for (let i = 0; i < 500; i++) {
      const message = await watcher.next("MSG");
      got.push(`${message.topic}:${text(message.payload)}`);
    }
    assert.deepEqual(got, expected);
    // The publisher, subscribed to batch-a, gets its own messages before the PONG that follows them.
    const own: string[] = [];
    for (;;) {
      const frame = await publisher.frames.next((item) => item.type === "MSG" || item.type === "PONG");
      if (frame.type === "PONG") break;
      if (frame.type === "MSG") own.push(text(frame.payload));
    }
    assert.equal(own.length, expected.filter((item) => item.startsWith("batch-a")).length);
    const lines: string[] = [];
    for (let i = 0; i < 490; i++) lines.push(await person1.nextStarting("[batch-a]"));
    assert.equal(lines[0], "[batch-a] batch-pub: 0");
    assert.equal(lines[489], "[batch-a] batch-pub: 499");
  });

  test("batching - a text user's lines, commands and room changes in one write keep their order", async () => {
    const speaker = await person("batch-beto", "batch-r1");
    const inRoom1 = await person("batch-carla", "batch-r1");
    const inRoom2 = await person("batch-dani", "batch-r2");
    const bot = await framed("batch-bot");
    bot.subscribe(1, "batch-r1");
    await bot.flush();
    speaker.socket.write("uno\ndos\n/who\ntres\n/join batch-r2\ncuatro\n");
    assert.equal(await inRoom1.nextStarting("[batch-r1]"), "[batch-r1] batch-beto: uno");
    assert.equal(await inRoom1.nextStarting("[batch-r1]"), "[batch-r1] batch-beto: dos");
    assert.equal(await inRoom1.nextStarting("[batch-r1]"), "[batch-r1] batch-beto: tres");
    assert.match(await inRoom1.nextStarting("* batch-beto"), /left/);
    assert.equal(await inRoom2.nextStarting("[batch-r2]"), "[batch-r2] batch-beto: cuatro");
    const payloads: string[] = [];
    for (let i = 0; i < 3; i++) payloads.push(text((await bot.next("MSG")).payload));
    assert.deepEqual(payloads, ["uno", "dos", "tres"]);
    const who = await speaker.nextStarting("* in batch-r1");
    assert.match(who, /batch-beto/);
  });

  test("batching - a SUB after a PUB in the same write does not receive that earlier message", async () => {
    const client = await framed("batch-late");
    client.socket.write(
      Buffer.concat([
        encodeFrame({ type: "PUB", topic: "batch-late", headers: [], payload: Buffer.from("antes") }),
        encodeFrame({ type: "SUB", sid: 1, pattern: "batch-late", responder: false }),
        encodeFrame({ type: "PUB", topic: "batch-late", headers: [], payload: Buffer.from("después") }),
        encodeFrame({ type: "PING" }),
      ]),
    );
    const message = await client.next("MSG");
    assert.equal(text(message.payload), "después");
    await client.next("PONG");
    assert.ok(!client.frames.items.some((frame) => frame.type === "MSG"));
  });
});
