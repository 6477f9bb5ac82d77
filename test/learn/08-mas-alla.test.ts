// Lesson 8 (docs/aprende/08-mas-alla.md): publish/subscribe and request/reply with the enchufe library
// (imported from the package, as a user's program would), a person in a room reading what a program
// publishes (sala.py, the text protocol), and the same publish/subscribe across two nodes on a Redis.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { enchufe, type Running, runEnchufe, stopAll } from "../helpers/cli.js";
import { type ExampleOptions, example, stopExamples } from "../helpers/examples.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";

/** Runs one of this lesson's examples (examples/aprende/08-mas-alla/FILE) as a student would. */
const lessonExample = (file: string, args: readonly string[] = [], options: ExampleOptions = {}) =>
  example(`aprende/08-mas-alla/${file}`, args, options);
const redises: TestRedis[] = [];
after(async () => {
  await stopExamples();
  await stopAll();
  await Promise.all(redises.map((redis) => redis.stop()));
});

const READINGS =
  "[sensores.cocina] sensor-1: 21.5\n[sensores.salon] sensor-1: 19.0\n[sensores.patio] sensor-1: fin\n";

async function server(args: readonly string[] = []): Promise<{ run: Running; port: string }> {
  const run = enchufe(["server", "--port", "0", ...args]);
  return { run, port: String(await run.port()) };
}

describe("lesson 8: the library on one server", { concurrency: true }, () => {
  test("publicar_suscribir.ts: sensores.* gets three readings in order, not the two-word topic (es, en)", async () => {
    // One server per language: both runs name their publisher sensor-1, and a nickname is unique per server.
    const [{ port }, { port: enPort }] = await Promise.all([server(), server()]);
    const [es, en] = await Promise.all([
      lessonExample("publicar_suscribir.ts", [port], { lang: "es" }).done,
      lessonExample("publicar_suscribir.ts", [enPort], { lang: "en" }).done,
    ]);
    assert.equal(es.code, 0, es.stderr);
    assert.equal(
      es.stdout,
      `lector en el puerto ${port}, sensor en el ${port}: suscrito a sensores.*\n${READINGS}`,
    );
    assert.equal(en.code, 0, en.stderr);
    assert.equal(
      en.stdout,
      `reader on port ${enPort}, sensor on ${enPort}: subscribed to sensores.*\n${READINGS}`,
    );
  });

  test("peticion_respuesta.ts: a responder's answer, the built-in echo, and ENORESPONDERS by code (es, en)", async () => {
    const { port } = await server();
    const [es, en] = await Promise.all([
      lessonExample("peticion_respuesta.ts", [port], { lang: "es" }).done,
      lessonExample("peticion_respuesta.ts", [port], { lang: "en" }).done,
    ]);
    const lines = "doble(21) = 42\necho(hola) = hola\ntriple(1): ENORESPONDERS";
    assert.equal(es.code, 0, es.stderr);
    assert.equal(es.stdout, `${lines} (nadie responde a "triple")\n`);
    assert.equal(en.code, 0, en.stderr);
    assert.equal(en.stdout, `${lines} (nobody answers "triple")\n`);
  });

  test("sala.py: a person in room sensores.cocina reads what enchufe pub publishes there (es, en)", async () => {
    const { port } = await server();
    for (const lang of ["es", "en"] as const) {
      const room = lessonExample("sala.py", [port, "2"], { lang });
      await room.waitFor(
        lang === "es"
          ? /en la sala sensores\.cocina; esperando 2 mensajes\n/
          : /in room sensores\.cocina; waiting for 2 messages\n/,
      );
      const published = await runEnchufe(["pub", "sensores.cocina", "--port", port], {
        stdin: "21.5\n22.0\n",
      });
      assert.equal(published.code, 0, published.stderr);
      const end = await room.done;
      assert.equal(end.code, 0, end.stderr);
      assert.match(end.stdout, /\n\[sensores\.cocina\] \S+: 21\.5\n\[sensores\.cocina\] \S+: 22\.0\n$/);
    }
  });
});

describe("lesson 8: a cluster on Redis", () => {
  test("the reader on one node gets what the sensor publishes on another", async () => {
    const redis = await startRedis();
    redises.push(redis);
    const [one, two] = await Promise.all([
      server(["--cluster", redis.url]),
      server(["--cluster", redis.url]),
    ]);
    const end = await lessonExample("publicar_suscribir.ts", [one.port, two.port], { lang: "en" }).done;
    assert.equal(end.code, 0, end.stderr);
    assert.equal(
      end.stdout,
      `reader on port ${one.port}, sensor on ${two.port}: subscribed to sensores.*\n${READINGS}`,
    );
  });
});
