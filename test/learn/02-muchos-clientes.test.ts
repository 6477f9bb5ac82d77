/** Lesson 2 (docs/aprende/02-muchos-clientes.md): threads, the event loop, listen's queue, 200 clients. */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { example, listening, stopExamples } from "../helpers/examples.js";

after(stopExamples);

const DIR = "aprende/02-muchos-clientes";
const RESULT = {
  es: /^saludos completos: (\d+) de (\d+); el más lento tardó \d+ ms$/m,
  en: /^complete greetings: (\d+) of (\d+); the slowest took \d+ ms$/m,
} as const;

/** Runs a carga example against `port` and returns [complete greetings, clients]. */
async function load(file: string, clients: number, port: number, lang: "es" | "en"): Promise<number[]> {
  const end = await example(`${DIR}/${file}`, [String(clients), String(port)], { lang }).done;
  assert.equal(end.code, 0, end.stderr);
  const start = lang === "es" ? "clientes a la vez contra" : "clients at once against";
  assert.equal(end.stdout.split("\n")[0], `${clients} ${start} 127.0.0.1:${port}`);
  const match = RESULT[lang].exec(end.stdout);
  assert.ok(match !== null, end.stdout);
  return [Number(match[1]), Number(match[2])];
}

describe("lesson 2 - 200 clients at once", () => {
  test("the original servidor.py serves one client of 20 (carga.py)", async () => {
    const server = example("aprende/01-el-original/servidor.py", ["0"]);
    assert.deepEqual(await load("carga.py", 20, await listening(server), "es"), [1, 20]);
    assert.equal((await server.done).code, 0);
  });

  // The lesson's runnable blocks run each server with its own language's carga (lessons-markdown.test.ts);
  // here each one meets the other language's, in the other language.
  for (const [server, client, lang] of [
    ["servidor_hilos.py", "carga.ts", "en"],
    ["servidor_eventos.ts", "carga.py", "es"],
  ] as const) {
    test(`${server} greets all 200 clients of ${client} (${lang})`, async () => {
      const run = example(`${DIR}/${server}`, ["0"], { lang });
      const port = await listening(run);
      assert.deepEqual(await load(client, 200, port, lang), [200, 200]);
      // The server is still there for the next client: it serves until stopped.
      assert.deepEqual(await load(client, 1, port, lang), [1, 1]);
      // One original line per client (threads may interleave them: count the words, not the lines).
      await run.waitFor(/(?:Conexion establecida desde [\s\S]*?){201}/);
      assert.equal((run.stdout.match(/Conexion establecida desde /g) ?? []).length, 201);
    });
  }
});

const QUEUE = {
  es: [
    "cliente 1: conectado (espera en la cola)",
    "cliente 2: conectado (espera en la cola)",
    "cliente 3: sin respuesta en 0,5 s (la cola está llena)",
    "cliente 4: sin respuesta en 0,5 s (la cola está llena)",
  ],
  en: [
    "client 1: connected (waiting in the queue)",
    "client 2: connected (waiting in the queue)",
    "client 3: no answer within 0.5 s (the queue is full)",
    "client 4: no answer within 0.5 s (the queue is full)",
  ],
};
const QUEUE_FIRST = {
  "cola.py": { es: "listen(1) y nadie llama a accept()", en: "listen(1) and nobody calls accept()" },
  "cola.ts": {
    es: "listen con backlog 1 y el bucle de eventos bloqueado: nadie llama a accept()",
    en: "listen with backlog 1 and the event loop blocked: nobody calls accept()",
  },
};

describe("lesson 2 - listen(1): on Linux the queue holds two connections nobody accepted", () => {
  for (const file of ["cola.py", "cola.ts"] as const) {
    for (const lang of ["es", "en"] as const) {
      test(`${file}: clients 1 and 2 get in, 3 and 4 get no answer (${lang})`, async () => {
        const end = await example(`${DIR}/${file}`, ["0"], { lang }).done;
        assert.equal(end.code, 0, end.stderr);
        assert.deepEqual(end.stdout.trimEnd().split("\n"), [QUEUE_FIRST[file][lang], ...QUEUE[lang]]);
      });
    }
  }
});
