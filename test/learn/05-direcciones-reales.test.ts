// Lesson 5 (docs/aprende/05-direcciones-reales.md): which address a server listens on decides who reaches
// it. On loopback: 127.0.0.1 and ::1 are two different doors. Between two "machines" (network namespaces
// that dos_maquinas.sh creates with unique names and always deletes): 127.0.0.1 is refused from the other
// machine, 0.0.0.0, the LAN address and :: are reached (an IPv4 client of :: shows as ::ffff:), and the
// firewall's drop is a connect timeout while its reject is a refusal.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, describe, test } from "node:test";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { type ExampleOptions, example, listening, stopExamples } from "../helpers/examples.js";

/** Runs one of this lesson's examples (examples/aprende/05-direcciones-reales/FILE) as a student would. */
const lessonExample = (file: string, args: readonly string[] = [], options: ExampleOptions = {}) =>
  example(`aprende/05-direcciones-reales/${file}`, args, options);
after(() => stopExamples());
const CLIENT = "../04-errores-robustos/cliente_robusto";
const GREETING_LINE = `Mensaje del servidor: ${ORIGINAL_GREETING}`;

describe("lesson 5: 127.0.0.1 and ::1 on this machine", { concurrency: true }, () => {
  for (const [ext, lang] of [
    ["py", "es"],
    ["ts", "en"],
  ] as const) {
    test(`servidor_direccion.${ext} on ::1: reached over IPv6, refused over IPv4 (${lang})`, async () => {
      const server = lessonExample(`servidor_direccion.${ext}`, ["::1", "0"], { lang });
      const port = String(await listening(server));
      assert.match(
        server.stdout,
        lang === "es"
          ? /^Escuchando en \[::1\]:\d+ \(solo esta máquina: loopback IPv6\)/
          : /^Listening on \[::1\]:\d+ \(this machine only: IPv6 loopback\)/,
      );
      const refused = await lessonExample(`${CLIENT}.${ext}`, [port, "127.0.0.1"], { lang }).done;
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, lang === "es" ? /rechazó la conexión/ : /refused the connection/);
      const reached = await lessonExample(`${CLIENT}.${ext}`, [port, "::1"], { lang }).done;
      assert.equal(reached.stdout, `${GREETING_LINE}\n`, reached.stderr);
      const served = await server.done;
      assert.equal(served.code, 0);
      assert.match(served.stdout, /Conexion establecida desde \(?'?::1'?[,:] ?\d+/);
    });
  }

  test("an address that is not this machine's: EADDRNOTAVAIL in one line (both languages)", async () => {
    const [py, ts] = await Promise.all([
      lessonExample("servidor_direccion.py", ["192.0.2.1", "0"], { lang: "en" }).done,
      lessonExample("servidor_direccion.ts", ["192.0.2.1", "0"], { lang: "es" }).done,
    ]);
    assert.equal(py.code, 1);
    assert.equal(
      py.stderr,
      'Error: 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL). Use 127.0.0.1, 0.0.0.0 or one of those "ip addr" shows.\n',
    );
    assert.equal(ts.code, 1);
    assert.equal(
      ts.stderr,
      'Error: 192.0.2.1 no es una dirección de esta máquina (EADDRNOTAVAIL). Usa 127.0.0.1, 0.0.0.0 o una de las que muestra "ip addr".\n',
    );
  });
});

function namespaces(): string {
  return spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
}

describe("lesson 5: two machines (dos_maquinas.sh)", () => {
  test("each address and the firewall, in English; the namespaces are gone afterwards", async () => {
    const run = lessonExample("dos_maquinas.sh", ["py"], {
      lang: "en",
      env: { PORT: "5000" },
    });
    const end = await run.done;
    assert.equal(end.code, 0, end.stderr);
    const sections = end.stdout.split(/^== /m).slice(1);
    const expected: [string, RegExp, RegExp][] = [
      [
        "A listens on 127.0.0.1, B connects to 10.0.5.1",
        /this machine only/,
        /^B\| Error: 10\.0\.5\.1:5000 refused the connection/m,
      ],
      [
        "A listens on 0.0.0.0",
        /Conexion establecida desde \('10\.0\.5\.2', \d+\)/,
        /^B\| Mensaje del servidor: Hola, Julian/m,
      ],
      [
        "A listens on 10.0.5.1, its LAN address",
        /Conexion establecida desde \('10\.0\.5\.2', \d+\)/,
        /^B\| Mensaje del servidor/m,
      ],
      [
        "A listens on ::, B connects over IPv4",
        /desde \('::ffff:10\.0\.5\.2', \d+, 0, 0\)/,
        /^B\| Mensaje del servidor/m,
      ],
      [
        "A listens on ::, B connects over IPv6",
        /desde \('fd00:5::2', \d+, 0, 0\)/,
        /^B\| Mensaje del servidor/m,
      ],
      [
        "A's firewall drops port 5000",
        /^A\| Listening on 0\.0\.0\.0:5000/m,
        /^B\| Error: 10\.0\.5\.1:5000 did not answer within 1\.0 s while connecting/m,
      ],
      [
        "A's firewall rejects port 5000",
        /^A\| Listening on 0\.0\.0\.0:5000/m,
        /^B\| Error: 10\.0\.5\.1:5000 refused the connection/m,
      ],
    ];
    assert.equal(sections.length, expected.length, end.stdout);
    for (const [index, [title, server, client]] of expected.entries()) {
      const section = sections[index]!;
      assert.ok(section.startsWith(`${title}\n`), section);
      assert.match(section, server);
      assert.match(section, client);
    }
    assert.ok(!namespaces().includes(`aprende-a-${run.child.pid}`), namespaces());
    assert.ok(!namespaces().includes(`aprende-b-${run.child.pid}`), namespaces());
  });

  test("stopped half-way (SIGTERM), it still deletes its namespaces", async () => {
    const run = lessonExample("dos_maquinas.sh", ["py"], { lang: "es" });
    await run.waitFor(/^== /m, "stdout", 60_000);
    assert.ok(namespaces().includes(`aprende-a-${run.child.pid}`), namespaces());
    const end = await run.stop("SIGTERM");
    assert.notEqual(end.code, 0);
    assert.ok(!namespaces().includes(`aprende-a-${run.child.pid}`), namespaces());
    assert.ok(!namespaces().includes(`aprende-b-${run.child.pid}`), namespaces());
  });
});
