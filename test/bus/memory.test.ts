import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryBus } from "../../src/server/bus/memory.js";
import { Recorder } from "./helpers.js";

test("MemoryBus - local nicknames, presence, who and rooms; nothing goes anywhere else", async () => {
  const bus = new MemoryBus();
  const events = new Recorder();
  await bus.start(events);
  assert.deepEqual(events.states, ["up"]);
  assert.equal(await bus.claimNick("Ana"), true);
  assert.equal(await bus.claimNick("ana"), false, "case-insensitive");
  bus.setPresence("lobby", "Ana", true);
  bus.setPresence("lobby", "bob", true);
  bus.setPresence("dev", "bob", true);
  assert.deepEqual(await bus.who("lobby"), ["Ana", "bob"]);
  assert.deepEqual(await bus.rooms(), [
    { room: "dev", members: 1 },
    { room: "lobby", members: 2 },
  ]);
  await bus.claimNick("carla");
  assert.equal(await bus.changeNick("Ana", "carla"), false);
  assert.equal(await bus.changeNick("Ana", "Anita"), true);
  assert.deepEqual(await bus.who("lobby"), ["Anita", "bob"]);
  assert.equal(await bus.claimNick("ana"), true, "old nick released");
  bus.publish("lobby", Buffer.from("x"));
  assert.equal(await bus.direct("bob", Buffer.from("x")), false);
  assert.equal(
    await bus.routeRequest({ token: "t", name: "a", from: "b", headers: [], payload: Buffer.alloc(0) }),
    false,
  );
  bus.setPresence("dev", "bob", false);
  assert.deepEqual(await bus.rooms(), [{ room: "lobby", members: 2 }]);
  assert.equal(events.published.length + events.directs.length + events.presence.length, 0);
  await bus.close();
});
