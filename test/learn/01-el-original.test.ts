/** Lesson 1 (docs/aprende/01-el-original.md): the original's two programs and the recv demo, both languages. */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { example, listening, stopExamples } from "../helpers/examples.js";
import { freePort } from "../helpers/ports.js";

after(stopExamples);

const DIR = "aprende/01-el-original";
const LISTENING = { es: "Escuchando en", en: "Listening on" } as const;

describe("lesson 1 - servidor.py and cliente.py are the original, with a port to choose", () => {
  for (const lang of ["es", "en"] as const) {
    test(`servidor.py serves one client the greeting's bytes and ends; cliente.py prints it (${lang})`, async () => {
      const server = example(`${DIR}/servidor.py`, ["0"], { lang });
      const port = await listening(server);
      const client = await example(`${DIR}/cliente.py`, [String(port)], { lang }).done;
      assert.equal(client.code, 0, client.stderr);
      assert.equal(client.stdout, `Mensaje del servidor: ${ORIGINAL_GREETING}\n`);
      const end = await server.done;
      assert.equal(end.code, 0, end.stderr);
      assert.match(
        end.stdout,
        new RegExp(
          `^${LISTENING[lang]} 127\\.0\\.0\\.1:${port}\\nServidor esperando conexion tenga paciencia\\.\\.\\.\\nConexion establecida desde \\('127\\.0\\.0\\.1', \\d+\\)\\n$`,
        ),
      );
    });
  }

  test("the port comes from the PORT variable when no argument is given (servidor.py, cliente.py)", async () => {
    const port = await freePort();
    const env = { PORT: String(port) };
    const server = example(`${DIR}/servidor.py`, [], { env });
    assert.equal(await listening(server), port);
    const client = await example(`${DIR}/cliente.py`, [], { env }).done;
    assert.equal(client.stdout, `Mensaje del servidor: ${ORIGINAL_GREETING}\n`);
    assert.equal((await server.done).code, 0);
  });
});

describe("lesson 1 - the TypeScript twins (examples/servidor.ts, cliente.ts) talk to the Python ones", () => {
  for (const lang of ["es", "en"] as const) {
    test(`cliente.py against servidor.ts on the PORT variable (${lang})`, async () => {
      const port = await freePort();
      const server = example("servidor.ts", [], { lang, env: { PORT: String(port) } });
      assert.equal(await listening(server), port);
      const client = await example(`${DIR}/cliente.py`, [String(port)]).done;
      assert.equal(client.stdout, `Mensaje del servidor: ${ORIGINAL_GREETING}\n`);
      const end = await server.done;
      assert.equal(end.code, 0);
      assert.match(
        end.stdout,
        /^Servidor esperando conexion tenga paciencia\.\.\.\nConexion establecida desde /m,
      );
    });
  }

  test("cliente.ts says what to check in English when nobody listens", async () => {
    const port = await freePort();
    const client = await example("cliente.ts", [String(port)], { lang: "en" }).done;
    assert.equal(client.code, 1);
    assert.equal(client.stderr, `Error: ECONNREFUSED. Is the server running on port ${port}?\n`);
  });
});

const MENSAJES_PY = {
  es: [
    "El emisor hace 2 sendall: b'hola\\n' y b'que tal?\\n'",
    "El receptor hace 1 recv(1024) y recibe 14 bytes: b'hola\\nque tal?\\n'",
    "El emisor hace 1 sendall de 88 bytes y cierra",
    "recv(32) -> 32 bytes",
    "recv(32) -> 32 bytes",
    "recv(32) -> 24 bytes",
    "recv(32) -> 0 bytes: el emisor cerró su lado (FIN)",
  ],
  en: [
    "The sender makes 2 sendall calls: b'hola\\n' and b'que tal?\\n'",
    "The receiver makes 1 recv(1024) call and gets 14 bytes: b'hola\\nque tal?\\n'",
    "The sender makes 1 sendall call of 88 bytes and closes",
    "recv(32) -> 32 bytes",
    "recv(32) -> 32 bytes",
    "recv(32) -> 24 bytes",
    "recv(32) -> 0 bytes: the sender closed its side (FIN)",
  ],
};
const MENSAJES_TS = {
  es: [
    'El emisor hace 2 write: "hola\\n" y "que tal?\\n"',
    "El receptor recibe 1 evento 'data' de 14 bytes: \"hola\\nque tal?\\n\"",
    "El emisor hace 1 write de 200000 bytes y cierra",
    /^El receptor recibe 200000 bytes en (\d+) eventos 'data'$/,
  ],
  en: [
    'The sender makes 2 writes: "hola\\n" and "que tal?\\n"',
    "The receiver gets 1 'data' event of 14 bytes: \"hola\\nque tal?\\n\"",
    "The sender makes 1 write of 200000 bytes and closes",
    /^The receiver gets 200000 bytes in (\d+) 'data' events$/,
  ],
};

describe("lesson 1 - mensajes: two sends arrive in one read, one send in several", () => {
  for (const lang of ["es", "en"] as const) {
    test(`mensajes.py: one recv(1024) gets both sendall calls, recv(32) splits 88 bytes in 3 (${lang})`, async () => {
      const end = await example(`${DIR}/mensajes.py`, ["0"], { lang }).done;
      assert.equal(end.code, 0, end.stderr);
      assert.deepEqual(end.stdout.trimEnd().split("\n"), MENSAJES_PY[lang]);
    });

    test(`mensajes.ts: one 'data' event holds both writes, 200000 bytes take at least 4 (${lang})`, async () => {
      const end = await example(`${DIR}/mensajes.ts`, ["0"], { lang }).done;
      assert.equal(end.code, 0, end.stderr);
      const lines = end.stdout.trimEnd().split("\n");
      const [last, ...rest] = [MENSAJES_TS[lang][3] as RegExp, ...MENSAJES_TS[lang].slice(0, 3)];
      assert.deepEqual(lines.slice(0, 3), rest);
      const events = Number(last.exec(lines[3] ?? "")?.[1]);
      assert.ok(events >= 4, `${lines[3]}: Node reads at most 64 KiB at a time`);
    });
  }
});
