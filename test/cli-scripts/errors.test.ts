import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { after, describe, test } from "node:test";
import { runEnchufe, stopAll } from "../helpers/cli.js";

const servers: Server[] = [];
after(async () => {
  await stopAll();
  for (const server of servers) server.close();
});

/** A raw TCP server on port 0 that answers every connection with `send` (bytes) and closes. */
async function rawServer(send: string): Promise<number> {
  const server = createServer((socket) => socket.end(send));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

describe("usage errors and localized messages of the scripting commands", () => {
  test("invalid topics and patterns exit 2 at once, fully in Spanish (or English)", async () => {
    const sub = await runEnchufe(["sub", "a..b", "--port", "1"]);
    assert.equal(sub.code, 2);
    assert.equal(
      sub.stderr,
      "enchufe: El tema 'a..b' no es válido: tiene un elemento vacío (dos puntos seguidos, o un punto al principio o al final). Usa palabras separadas por puntos (letras, dígitos, '_' y '-'). Usa --help para ver las opciones.\n",
    );
    const pub = await runEnchufe(["pub", "bad topic", "x", "--port", "1"]);
    assert.equal(pub.code, 2);
    assert.match(
      pub.stderr,
      /El tema 'bad topic' no es válido: 'bad topic' tiene caracteres no permitidos\./,
    );
    assert.doesNotMatch(pub.stderr, /has an|invalid token|letters/);
    const wildcard = await runEnchufe(["pub", "a.*", "x", "--lang", "en"]);
    assert.equal(wildcard.code, 2);
    assert.match(wildcard.stderr, /Topic 'a\.\*' is not valid: '\*' has characters that are not allowed\./);
    const last = await runEnchufe(["sub", "a.>.b", "--lang", "en"]);
    assert.match(last.stderr, /uses '>' before the last token/);
    const request = await runEnchufe(["request", "no vale"]);
    assert.equal(request.code, 2);
  });

  test("missing arguments are named as the help names them (TEMA, NOMBRE)", async () => {
    assert.match((await runEnchufe(["pub"])).stderr, /Falta el argumento TEMA\./);
    assert.match((await runEnchufe(["sub"])).stderr, /Falta el argumento TEMA\./);
    assert.match((await runEnchufe(["request"])).stderr, /Falta el argumento NOMBRE\./);
    assert.match((await runEnchufe(["sub", "--lang", "en"])).stderr, /Missing argument TOPIC\./);
  });

  test("file errors say what is wrong in words, not Node codes", async () => {
    const ca = await runEnchufe(["client", "--ca", "/nonexistent", "--port", "1"]);
    assert.equal(ca.code, 1);
    assert.equal(ca.stderr, "enchufe: No se pudo usar el archivo '/nonexistent': no existe\n");
    const folder = await runEnchufe(["client", "--ca", "/", "--port", "1", "--lang", "en"]);
    assert.equal(folder.stderr, "enchufe: Could not use the file '/': it is a folder, not a file\n");
    const users = await runEnchufe(["user", "list", "--file", "/nonexistent"]);
    assert.equal(users.code, 1);
    assert.match(users.stderr, /'\/nonexistent': no se puede leer: no existe\n$/);
    assert.doesNotMatch(users.stderr, /ENOENT|cannot/);
  });

  test("--timeout -1 says the rule (>= 0), not that the value is missing", async () => {
    const negative = await runEnchufe(["client", "--timeout", "-1"]);
    assert.equal(negative.code, 2);
    assert.match(negative.stderr, /--timeout debe ser un número >= 0 \(recibido: '-1'\)/);
    const english = await runEnchufe(["request", "time", "--timeout", "-1", "--lang", "en"]);
    assert.match(english.stderr, /--timeout must be a number >= 0 \(received: '-1'\)/);
  });

  test("client: escape sequences from the server are filtered; an empty greeting is a failure", async () => {
    const colourful = await rawServer("hola \u001b[31mrojo\u001b]0;titulo\u0007 fin\n");
    const shown = await runEnchufe(["client", "--port", String(colourful)]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout, "Mensaje del servidor: hola rojo fin\n");
    const silent = await rawServer("");
    for (const timeout of ["0", "5"]) {
      const empty = await runEnchufe(["client", "--port", String(silent), "--timeout", timeout]);
      assert.equal(empty.code, 1);
      assert.equal(empty.stdout, "");
      assert.match(empty.stderr, /cerró la conexión sin enviar ningún saludo/);
    }
  });

  test("help texts: the ENCHUFE_* variables, request's --timeout covers the reply, user shows list without NAME and the minimum", async () => {
    assert.match(
      (await runEnchufe(["request", "--help"])).stdout,
      /límite para conectar y para esperar la respuesta/,
    );
    assert.match(
      (await runEnchufe(["request", "--help", "--lang", "en"])).stdout,
      /limit for connecting and for waiting for the reply/,
    );
    for (const command of ["client", "pub", "sub", "request", "reply"]) {
      assert.match((await runEnchufe([command, "--help"])).stdout, /ENCHUFE_URL=enchufe:\/\/HOST:PUERTO/);
    }
    for (const lang of ["es", "en"]) {
      const user = (await runEnchufe(["user", "--help", "--lang", lang])).stdout;
      assert.doesNotMatch(user, /list\|/);
      assert.match(user, /enchufe user list --file/);
      assert.match(user, /8 (caracteres|characters)/);
    }
  });
});
