import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestServer, type TestServer, TextClient } from "../helpers/framed.js";

describe("text mode", () => {
  let server: TestServer;
  const clients: TextClient[] = [];
  async function connect(): Promise<TextClient> {
    const { client } = await TextClient.connect(server.port);
    clients.push(client);
    return client;
  }
  async function named(nick: string, room?: string): Promise<TextClient> {
    const client = await connect();
    client.send(`/nick ${nick}`);
    assert.equal(await client.nextStarting("* "), `* you are now ${nick}`);
    if (room !== undefined) {
      client.send(`/join ${room}`);
      assert.equal(await client.nextStarting("* you are now in room"), `* you are now in room ${room}`);
    }
    return client;
  }

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  test("greets with one line and gives a guest nick in general", async () => {
    const { client, greeting } = await TextClient.connect(server.port);
    clients.push(client);
    assert.equal(greeting, "Hello from enchufe");
    client.send("/who");
    const who = await client.nextStarting("* in general: ");
    assert.match(who, /guest-\d+/);
  });

  test("a plain line reaches the other members of the room, not the sender", async () => {
    const ana = await named("ana", "plain");
    const bob = await named("bob", "plain");
    await ana.nextStarting("* bob joined plain");
    ana.send("hola a todos");
    assert.equal(await bob.nextStarting("[plain]"), "[plain] ana: hola a todos");
    ana.send("/who");
    assert.equal(await ana.nextStarting("* in plain"), "* in plain: ana, bob");
    assert.equal(
      ana.lines.items.find((line) => line.startsWith("[plain]")),
      undefined,
    );
  });

  test("a silent client receives room messages without typing", async () => {
    const silent = await connect();
    const talker = await connect();
    talker.send("anyone?");
    assert.match(await silent.nextStarting("[general]"), /^\[general\] guest-\d+: anyone\?$/);
  });

  test("/nick: uniqueness is case-insensitive, invalid names are refused, rename is announced", async () => {
    const first = await named("Carla", "nicks");
    const second = await named("dario", "nicks");
    second.send("/nick carla");
    assert.equal(await second.nextStarting("! "), "! the nick carla is already taken");
    second.send("/nick bad name");
    assert.match(await second.nextStarting("! "), /^! invalid nick: bad name/);
    second.send("/nick");
    assert.equal(await second.nextStarting("! "), "! usage: /nick NAME");
    second.send("/nick Dario2");
    assert.equal(await second.nextStarting("* "), "* you are now Dario2");
    assert.equal(await first.nextStarting("* dario is now"), "* dario is now known as Dario2");
    first.send("/nick CARLA");
    assert.equal(await first.nextStarting("* you"), "* you are now CARLA");
  });

  test("/join moves between rooms (one at a time) with notices; /rooms lists them", async () => {
    const eva = await named("eva", "room-a");
    const fede = await named("fede", "room-a");
    await eva.nextStarting("* fede joined room-a");
    fede.send("/join room-b");
    assert.equal(await fede.nextStarting("* you are now in room"), "* you are now in room room-b");
    assert.equal(await eva.nextStarting("* fede left"), "* fede left room-a");
    fede.send("/join bad..room");
    assert.match(await fede.nextStarting("! "), /^! invalid room: bad\.\.room/);
    fede.send("/rooms");
    const rooms = await fede.nextStarting("* rooms: ");
    assert.match(rooms, /room-a \(1\)/);
    assert.match(rooms, /room-b \(1\)/);
    eva.send("only eva hears... nobody");
    fede.send("/who");
    assert.equal(await fede.nextStarting("* in room-b"), "* in room-b: fede");
  });

  test("/msg reaches only its target, marked private", async () => {
    const gil = await named("gil", "dm");
    const hugo = await named("hugo", "dm");
    const ines = await named("ines", "dm");
    gil.send("/msg HUGO secret plan");
    assert.equal(await gil.nextStarting("* private"), "* private message sent to hugo");
    assert.equal(await hugo.nextStarting("[private]"), "[private] gil: secret plan");
    gil.send("/msg nobody-here hi");
    assert.equal(await gil.nextStarting("! "), "! nobody is connected with the nick nobody-here");
    gil.send("/msg hugo");
    assert.equal(await gil.nextStarting("! "), "! usage: /msg NICK TEXT");
    // ines is in the same room and must not see it: a later room line arrives first.
    gil.send("public now");
    assert.equal(await ines.nextStarting("["), "[dm] gil: public now");
  });

  test("/help, unknown commands and /quit", async () => {
    const client = await connect();
    client.send("/help");
    assert.match(
      await client.nextStarting("* "),
      /\/nick NAME, \/join ROOM, \/rooms, \/who, \/history \[N\], \/msg NICK TEXT, \/login USER PASSWORD, \/lang es\|en, \/help, \/quit/,
    );
    client.send("/dance");
    assert.equal(await client.nextStarting("! "), "! unknown command: /dance (try /help)");
    client.send("/quit");
    assert.equal(await client.nextStarting("* "), "* bye");
    await client.lines.whenEnded();
  });

  test("an ESC sequence typed by one user arrives neutralised", async () => {
    const mallory = await named("mallory", "safe");
    const victim = await named("victim", "safe");
    mallory.send("\u001b[2J\u001b]0;pwned\u0007hi\u202e there\u0007");
    const line = await victim.nextStarting("[safe]");
    assert.equal(line, "[safe] mallory: hi there");
    assert.doesNotMatch(line, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  test("presence: silent one-shot clients make no join/leave noise; visible users are announced", async () => {
    const watcher = await named("watcher", "quiet");
    const oneShot = await connect();
    oneShot.send("/join quiet");
    await oneShot.nextStarting("* you are now in room quiet");
    assert.match(await watcher.nextStarting("* "), /^\* guest-\d+ joined quiet$/);
    oneShot.close();
    assert.match(await watcher.nextStarting("* "), /^\* guest-\d+ left quiet$/);
    // A client that only read the greeting and closed (in general) announces nothing.
    const lurker = await connect();
    const generalWatcher = await named("gw");
    lurker.close();
    generalWatcher.send("/who");
    const who = await generalWatcher.nextStarting("* in general");
    assert.ok(!generalWatcher.lines.items.some((l) => l.includes(" left general")), who);
  });
});

describe("text mode limits", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      lang: "es",
      maxLineBytes: 1024,
      floodBurstLines: 200,
      floodLinesPerSecond: 100,
    });
  });
  after(async () => {
    await server.close();
  });

  test("messages follow the server language (es)", async () => {
    const { client } = await TextClient.connect(server.port);
    client.send("/who");
    assert.match(await client.nextStarting("* "), /^\* en general: invitado-\d+$/);
    client.close();
  });

  test("a line over maxLineBytes is answered with an error and the connection closed", async () => {
    const { client } = await TextClient.connect(server.port);
    client.socket.write("x".repeat(5000));
    assert.match(await client.nextStarting("! "), /línea demasiado larga \(máximo 1024 bytes\)/);
    await client.lines.whenEnded();
  });

  test("the flood guard cuts a burst far beyond typing speed, not a normal rate", async () => {
    const { client: calm } = await TextClient.connect(server.port);
    for (let i = 0; i < 100; i++) calm.send(`line ${i}`);
    calm.send("/who");
    await calm.nextStarting("* en general");
    const { client: flooder } = await TextClient.connect(server.port);
    flooder.socket.write("spam\n".repeat(5000));
    assert.equal(await flooder.nextStarting("! "), "! demasiadas líneas seguidas: se cierra la conexión");
    await flooder.lines.whenEnded();
    assert.equal(calm.lines.ended, false);
    calm.close();
  });
});
