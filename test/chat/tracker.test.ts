import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ChatTracker } from "../../src/chat/tracker.js";

describe("ChatTracker", () => {
  test("tracks nick and room from a Spanish server's confirmations; own lines wait for the commands before them", () => {
    const tracker = new ChatTracker({ nick: "ana" });
    assert.deepEqual(tracker.setup(undefined).lines, ["/nick ana", "/who"]);
    assert.deepEqual(tracker.sent("hola"), []);
    tracker.received("* ahora eres ana");
    const who = tracker.received("* en general: ana");
    assert.equal(who.setUp, true);
    assert.deepEqual(who.shown.at(-1), { kind: "own", room: "general", nick: "ana", text: "hola" });
    assert.deepEqual(tracker.sent("/join equipo"), []);
    assert.deepEqual(tracker.sent("ya aquí"), []);
    // Someone else's notice in between confirms nothing.
    assert.deepEqual(tracker.received("* beto salió de general").shown.length, 1);
    const joined = tracker.received("* estás en la sala equipo");
    assert.deepEqual(joined.shown.at(-1), { kind: "own", room: "equipo", nick: "ana", text: "ya aquí" });
    assert.equal(tracker.room, "equipo");
  });

  test("--lang: /lang goes first; its answer is not shown, and a server without /lang is no refusal", () => {
    const tracker = new ChatTracker({ nick: "ana", lang: "en" });
    assert.deepEqual(tracker.setup(undefined).lines, ["/lang en", "/nick ana", "/who"]);
    const answer = tracker.received("! comando desconocido: /lang (prueba /help)");
    assert.equal(answer.refused, false);
    assert.deepEqual(answer.shown, []);
    assert.equal(tracker.received("* you are now ana").refused, false);
    assert.equal(tracker.received("* in general: ana").setUp, true);
  });

  test("an error answers the oldest command; an error during the setup refuses the session", () => {
    const tracker = new ChatTracker({ nick: "ana" });
    tracker.setup(undefined);
    assert.equal(tracker.received("! el nick ana ya está en uso").refused, true);

    const later = new ChatTracker({});
    later.setup(undefined);
    later.received("* in general: guest-1");
    later.sent("/nick beto");
    assert.equal(later.received("! the nick beto is already taken").refused, false);
    assert.deepEqual(later.sent("hi").at(0), { kind: "own", room: "general", nick: undefined, text: "hi" });
  });

  test("setupErrorsRefuse false (the web page): a taken nickname in the setup is shown, the user stays a guest", () => {
    const tracker = new ChatTracker({ nick: "ana", room: "lobby", setupErrorsRefuse: false });
    assert.deepEqual(tracker.setup(undefined).lines, ["/nick ana", "/join lobby", "/who"]);
    const taken = tracker.received("! the nick ana is already taken");
    assert.equal(taken.refused, false);
    assert.deepEqual(taken.shown, [{ kind: "server", text: "! the nick ana is already taken" }]);
    tracker.received("* you are now in room lobby");
    assert.equal(tracker.received("* in lobby: guest-2").setUp, true);
    assert.equal(tracker.nick, undefined);
    assert.equal(tracker.room, "lobby");
  });

  test("a reconnection's setup goes back to the confirmed room and nickname, after logging in again", () => {
    const tracker = new ChatTracker({ user: "ana" });
    tracker.setup("secret");
    tracker.received("* logged in as ana");
    tracker.received("* you are now ana");
    tracker.received("* in general: ana");
    tracker.sent("/join team");
    tracker.received("* you are now in room team");
    assert.deepEqual(tracker.setup("secret").lines, ["/login ana secret", "/nick ana", "/join team", "/who"]);
  });
});
