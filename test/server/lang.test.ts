/** Per-user language (issue 12): `/lang en|es` makes every server line that user reads use that language. */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { startTestServer, type TestServer, TextClient } from "../helpers/framed.js";

let server: TestServer | undefined;
const opened: TextClient[] = [];
after(async () => {
  for (const client of opened) client.close();
  await server?.close();
});

async function person(port: number, lines: string[], until: string): Promise<TextClient> {
  const { client } = await TextClient.connect(port);
  opened.push(client);
  for (const line of lines) client.send(line);
  await client.nextStarting(until);
  return client;
}

describe("per-user language", () => {
  test("/lang en on a Spanish server: notices, errors, presence and the private label in English; the others keep Spanish", async () => {
    server = await startTestServer({ lang: "es" });
    const ana = await person(server.port, ["/lang en"], "* language: English");
    ana.send("/nick ana");
    ana.send("/join sala");
    await ana.nextStarting("* you are now in room sala");
    ana.send("/who");
    assert.equal(await ana.nextStarting("* in sala:"), "* in sala: ana");
    const beto = await person(server.port, ["/nick beto", "/join sala"], "* estás en la sala sala");
    assert.equal(await ana.nextStarting("* beto"), "* beto joined sala");
    beto.send("/msg ana hola");
    assert.equal(await ana.nextStarting("[private]"), "[private] beto: hola");
    assert.equal(await beto.nextStarting("* mensaje"), "* mensaje privado enviado a ana");
    ana.send("/frobnicate");
    assert.match(await ana.nextStarting("! "), /^! unknown command: \/frobnicate/);
    ana.send("/lang xx");
    assert.equal(await ana.nextStarting("! "), "! usage: /lang es|en");
    ana.send("/lang es");
    assert.equal(await ana.nextStarting("* idioma"), "* idioma: español");
  });
});
