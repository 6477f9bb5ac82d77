import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { encodeFrame } from "../../src/protocol/frames.js";
import type { BusEvents } from "../../src/server/bus/bus.js";
import { MemoryBus } from "../../src/server/bus/memory.js";
import { FramedClient, startTestServer, type TestServer, TextClient, text } from "../helpers/framed.js";

/** The in-memory bus, keeping the node's event sink so a test can play "another node". */
class CapturingBus extends MemoryBus {
  events: BusEvents | undefined;
  readonly published: Array<{ topic: string; frame: Buffer }> = [];

  override async start(events: BusEvents): Promise<void> {
    this.events = events;
    await super.start(events);
  }

  override publish(topic: string, frame: Buffer): void {
    this.published.push({ topic, frame });
  }
}

const servers: TestServer[] = [];
const clients: Array<TextClient | FramedClient> = [];

after(async () => {
  for (const client of clients) client.close();
  await Promise.all(servers.map((server) => server.close()));
});

async function node(): Promise<{ server: TestServer; bus: CapturingBus }> {
  const bus = new CapturingBus();
  const server = await startTestServer({ bus });
  servers.push(server);
  await server.handler.start();
  return { server, bus };
}

function msg(topic: string, from: string, payload: string): Buffer {
  return encodeFrame({
    type: "MSG",
    private: false,
    topic,
    from,
    headers: [],
    payload: Buffer.from(payload),
  });
}

describe("ClusterLink (in process, MemoryBus)", () => {
  test("a remote buffer of 1..n concatenated MSG frames is delivered in order to text users and framed subscribers", async () => {
    const { server, bus } = await node();
    const { client: person } = await TextClient.connect(server.port);
    clients.push(person);
    person.send("/join news");
    await person.next((line) => line === "* you are now in room news");
    const program = await FramedClient.connect(server.port, "program");
    clients.push(program);
    program.subscribe(1, "news");
    await program.flush();
    const frames = [msg("news", "ana", "one"), msg("news", "ana", "two"), msg("news", "bob", "three")];
    bus.events!.onPublish("news", frames[0]!);
    bus.events!.onPublish("news", Buffer.concat(frames.slice(1)));
    // A malformed buffer is dropped whole and does not break the next one.
    bus.events!.onPublish("news", Buffer.concat([msg("news", "x", "cut").subarray(0, 9)]));
    bus.events!.onPublish("news", msg("news", "ana", "four"));
    for (const expected of ["[news] ana: one", "[news] ana: two", "[news] bob: three", "[news] ana: four"]) {
      assert.equal(await person.nextStarting("[news]"), expected);
    }
    const received = [];
    for (let i = 0; i < 4; i++) received.push(await program.next("MSG"));
    assert.deepEqual(
      received.map((frame) => text(frame.payload)),
      ["one", "two", "three", "four"],
    );
    assert.equal(bus.published.length, 0, "remote messages are never sent back to the bus");
  });

  test("a local publish hands the once-encoded MSG frame to the bus; the async paths (nick, who, rooms, msg) answer as in one process", async () => {
    const { server, bus } = await node();
    const { client: ana } = await TextClient.connect(server.port);
    const { client: bob } = await TextClient.connect(server.port);
    clients.push(ana, bob);
    ana.send("/nick ana");
    bob.send("/nick bob");
    ana.send("hello");
    await ana.next((line) => line === "* you are now ana");
    await bob.next((line) => line === "* you are now bob");
    assert.equal(
      await bob.nextStarting("[general]"),
      "[general] ana: hello",
      "the line after /nick waits for it",
    );
    assert.deepEqual(bus.published.at(-1), { topic: "general", frame: msg("general", "ana", "hello") });
    bob.send("/nick ANA");
    assert.equal(await bob.nextStarting("!"), "! the nick ANA is already taken");
    bob.send("/who");
    assert.equal(await bob.nextStarting("* in"), "* in general: ana, bob");
    bob.send("/rooms");
    assert.equal(await bob.nextStarting("* rooms"), "* rooms: general (2)");
    bob.send("/msg ana hi");
    assert.equal(await ana.nextStarting("[private]"), "[private] bob: hi");
    const framed = await FramedClient.connect(server.port, "ana");
    clients.push(framed);
    assert.match(
      framed.welcome?.nick ?? "",
      /^guest-[0-9a-f]{4}-\d+$/,
      "a taken name gets a tagged guest name",
    );
  });
});
