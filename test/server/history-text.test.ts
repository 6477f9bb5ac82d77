import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer, TestClients, type TestServer } from "../helpers/framed.js";

describe("history for people: /history and the join replay", () => {
  let server: TestServer;
  const clients = new TestClients(() => server.port);
  before(async () => {
    server = await startTestServer({ joinReplay: 2 });
  });
  after(async () => {
    clients.closeAll();
    await server.close();
  });

  test("/history N shows the room's last N lines marked with their time; /join shows the last joinReplay before live ones", async () => {
    const ana = await clients.person("ana-h", "cafe");
    for (const line of ["uno", "dos", "tres"]) ana.send(line);
    ana.send("/history 5");
    assert.equal(await ana.nextStarting("* history of"), "* history of cafe (3):");
    for (const word of ["uno", "dos", "tres"]) {
      assert.match(await ana.nextStarting("[cafe "), new RegExp(`^\\[cafe \\d\\d:\\d\\d\\] ana-h: ${word}$`));
    }
    const beto = await clients.person("beto-h", "cafe");
    assert.equal(await beto.nextStarting("* history of"), "* history of cafe (2):");
    assert.match(await beto.nextStarting("[cafe "), /ana-h: dos$/);
    assert.match(await beto.nextStarting("[cafe "), /ana-h: tres$/);
    ana.send("live");
    assert.equal(await beto.nextStarting("[cafe"), "[cafe] ana-h: live");
    beto.send("/history nope");
    assert.match(await beto.nextStarting("! "), /\/history \[N\]/);
    beto.send("/join empty-room");
    await beto.nextStarting("* you are now in room empty-room");
    beto.send("/history");
    assert.equal(await beto.nextStarting("* nothing"), "* nothing in empty-room's history yet");
  });

  test("a server without history says so", async () => {
    const off = await startTestServer({ history: false });
    const local = new TestClients(() => off.port);
    try {
      const cleo = await local.person("cleo-h", "general");
      cleo.send("/history");
      assert.equal(await cleo.nextStarting("* this server"), "* this server keeps no history");
    } finally {
      local.closeAll();
      await off.close();
    }
  });
});
