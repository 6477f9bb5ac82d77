/** Lesson 3 (docs/aprende/03-ambos-sentidos.md): echo, a two-person chat, half-close both ways. */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { example, listening, stopExamples } from "../helpers/examples.js";

after(stopExamples);

const DIR = "aprende/03-ambos-sentidos";
const END = { es: "(el otro lado cerró: fin)", en: "(the other side closed: the end)" } as const;

describe("lesson 3 - echo: the client sends FIN and still gets the echo", () => {
  // The lesson's blocks run each server with its own language's client; here they cross.
  for (const [server, client, lang] of [
    ["eco.py", "cliente.ts", "en"],
    ["eco.ts", "cliente.py", "es"],
  ] as const) {
    test(`${server} echoes ${client}'s lines after its FIN, then closes (${lang})`, async () => {
      const run = example(`${DIR}/${server}`, ["0"], { lang });
      const port = String(await listening(run));
      const end = await example(`${DIR}/${client}`, [port], { lang, stdin: "hola\nadiós\n" }).done;
      assert.equal(end.code, 0, end.stderr);
      assert.equal(end.stdout, `hola\nadiós\n${END[lang]}\n`);
      const said =
        lang === "es"
          ? "terminó de enviar (FIN) tras 12 bytes; cierro yo también"
          : "finished sending (FIN) after 12 bytes; I close too";
      await run.waitFor(new RegExp(`: ${said.replace(/[()]/g, "\\$&")}$`, "m"));
    });
  }
});

const CHAT = {
  es: {
    wait: "* eres la persona 1; esperando a la otra persona...",
    two: (n: number) => `* eres la persona ${n}; ya sois dos: escribe y pulsa Enter`,
    over: "chat terminado",
  },
  en: {
    wait: "* you are person 1; waiting for the other person...",
    two: (n: number) => `* you are person ${n}; you are two now: type and press Enter`,
    over: "chat over",
  },
};

describe("lesson 3 - a two-person chat passes lines and each FIN across", () => {
  for (const [server, lang] of [
    ["chat.ts", "en"],
    ["chat.ts", "es"],
    ["chat.py", "en"],
  ] as const) {
    test(`${server}: Ana and Beto each get the other's line, then the other's FIN (${lang})`, async () => {
      const run = example(`${DIR}/${server}`, ["0"], { lang });
      const port = String(await listening(run));
      const ana = example(`${DIR}/cliente.py`, [port], { lang, stdin: "hola, soy Ana\n" });
      await ana.waitFor(/^\* /m);
      const beto = await example(`${DIR}/cliente.ts`, [port], { lang, stdin: "hola Ana, soy Beto\n" }).done;
      const text = CHAT[lang];
      assert.equal(beto.stdout, [text.two(2), "[1] hola, soy Ana", END[lang], ""].join("\n"));
      assert.equal(
        (await ana.done).stdout,
        [text.wait, text.two(1), "[2] hola Ana, soy Beto", END[lang], ""].join("\n"),
      );
      const end = await run.done;
      assert.equal(end.code, 0, end.stderr);
      assert.equal(end.stdout.trimEnd().split("\n").at(-1), text.over);
      assert.equal(end.stdout.split("\n").length, 5, end.stdout); // listening, two FIN lines, over, ""
    });
  }
});
