/**
 * The server-wide output slab (src/server/output-slab.ts) and Session.reserve(): replies and requests
 * encoded back to back into shared slabs, one run per session per turn. Two requesters whose replies
 * alternate in one responder's turn (runs that are not contiguous), and replies that cross slab
 * boundaries, must still reach each requester whole, in order, with the bytes encodeFrame would give.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { encodeFrame, type Frame, ReplyStatus } from "../../src/protocol/frames.js";
import { SLAB_BYTES } from "../../src/server/output-slab.js";
import { FramedClient, startTestServer, type TestServer } from "../helpers/framed.js";

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

describe("Session.reserve(): the pending-output bound holds inside one turn's run", () => {
  test("REQMSGs of one turn past maxPendingBytes cut the responder off; every request is answered", async () => {
    // 16 KiB of pending output at most, and responders skipped only just below it: one chunk of 40 REQs of
    // 1 KiB is one read turn, whose REQMSG run passes the bound before the turn ends.
    const maxPendingBytes = 16 * 1024;
    const server = await startTestServer({ maxPendingBytes, skipSlowBytes: maxPendingBytes - 1 });
    const reasons: string[] = [];
    server.handler.on("disconnect", (_info: unknown, reason: string) => reasons.push(reason));
    const responder = await FramedClient.connect(server.port, "svc");
    const asker = await FramedClient.connect(server.port, "ana");
    try {
      responder.send({ type: "SUB", sid: 1, pattern: "calc", responder: true });
      await responder.flush();
      const count = 40;
      const frames = [];
      for (let i = 0; i < count; i++) {
        const payload = Buffer.alloc(1024, 0x61 + (i % 26));
        frames.push(
          encodeFrame({ type: "REQ", reqId: i + 1, name: "calc", timeoutMs: 5000, headers: [], payload }),
        );
      }
      const chunk = Buffer.concat(frames);
      assert.ok(chunk.length < 64 * 1024 && chunk.length > 2 * maxPendingBytes);
      asker.socket.write(chunk);
      await responder.frames.whenEnded();
      while (reasons.length === 0) await once(server.handler, "disconnect");
      assert.deepEqual(reasons, ["slow-consumer"]);
      // The responder was sent none of a run over the bound: whatever REQMSGs it got fit under it.
      let sent = 0;
      for (const frame of responder.frames.items) if (frame.type === "REQMSG") sent += frame.payload.length;
      assert.ok(sent <= maxPendingBytes, `${sent} payload bytes reached the responder`);
      // Its requests, and those after the cut, are answered NO_RESPONDERS (none is left waiting).
      const statuses = new Set<number>();
      for (let i = 0; i < count; i++) statuses.add((await asker.next("REPLY")).status);
      assert.deepEqual([...statuses], [ReplyStatus.NO_RESPONDERS]);
    } finally {
      responder.close();
      asker.close();
      await server.close();
    }
  });
});
