// Lesson 4 (docs/aprende/04-errores-robustos.md): every row of the original's "Errores Comunes", plus a
// reset and an unreachable network, provoked on purpose; the Python and TypeScript clients explain each
// in one line (es and en), and enchufe reports each with its message and code (docs/ERRORS.md).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { ORIGINAL_GREETING } from "../../src/server/options.js";
import { BIN, Running, runEnchufe, stopAll } from "../helpers/cli.js";
import { type ExampleOptions, example, listening, stopExamples } from "../helpers/examples.js";
import { freePort } from "../helpers/ports.js";
import { addNamespace } from "./netns.js";

type Lang = "es" | "en";
/** Runs one of this lesson's examples (examples/aprende/04-errores-robustos/FILE) as a student would. */
const lessonExample = (file: string, args: readonly string[] = [], options: ExampleOptions = {}) =>
  example(`aprende/04-errores-robustos/${file}`, args, options);
after(async () => {
  await stopExamples();
  await stopAll();
});

const IMPLS = [
  { impl: "py", server: "servidor_fallos.py", client: "cliente_robusto.py" },
  { impl: "ts", server: "servidor_fallos.ts", client: "cliente_robusto.ts" },
] as const;
type Impl = (typeof IMPLS)[number];

/** What each client says, by language; the name in parentheses is the language's own for the error. */
const SAYS = {
  es: {
    refused:
      /^Error: 127\.0\.0\.1:\d+ rechazó la conexión \((ConnectionRefusedError|ECONNREFUSED)\)\. ¿Está corriendo el servidor\? Inícialo primero\.\n$/,
    timeout:
      /^Error: el servidor no envió nada en 0\.3 s \((socket\.timeout|ETIMEDOUT)\)\. Revisa el servidor o aumenta TIMEOUT\.\n$/,
    reset:
      /^Error: el servidor cortó la conexión de golpe \((ConnectionResetError|ECONNRESET)\)\. Vuelve a intentarlo; si se repite, mira el registro del servidor\.\n$/,
    unreachable:
      /^Error: no hay ruta de red hacia 192\.0\.2\.1:5000 \(ENETUNREACH\)\. Revisa la dirección y tu conexión de red\.\n$/,
    notUtf8:
      /^Aviso: el servidor envió bytes que no son UTF-8 \((UnicodeDecodeError|TextDecoder fatal)\); se muestran como �\.\n$/,
    inUse:
      /^Error: el puerto \d+ ya está en uso \((Address already in use|EADDRINUSE)\)\. Cierra el otro programa o usa otro puerto \(0 elige uno libre\)\.\n$/,
  },
  en: {
    refused:
      /^Error: 127\.0\.0\.1:\d+ refused the connection \((ConnectionRefusedError|ECONNREFUSED)\)\. Is the server running\? Start it first\.\n$/,
    timeout:
      /^Error: the server sent nothing in 0\.3 s \((socket\.timeout|ETIMEDOUT)\)\. Check the server or raise TIMEOUT\.\n$/,
    reset:
      /^Error: the server cut the connection abruptly \((ConnectionResetError|ECONNRESET)\)\. Try again; if it happens again, read the server's log\.\n$/,
    unreachable:
      /^Error: there is no network route to 192\.0\.2\.1:5000 \(ENETUNREACH\)\. Check the address and your network connection\.\n$/,
    notUtf8:
      /^Warning: the server sent bytes that are not UTF-8 \((UnicodeDecodeError|TextDecoder fatal)\); shown as �\.\n$/,
    inUse:
      /^Error: port \d+ is already in use \((Address already in use|EADDRINUSE)\)\. Stop the other program or use another port \(0 picks a free one\)\.\n$/,
  },
} as const;
const LATIN1_SHOWN = "Mensaje del servidor: Hola desde Latin-1: caf\ufffd, ni\ufffdo, coraz\ufffdn\n";

/** Starts the failing server in `mode` on a free port; resolves with it and its port. */
async function failingServer(
  impl: Impl,
  mode: string,
  lang: Lang,
): Promise<{ server: Running; port: string }> {
  const server = lessonExample(impl.server, [mode, "0"], { lang });
  const port = String(await listening(server));
  await server.waitFor(/Servidor esperando conexion tenga paciencia\.\.\.\n/);
  return { server, port };
}

