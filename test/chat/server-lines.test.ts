/**
 * src/chat/server-lines.ts reads the server's lines with the server's own templates: every notice the
 * page keeps state from is rendered here by serverText() (what the server sends) and read back, in both
 * languages; and the page's language choice (src/web/chat/page-lang.ts, pure).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NoticeReader, parseMessage } from "../../src/chat/server-lines.js";
import { LANGS } from "../../src/i18n/lang.js";
import { serverText } from "../../src/i18n/server-text.js";
import { pageLang } from "../../src/web/chat/page-lang.js";

describe("server lines", () => {
  test("parseMessage - room and private lines; notices, errors and the greeting are no message", () => {
    assert.deepEqual(parseMessage("[general] ana: hola: ¿qué tal?"), {
      room: "general",
      nick: "ana",
      text: "hola: ¿qué tal?",
    });
    assert.deepEqual(parseMessage("[privado] bob: [x] y: z"), {
      room: "privado",
      nick: "bob",
      text: "[x] y: z",
    });
    for (const line of ["* ana joined general", "! the nick ana is already taken", "Hello from enchufe"]) {
      assert.equal(parseMessage(line), undefined, line);
    }
  });

  for (const lang of LANGS) {
    test(`NoticeReader (${lang}) - reads back every notice the server renders`, () => {
      const reader = new NoticeReader(lang);
      const line = (key: Parameters<typeof serverText>[1], params: Record<string, string>) =>
        serverText(lang, key, params);
      assert.deepEqual(reader.read(line("server.who", { room: "team.dev", list: "ana, bob, guest-3" })), {
        kind: "who",
        room: "team.dev",
        members: ["ana", "bob", "guest-3"],
      });
      assert.deepEqual(reader.read(line("server.rooms", { list: "general (3), team.dev (1)" })), {
        kind: "rooms",
        rooms: [
          { room: "general", members: 3 },
          { room: "team.dev", members: 1 },
        ],
      });
      assert.deepEqual(reader.read(line("server.rooms.none", {})), { kind: "rooms", rooms: [] });
      assert.deepEqual(reader.read(line("server.join.other", { nick: "ana", room: "lobby" })), {
        kind: "joined",
        nick: "ana",
        room: "lobby",
      });
      assert.deepEqual(reader.read(line("server.leave.other", { nick: "Ñandú", room: "lobby" })), {
        kind: "left",
        nick: "Ñandú",
        room: "lobby",
      });
      assert.deepEqual(reader.read(line("server.nick.changed", { old: "guest-1", nick: "ana" })), {
        kind: "renamed",
        old: "guest-1",
        nick: "ana",
      });
      assert.deepEqual(reader.read(line("server.msg.sent", { nick: "carl" })), {
        kind: "privateSent",
        nick: "carl",
      });
      assert.deepEqual(reader.read(line("server.error.noSuchUser", { nick: "zoe" })), {
        kind: "noSuchUser",
        nick: "zoe",
      });
      assert.equal(reader.privateLabel, serverText(lang, "server.private"));
    });

    test(`NoticeReader (${lang}) - a message line or another notice is no state`, () => {
      const reader = new NoticeReader(lang);
      assert.equal(
        reader.read(`[general] ana: ${serverText(lang, "server.join.other", { nick: "x", room: "y" })}`),
        undefined,
      );
      assert.equal(reader.read(serverText(lang, "server.nick.set", { nick: "ana" })), undefined);
      assert.equal(reader.read(serverText(lang, "server.help")), undefined);
    });
  }

  test("pageLang - the server's --lang first, then the first browser language spoken, else English", () => {
    assert.equal(pageLang({ lang: "es" }, ["en-US"]), "es");
    assert.equal(pageLang({ lang: "en" }, ["es-ES"]), "en");
    assert.equal(pageLang({ lang: null }, ["fr-FR", "es-MX", "en"]), "es");
    assert.equal(pageLang({ lang: "de" }, ["en-GB"]), "en");
    assert.equal(pageLang(undefined, ["pt-BR"]), "en");
    assert.equal(pageLang("garbage", []), "en");
  });
});
