import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CloseReason, ErrCode, type Frame, PubAckStatus, SubStart } from "../../src/protocol/frames.js";
import { MemoryHistoryStore } from "../../src/store/index.js";
import { closeAll, FramedClient, startTestServer, type TestServer, text } from "../helpers/framed.js";

type FrameOf<T extends Frame["type"]> = Extract<Frame, { type: T }>;

const open: FramedClient[] = [];
async function v2(port: number, name: string): Promise<FramedClient> {
  const client = await FramedClient.connect(port, name, true, 2);
  open.push(client);
  return client;
}
async function v1(port: number, name: string): Promise<FramedClient> {
  const client = await FramedClient.connect(port, name, true, 1);
  open.push(client);
  return client;
}
function apub(client: FramedClient, id: string, topic: string, payload: string): void {
  client.send({ type: "APUB", id, topic, headers: [], payload: Buffer.from(payload) });
}
function rsub(
  client: FramedClient,
  sid: number,
  pattern: string,
  start: number,
  value = 0,
  epoch = "",
): void {
  client.send({ type: "RSUB", sid, pattern, start, value, epoch });
}
/** Frames until REPLAYED of `sid`: the HMSGs for it and the REPLAYED itself. */
async function replay(
  client: FramedClient,
  sid: number,
): Promise<{ hmsgs: FrameOf<"HMSG">[]; done: FrameOf<"REPLAYED"> }> {
  const done = await client.next("REPLAYED", (frame) => frame.sid === sid);
  const hmsgs: FrameOf<"HMSG">[] = [];
  for (;;) {
    const index = client.frames.items.findIndex((frame) => frame.type === "HMSG" && frame.sid === sid);
    if (index < 0) break;
    hmsgs.push(client.frames.items.splice(index, 1)[0] as FrameOf<"HMSG">);
  }
  return { hmsgs, done };
}