/** One client run against one failing server; the server must have served it and exited 0. */
async function against(pair: Pair, mode: string) {
  const { server, port } = await failingServer(pair.server, mode, pair.lang);
  const client = await lessonExample(pair.client.client, [port], { lang: pair.lang, env: { TIMEOUT: "0.3" } })
    .done;
  const served = await server.done;
  assert.equal(served.code, 0, served.stderr);
  assert.match(served.stdout, /^Conexion establecida desde .*127\.0\.0\.1.*\d+/m);
  return client;
}

interface Pair {
  readonly server: Impl;
  readonly client: Impl;
  readonly lang: Lang;
}
const [PY, TS] = IMPLS;
/**
 * Python starts in milliseconds: its server and client meet in both languages for every case. The
 * TypeScript programs (tsx takes most of a second to start) run once per case, one language each,
 * alternating, against their twin or against the Python one, so that each file meets each case once.
 */
const PAIRS: Readonly<Record<string, readonly Pair[]>> = {
  saludo: [...pyBoth(), { server: TS, client: PY, lang: "es" }, { server: PY, client: TS, lang: "en" }],
  mudo: [...pyBoth(), { server: TS, client: TS, lang: "en" }],
  reset: [...pyBoth(), { server: TS, client: TS, lang: "es" }],
  latin1: [...pyBoth(), { server: TS, client: TS, lang: "en" }],
};
function pyBoth(): Pair[] {
  return [
    { server: PY, client: PY, lang: "es" },
    { server: PY, client: PY, lang: "en" },
  ];
}

describe("lesson 4: cliente_robusto (.py, .ts) against servidor_fallos (.py, .ts)", {
  concurrency: 4,
}, () => {
  const name = (pair: Pair) => `${pair.client.client} ← ${pair.server.server} (${pair.lang})`;

  for (const pair of PAIRS.saludo!) {
    test(`saludo - the original greeting arrives whole: ${name(pair)}`, async () => {
      const client = await against(pair, "saludo");
      assert.equal(client.code, 0, client.stderr);
      assert.equal(client.stdout, `Mensaje del servidor: ${ORIGINAL_GREETING}\n`);
      assert.equal(client.stderr, "");
    });
  }

  for (const pair of PAIRS.mudo!) {
    test(`mudo - a silent server ends in a timeout, explained in one line: ${name(pair)}`, async () => {
      const client = await against(pair, "mudo");
      assert.equal(client.code, 1);
      assert.match(client.stderr, SAYS[pair.lang].timeout);
      assert.equal(client.stdout, "");
    });
  }

  for (const pair of PAIRS.reset!) {
    test(`reset - a peer that closes with RST is a reset, not a crash: ${name(pair)}`, async () => {
      const client = await against(pair, "reset");
      assert.equal(client.code, 1);
      assert.match(client.stderr, SAYS[pair.lang].reset);
    });
  }

  for (const pair of PAIRS.latin1!) {
    test(`latin1 - bytes that are not UTF-8 are shown with � after a warning: ${name(pair)}`, async () => {
      const client = await against(pair, "latin1");
      assert.equal(client.code, 0, client.stderr);
      assert.equal(client.stdout, LATIN1_SHOWN);
      assert.match(client.stderr, SAYS[pair.lang].notUtf8);
    });
  }

  for (const [impl, lang] of [
    [PY, "es"],
    [PY, "en"],
    [TS, "es"],
  ] as const) {
    test(`nobody listening - connection refused: ${impl.client} (${lang})`, async () => {
      const port = String(await freePort());
      const client = await lessonExample(impl.client, [port], { lang }).done;
      assert.equal(client.code, 1);
      assert.match(client.stderr, SAYS[lang].refused);
    });
  }

  for (const [impl, lang] of [
    [PY, "es"],
    [PY, "en"],
    [TS, "en"],
  ] as const) {
    test(`a second server on the same port - address already in use: ${impl.server} (${lang})`, async () => {
      const { server, port } = await failingServer(PY, "mudo", lang === "es" ? "en" : "es");
      const second = await lessonExample(impl.server, ["saludo", port], { lang }).done;
      assert.equal(second.code, 1);
      assert.match(second.stderr, SAYS[lang].inUse);
      assert.ok(second.stderr.includes(port));
      await server.stop("SIGKILL");
    });
  }
});

