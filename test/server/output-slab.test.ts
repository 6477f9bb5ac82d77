/**
 * The server-wide output slab (src/server/output-slab.ts) and Session.reserve(): replies and requests
 * encoded back to back into shared slabs, one run per session per turn. Two requesters whose replies
 * alternate in one responder's turn (runs that are not contiguous), and replies that cross slab
 * boundaries, must still reach each requester whole, in order, with the bytes encodeFrame would give.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { encodeFrame, type Frame, FrameDecoder, PREFACE, ReplyStatus } from "../../src/protocol/frames.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { SLAB_BYTES } from "../../src/server/output-slab.js";
import { connectionPair, type MemoryClientEnd } from "../../src/transport/memory.js";
import { FramedClient, startTestServer, type TestServer } from "../helpers/framed.js";
import { drain } from "../protocol/drain.js";

type FrameOf<T extends Frame["type"]> = Extract<Frame, { type: T }>;

describe("output slab: replies from one responder to two requesters, across slabs", () => {
  let server: TestServer;
  const open: FramedClient[] = [];
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const client of open) client.close();
    await server.close();
  });

  async function client(name: string): Promise<FramedClient> {
    const made = await FramedClient.connect(server.port, name);
    open.push(made);
    return made;
  }

  test("each requester gets all its replies, in order and byte for byte, when their runs interleave", async () => {
    const responder = await client("svc");
    responder.send({ type: "SUB", sid: 1, pattern: "calc", responder: true });
    await responder.flush();
    const ana = await client("ana");
    const bea = await client("bea");
    const count = 400;
    // Payloads of 700 bytes: 400 replies each, 560 KB in all, so they cross several 64 KiB slabs.
    const payload = (who: string, i: number) => Buffer.from(`${who}-${i}-`.padEnd(700, "x"));
    assert.ok(2 * count * 700 > 4 * SLAB_BYTES);
    for (const [asker, who] of [
      [ana, "ana"],
      [bea, "bea"],
    ] as const) {
      const frames = [];
      for (let i = 0; i < count; i++) {
        frames.push(
          encodeFrame({
            type: "REQ",
            reqId: i + 1,
            name: "calc",
            timeoutMs: 5000,
            headers: [],
            payload: payload(who, i),
          }),
        );
      }
      asker.socket.write(Buffer.concat(frames));
    }
    const incoming: FrameOf<"REQMSG">[] = [];
    while (incoming.length < 2 * count) incoming.push(await responder.next("REQMSG"));
    // Answer in the order the requests came, alternating between the two requesters where they interleave,
    // all in one write: one responder turn whose replies go to two sessions' runs by turns.
    const byAsker = (who: string) => incoming.filter((request) => request.from === who);
    const [fromAna, fromBea] = [byAsker("ana"), byAsker("bea")];
    const alternating = fromAna.flatMap((request, i) => [request, fromBea[i]!]);
    const answers = alternating.map((request) =>
      encodeFrame({
        type: "RESPOND",
        token: request.token,
        status: ReplyStatus.OK,
        headers: [["from", request.from]],
        payload: request.payload,
      }),
    );
    responder.socket.write(Buffer.concat(answers));
    for (const [asker, who] of [
      [ana, "ana"],
      [bea, "bea"],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const reply = await asker.next("REPLY");
        const expected = {
          type: "REPLY",
          reqId: i + 1,
          status: ReplyStatus.OK,
          headers: [["from", who]],
          payload: payload(who, i),
        } as const;
        assert.deepEqual(encodeFrame(reply), encodeFrame(expected), `${who}'s reply ${i + 1}`);
      }
    }
  });
});

describe("output slab: a turn's frames are one write, across slabs", () => {
  /** A framed client on the in-memory pair, once WELCOME came; its `data` events are the server's writes. */
  async function program(handler: MessagingHandler, id: number, name: string): Promise<MemoryClientEnd> {
    const { server, client } = connectionPair({});
    handler.handle(server, {
      id,
      remoteAddress: "127.0.0.1",
      remotePort: 40000 + id,
      greeting: Buffer.from("hola\n"),
    });
    const hello = { type: "HELLO", version: 1, clientName: name, user: "", password: "", token: "" } as const;
    client.write(Buffer.concat([PREFACE, encodeFrame(hello)]));
    await until(client, () => frames(client).some((frame) => frame.type === "WELCOME"));
    return client;
  }

  function frames(client: MemoryClientEnd): Frame[] {
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    decoder.push(client.received.subarray(client.received.indexOf(PREFACE) + PREFACE.length));
    return drain(decoder);
  }

  function until(client: MemoryClientEnd, done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        client.off("data", check);
        resolve();
      };
      client.on("data", check);
      check();
    });
  }

  test("each chunk of requests reaches the responder as one write, slab after slab, every REQMSG in order", async () => {
    const handler = new MessagingHandler({ lang: "en" });
    const responder = await program(handler, 1, "svc");
    responder.write(encodeFrame({ type: "SUB", sid: 1, pattern: "calc", responder: true }));
    responder.write(encodeFrame({ type: "PING" }));
    await until(responder, () => frames(responder).some((frame) => frame.type === "PONG"));
    const asker = await program(handler, 2, "ana");
    // 120 chunks of 25 requests of about 150 bytes: over 6 slabs, so runs keep reaching a slab's end.
    const chunks = 120;
    const per = 25;
    const payload = (i: number) => Buffer.from(`request-${i}-`.padEnd(120, "x"));
    assert.ok(chunks * per * 150 > 6 * SLAB_BYTES);
    let writes = 0;
    const before = frames(responder).length;
    responder.on("data", () => writes++);
    for (let chunk = 0; chunk < chunks; chunk++) {
      const requests = Array.from({ length: per }, (_, k) => {
        const i = chunk * per + k;
        return encodeFrame({
          type: "REQ",
          reqId: i + 1,
          name: "calc",
          timeoutMs: 5000,
          headers: [],
          payload: payload(i),
        });
      });
      asker.write(Buffer.concat(requests));
    }
    await until(responder, () => frames(responder).length === before + chunks * per);
    assert.equal(writes, chunks, "one write per chunk of requests");
    const got = frames(responder).slice(before);
    got.forEach((frame, i) => {
      assert.equal(frame.type, "REQMSG");
      assert.deepEqual(frame.type === "REQMSG" && Buffer.from(frame.payload), payload(i), `request ${i + 1}`);
    });
    await handler.shutdown(100);
  });
});
