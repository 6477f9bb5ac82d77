/** Lesson 6 (docs/aprende/06-protocolo-propio.md): a length-prefixed protocol, TypeScript and Python. */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, describe, test } from "node:test";
import { example, listening, stopExamples } from "../helpers/examples.js";

after(stopExamples);

const DIR = "aprende/06-protocolo-propio";
const ANSWERS_PY = {
  es: [
    "respuesta de 9 bytes: b'eco: hola'",
    "respuesta de 15 bytes: b'eco: dos\\nlineas'",
    "respuesta de 100005 bytes: b'eco: xxxxxxxxxxxxxxx...'",
  ],
  en: [
    "answer of 9 bytes: b'eco: hola'",
    "answer of 15 bytes: b'eco: dos\\nlineas'",
    "answer of 100005 bytes: b'eco: xxxxxxxxxxxxxxx...'",
  ],
};
const ANSWERS_TS = {
  es: ANSWERS_PY.es.map((line) => line.replace(/b'(.*)'$/, '"$1"')),
  en: ANSWERS_PY.en.map((line) => line.replace(/b'(.*)'$/, '"$1"')),
};
const GOT = { es: "mensaje de {} bytes", en: "message of {} bytes" };

describe("lesson 6 - a length-prefixed protocol, interoperable", () => {
  for (const [server, client, lang] of [
    ["servidor.ts", "cliente.py", "es"],
    ["servidor.ts", "cliente.py", "en"],
    ["servidor.py", "cliente.ts", "en"],
    ["servidor.ts", "cliente.ts", "es"],
  ] as const) {
    test(`${server} answers ${client}: a newline inside and 100000 bytes are one message each (${lang})`, async () => {
      const run = example(`${DIR}/${server}`, ["0"], { lang });
      const port = String(await listening(run));
      const end = await example(`${DIR}/${client}`, [port], { lang }).done;
      assert.equal(end.code, 0, end.stderr);
      const answers = client.endsWith(".py") ? ANSWERS_PY : ANSWERS_TS;
      assert.deepEqual(end.stdout.trimEnd().split("\n"), answers[lang]);
      const got = [4, 10, 100000].map((bytes) => GOT[lang].replace("{}", String(bytes)));
      await run.waitFor(new RegExp(`${got.join("\\n")}\\n`));
    });
  }

  for (const server of ["servidor.ts", "servidor.py"]) {
    test(`${server} closes a client announcing 4 GiB and keeps serving the others`, async () => {
      const run = example(`${DIR}/${server}`, ["0"]);
      const port = await listening(run);
      const greedy = connect(port, "127.0.0.1");
      greedy.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
      greedy.resume();
      await new Promise((resolve) => greedy.on("close", resolve));
      await run.waitFor(/^Error: .*4294967295.*1048576/m, "stderr");
      const end = await example(`${DIR}/cliente.py`, [String(port)]).done;
      assert.deepEqual(end.stdout.trimEnd().split("\n"), ANSWERS_PY.es);
    });
  }
});