/** What enchufe prints for each case (its first line; --debug adds the [CODE] line after it). */
const ENCHUFE_SAYS = {
  refused: {
    es: /^enchufe: No se pudo conectar con 127\.0\.0\.1:\d+: la conexión fue rechazada\. ¿Está corriendo el servidor\?/,
    en: /^enchufe: Could not connect to 127\.0\.0\.1:\d+: connection refused\. Is the server running\?/,
    code: "ECONNREFUSED",
  },
  inUse: {
    es: /^enchufe: El puerto \d+ ya está en uso por otro programa\./,
    en: /^enchufe: Port \d+ is already in use by another program\./,
    code: "EADDRINUSE",
  },
  timeout: {
    es: /^enchufe: Se agotó el tiempo en el paso 'read' con 127\.0\.0\.1:\d+ \(0\.3 s\)\./,
    en: /^enchufe: The 'read' step with 127\.0\.0\.1:\d+ timed out \(0\.3 s\)\./,
    code: "ETIMEDOUT",
  },
  reset: {
    es: /^enchufe: La conexión con 127\.0\.0\.1:\d+ se cortó de golpe \(reset\) durante el paso '(connect|read)'\./,
    // The RST may arrive before Node has seen the connection established: then it is the connect step.
    en: /^enchufe: The connection to 127\.0\.0\.1:\d+ was reset during the '(connect|read)' step\. Try again\./,
    code: "ECONNRESET",
  },
  unreachable: {
    es: /^enchufe: No hay ruta de red hacia 192\.0\.2\.1:5000\./,
    en: /^enchufe: No network route to 192\.0\.2\.1:5000\./,
    code: "ENETUNREACH",
  },
} as const;

function assertReports(
  end: { code: number | null; stderr: string },
  what: keyof typeof ENCHUFE_SAYS,
  lang: Lang,
) {
  const says = ENCHUFE_SAYS[what];
  assert.equal(end.code, 1, end.stderr);
  assert.match(end.stderr, says[lang]);
  assert.ok(end.stderr.includes(`\n[${says.code}] EnchufeError`), end.stderr);
}

describe("lesson 4: how enchufe reports each one (message, and the code with --debug)", {
  concurrency: true,
}, () => {
  test("refused (ECONNREFUSED)", async () => {
    const port = String(await freePort());
    assertReports(await runEnchufe(["client", "--port", port, "--debug"]), "refused", "es");
  });

  test("address in use (EADDRINUSE)", async () => {
    const { server, port } = await failingServer(PY, "mudo", "es");
    const end = await runEnchufe(["server", "--port", port, "--debug"], { env: { ENCHUFE_LANG: "en" } });
    assertReports(end, "inUse", "en");
    await server.stop("SIGKILL");
  });

  test("timeout (ETIMEDOUT)", async () => {
    const { port } = await failingServer(PY, "mudo", "es");
    assertReports(
      await runEnchufe(["client", "--port", port, "--timeout", "0.3", "--debug"]),
      "timeout",
      "es",
    );
  });

  test("reset (ECONNRESET)", async () => {
    const { port } = await failingServer(PY, "reset", "es");
    const end = await runEnchufe(["client", "--port", port, "--debug"], { env: { ENCHUFE_LANG: "en" } });
    assertReports(end, "reset", "en");
  });

  test("not UTF-8: a warning, the text with �, exit 0", async () => {
    const { port } = await failingServer(PY, "latin1", "es");
    const end = await runEnchufe(["client", "--port", port]);
    assert.equal(end.code, 0, end.stderr);
    assert.equal(end.stdout, LATIN1_SHOWN);
    assert.equal(
      end.stderr,
      "aviso: el servidor envió bytes que no son UTF-8 válido; se muestran con caracteres de reemplazo (�).\n",
    );
  });
});

describe("lesson 4: a network with no route (an empty network namespace)", () => {
  let isolated: ReturnType<typeof addNamespace>;
  before(() => {
    isolated = addNamespace("l4");
  });
  after(() => isolated.remove());

  test("both clients and enchufe say there is no route; enchufe's code is ENETUNREACH", async () => {
    const inside = { prefix: isolated.prefix };
    const [py, ts, ours] = await Promise.all([
      lessonExample(PY.client, ["5000", "192.0.2.1"], { ...inside, lang: "es" }).done,
      lessonExample(TS.client, ["5000", "192.0.2.1"], { ...inside, lang: "en" }).done,
      new Running(
        spawn(
          "ip",
          [...isolated.prefix.slice(1), process.execPath, BIN, "client", "--host", "192.0.2.1", "--debug"],
          {
            env: { ...process.env, ENCHUFE_LANG: "es" },
          },
        ),
      ).done,
    ]);
    assert.equal(py.code, 1);
    assert.match(py.stderr, SAYS.es.unreachable);
    assert.equal(ts.code, 1);
    assert.match(ts.stderr, SAYS.en.unreachable);
    assertReports(ours, "unreachable", "es");
  });
});