describe("protocol version 2: positions, replay, acknowledged publishes", () => {
  let server: TestServer;
  // 10,000 publishes over 3 topics stay kept (the default keeps 1000 a topic: a resume would say not recovered).
  const store = new MemoryHistoryStore({ perTopic: 10_000 });
  before(async () => {
    server = await startTestServer({ history: store });
  });
  after(() => closeAll(open, server, store));

  test("WELCOME answers in the HELLO's version; v2 gets PMSG with positions, v1 the same MSG as ever", async () => {
    const modern = await v2(server.port, "modern");
    const old = await v1(server.port, "old");
    assert.equal(modern.welcome?.version, 2);
    assert.equal(old.welcome?.version, 1);
    modern.subscribe(1, "pos.>");
    old.subscribe(1, "pos.>");
    await modern.flush();
    await old.flush();
    old.publish("pos.a", "uno");
    old.publish("pos.b", "dos");
    const first = await modern.next("PMSG");
    const second = await modern.next("PMSG");
    assert.equal(second.position, first.position + 1);
    assert.equal(text(first.payload), "uno");
    assert.equal((await old.next("MSG")).topic, "pos.a");
    assert.equal((await old.next("MSG")).topic, "pos.b");
    assert.ok(!old.frames.items.some((frame) => frame.type === "PMSG"));
  });

  test("APUB: PUBACK OK with the position, DUPLICATE for the same id, errors for a bad topic, an empty id, no permission", async () => {
    const pub = await v2(server.port, "acker");
    const sub = await v2(server.port, "ack-sub");
    sub.subscribe(1, "acks");
    await sub.flush();
    apub(pub, "id-1", "acks", "hola");
    const ack = await pub.next("PUBACK", (frame) => frame.id === "id-1");
    assert.equal(ack.status, PubAckStatus.OK);
    assert.ok(ack.position > 0);
    assert.equal((await sub.next("PMSG")).position, ack.position);
    apub(pub, "id-1", "acks", "hola otra vez");
    const again = await pub.next("PUBACK", (frame) => frame.id === "id-1");
    assert.equal(again.status, PubAckStatus.DUPLICATE);
    assert.equal(again.position, ack.position);
    apub(pub, "id-2", "no.*.topic", "x");
    const bad = await pub.next("PUBACK", (frame) => frame.id === "id-2");
    assert.deepEqual([bad.status, bad.code], [PubAckStatus.ERROR, ErrCode.INVALID_TOPIC]);
    apub(pub, "", "acks", "x");
    const empty = await pub.next("PUBACK", (frame) => frame.id === "");
    assert.deepEqual([empty.status, empty.code], [PubAckStatus.ERROR, ErrCode.PROTOCOL]);
    await sub.flush();
    // The duplicate was not delivered a second time.
    assert.ok(!sub.frames.items.some((frame) => frame.type === "PMSG"));
  });

  test("RSUB LAST replays the last N as HMSG, then REPLAYED, then live PMSG above its position", async () => {
    const pub = await v1(server.port, "last-pub");
    for (let i = 1; i <= 5; i++) pub.publish("last.topic", `m${i}`);
    await pub.flush();
    const sub = await v2(server.port, "last-sub");
    rsub(sub, 7, "last.topic", SubStart.LAST, 3);
    const { hmsgs, done } = await replay(sub, 7);
    assert.deepEqual(
      hmsgs.map((frame) => text(frame.payload)),
      ["m3", "m4", "m5"],
    );
    assert.ok(done.recovered);
    assert.equal(done.count, 3);
    assert.equal(done.epoch, server.handler.router.history.epoch);
    assert.ok(hmsgs.every((frame) => frame.time > 0 && frame.position <= done.position));
    pub.publish("last.topic", "live");
    const live = await sub.next("PMSG");
    assert.equal(text(live.payload), "live");
    assert.ok(live.position > done.position);
  });

  test("RSUB NEW tells the epoch and position at once; POSITION of another epoch replays everything kept, not recovered", async () => {
    const pub = await v1(server.port, "epoch-pub");
    pub.publish("epoch.t", "a");
    pub.publish("epoch.t", "b");
    await pub.flush();
    const sub = await v2(server.port, "epoch-sub");
    rsub(sub, 1, "epoch.t", SubStart.NEW);
    const fresh = await replay(sub, 1);
    assert.equal(fresh.hmsgs.length, 0);
    assert.ok(fresh.done.recovered);
    rsub(sub, 2, "epoch.t", SubStart.POSITION, 999_999, "0000000000000000");
    const other = await replay(sub, 2);
    assert.equal(other.done.recovered, false);
    assert.deepEqual(
      other.hmsgs.map((frame) => text(frame.payload)),
      ["a", "b"],
    );
    rsub(sub, 3, "epoch.t", SubStart.POSITION, other.hmsgs[1]!.position, fresh.done.epoch);
    const same = await replay(sub, 3);
    assert.ok(same.done.recovered);
    assert.deepEqual(
      same.hmsgs.map((frame) => text(frame.payload)),
      ["b"],
    );
  });

  test("a version-1 client that sends APUB is told and closed", async () => {
    const old = await v1(server.port, "old-apub");
    apub(old, "x", "t", "y");
    const err = await old.next("ERR");
    assert.equal(err.code, ErrCode.PROTOCOL);
    assert.match(err.message, /version 2/);
    assert.equal((await old.next("CLOSE")).reason, CloseReason.PROTOCOL_ERROR);
  });

  test("a subscriber cut during 10,000 publishes resumes with RSUB POSITION: every message once, in order", async () => {
    const pub = await v2(server.port, "resume-pub");
    let sub = await v2(server.port, "resume-sub");
    rsub(sub, 1, "resume.>", SubStart.NEW);
    const { done } = await replay(sub, 1);
    const epoch = done.epoch;
    const got: number[] = [];
    let last = done.position;
    const take = (frame: Frame): void => {
      if ((frame.type === "PMSG" || frame.type === "HMSG") && frame.position > last) {
        last = frame.position;
        got.push(Number(text(frame.payload)));
      }
    };
    const total = 10_000;
    let cut = false;
    const original = sub.frames.push.bind(sub.frames);
    sub.frames.push = (frame: Frame) => {
      if (frame.type === "PMSG") take(frame);
      else original(frame);
    };
    for (let i = 0; i < total; i++) {
      apub(pub, `r${i}`, `resume.t${i % 3}`, String(i));
      if (i === 3000) {
        await pub.next("PUBACK", (frame) => frame.id === "r3000");
        sub.socket.destroy();
        cut = true;
      }
    }
    assert.ok(cut);
    await pub.next("PUBACK", (frame) => frame.id === `r${total - 1}`, 20_000);
    // Reconnect and resume from the last position delivered.
    sub = await v2(server.port, "resume-sub-2");
    const resumed = sub.frames.push.bind(sub.frames);
    sub.frames.push = (frame: Frame) => {
      if (frame.type === "HMSG" || frame.type === "PMSG") take(frame);
      else resumed(frame);
    };
    rsub(sub, 1, "resume.>", SubStart.POSITION, last + 1, epoch);
    const end = await sub.next("REPLAYED", undefined, 20_000);
    assert.ok(end.recovered);
    assert.equal(got.length, total);
    assert.deepEqual(
      got,
      Array.from({ length: total }, (_, i) => i),
    );
  });
});

describe("protocol version 2: pacing and no history", () => {
  test("a replay bigger than maxPending is paced by the client's reading: no slow-consumer cut", async () => {
    const server = await startTestServer({
      maxPendingBytes: 64 * 1024,
      history: new MemoryHistoryStore({ perTopic: 5000, maxBytes: 16 * 1024 * 1024 }),
    });
    try {
      const pub = await v1(server.port, "big-pub");
      const payload = "x".repeat(1000);
      for (let i = 0; i < 2000; i++) pub.publish("big", payload);
      await pub.flush();
      const sub = await v2(server.port, "big-sub");
      rsub(sub, 1, "big", SubStart.LAST, 2000);
      const { hmsgs, done } = await replay(sub, 1);
      assert.equal(done.count, 2000);
      assert.equal(hmsgs.length, 2000);
      assert.ok(done.recovered);
    } finally {
      await server.close();
    }
  });

  test("with history off: PUBACK position 0, REPLAYED with an empty epoch, recovered only for NEW", async () => {
    const server = await startTestServer({ history: false });
    try {
      const client = await v2(server.port, "no-history");
      client.subscribe(1, "off");
      await client.flush();
      apub(client, "a", "off", "x");
      const ack = await client.next("PUBACK");
      assert.deepEqual([ack.status, ack.position], [PubAckStatus.OK, 0]);
      assert.equal((await client.next("PMSG")).position, 0);
      rsub(client, 2, "off", SubStart.LAST, 5);
      const last = await client.next("REPLAYED");
      assert.deepEqual([last.recovered, last.epoch, last.count], [false, "", 0]);
      rsub(client, 3, "off", SubStart.NEW);
      assert.equal((await client.next("REPLAYED")).recovered, true);
    } finally {
      await server.close();
    }
  });
});
