/**
 * Discoverable help: `enchufe --help` and bare `enchufe` list every sub-command of the command table
 * with a summary in both languages, a mistyped command gets the closest one, `enchufe help CMD` is
 * `enchufe CMD --help`, and every option a command declares (defineCommand's `options`, read from
 * src/cli/commands/*.ts) is described in its --help in Spanish and in English.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, describe, test } from "node:test";
import type { DefinedCommand } from "../../src/cli/command.js";
import { commands } from "../../src/cli/commands/index.js";
import { ALIASES, closestCommand } from "../../src/cli/help.js";
import { runEnchufe, stopAll } from "../helpers/cli.js";

after(stopAll);

const COMMANDS_DIR = new URL("../../src/cli/commands/", import.meta.url);
const LANGS = ["es", "en"] as const;

/** The flags a command file's defineCommand declares (COMMON_OPTIONS are added by it). */
async function declaredOptions(file: URL): Promise<string[]> {
  const module = (await import(file.href)) as { run: DefinedCommand };
  return Object.keys(module.run.options);
}

const commandFiles = readdirSync(COMMANDS_DIR)
  .filter((name) => name.endsWith(".ts") && name !== "index.ts")
  .map((name) => ({ name: name.slice(0, -3), file: new URL(name, COMMANDS_DIR) }));
const names = Object.keys(commands).filter((name) => ALIASES[name] === undefined);

/**
 * Whether `--flag` is described: named as a whole word (so --cert is not found inside --tls-cert) on
 * one of the option lines (indented, starting with a flag), not only in the Usage line.
 */
function describes(help: string, flag: string): boolean {
  const word = new RegExp(`(^|[^\\w-])--${flag}(?![\\w-])`);
  return help.split("\n").some((line) => /^\s+--/.test(line) && word.test(line));
}

describe("enchufe --help - every sub-command is listed", () => {
  test("the command table has a file for each command and each file is in the table", () => {
    assert.deepEqual(
      names.toSorted(),
      commandFiles.map((c) => c.name).toSorted(),
      "a command is src/cli/commands/NAME.ts in the table; an alias goes in ALIASES (src/cli/help.ts)",
    );
  });

  for (const lang of LANGS) {
    test(`--help lists each command of the table with a summary (${lang})`, async () => {
      const end = await runEnchufe(["--help", "--lang", lang]);
      assert.equal(end.code, 0);
      for (const name of [...names, "help"]) {
        const line = new RegExp(`^ {2}${name} +\\S.{10,}$`, "m");
        assert.match(end.stdout, line, `${name} needs help.summary.${name} in src/i18n/cli-help.ts`);
      }
      assert.match(end.stdout, /^ {2}server .*servidor/m, "the alias is named on its command's line");
    });
  }

  test("bare enchufe prints the same list on stderr with exit 2", async () => {
    const bare = await runEnchufe([]);
    const help = await runEnchufe(["--help"]);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, "");
    assert.equal(bare.stderr, help.stdout);
    assert.match(bare.stderr, /^ {2}user +gestiona el archivo de usuarios/m);
  });

  test("a leading --lang applies to the command after it", async () => {
    const end = await runEnchufe(["--lang", "en", "pub", "--help"]);
    assert.equal(end.code, 0);
    assert.match(end.stdout, /^Usage: enchufe pub TOPIC/);
  });
});

describe("enchufe - an unknown command suggests the closest one", () => {
  test("closestCommand finds typos, prefixes, and nothing for unrelated words", () => {
    const table = Object.keys(commands);
    assert.equal(closestCommand("sever", table), "server");
    assert.equal(closestCommand("serve", table), "server");
    assert.equal(closestCommand("requ", table), "request");
    assert.equal(closestCommand("cht", table), "chat");
    assert.equal(closestCommand("Sub", table), "sub");
    assert.equal(closestCommand("xyzzy", table), undefined);
    assert.equal(closestCommand("ab", table), undefined);
  });

  for (const [lang, expected] of [
    ["es", /^enchufe: Comando desconocido: 'sevrer'\. ¿Quisiste decir 'server'\? Usa 'npx enchufe --help'/],
    ["en", /^enchufe: Unknown command: 'sevrer'\. Did you mean 'server'\? Use 'npx enchufe --help'/],
  ] as const) {
    test(`exit 2 with the suggestion in one line (${lang})`, async () => {
      const end = await runEnchufe(["sevrer", "--lang", lang]);
      assert.equal(end.code, 2);
      assert.match(end.stderr, expected);
      assert.equal(end.stderr.split("\n").length, 2);
      assert.equal(end.stdout, "");
    });
  }

  test("a word close to nothing gets no suggestion, still exit 2", async () => {
    const end = await runEnchufe(["xyzzy"]);
    assert.equal(end.code, 2);
    assert.equal(
      end.stderr,
      "enchufe: Comando desconocido: 'xyzzy'. Usa 'npx enchufe --help' para ver los comandos.\n",
    );
  });
});

describe("enchufe help CMD - the same as enchufe CMD --help", () => {
  for (const name of ["sub", "servidor", "cert"]) {
    test(`help ${name}`, async () => {
      const viaHelp = await runEnchufe(["help", name, "--lang", "en"]);
      const viaFlag = await runEnchufe([name, "--help", "--lang", "en"]);
      assert.equal(viaHelp.code, 0);
      assert.equal(viaHelp.stdout, viaFlag.stdout);
      assert.match(viaHelp.stdout, /^Usage: enchufe /);
    });
  }

  test("help of an unknown command is the unknown-command error", async () => {
    const end = await runEnchufe(["help", "pubb"]);
    assert.equal(end.code, 2);
    assert.match(end.stderr, /¿Quisiste decir 'pub'\?/);
  });
});

describe("every sub-command's --help describes every option it declares", () => {
  test("the option reader finds spread and local options", async () => {
    const pub = await declaredOptions(new URL("pub.ts", COMMANDS_DIR));
    assert.ok(pub.includes("host") && pub.includes("password-file"), pub.join(","));
    const server = await declaredOptions(new URL("server.ts", COMMANDS_DIR));
    assert.ok(server.includes("line-rate") && server.includes("workers"), server.join(","));
  });

  for (const { name, file } of commandFiles) {
    for (const lang of LANGS) {
      test(`${name} --help (${lang})`, async () => {
        const end = await runEnchufe([name, "--help", "--lang", lang]);
        assert.equal(end.code, 0, end.stderr);
        const missing = (await declaredOptions(file)).filter((flag) => !describes(end.stdout, flag));
        assert.deepEqual(missing, [], `${name} --help (${lang}) does not describe ${missing.join(", ")}`);
      });
    }
  }
});

describe("help texts say what the command does", () => {
  for (const [lang, reply, eight] of [
    [
      "es",
      /--timeout SEGUNDOS +límite para conectar y para esperar la respuesta/,
      /al menos\s+8 caracteres|8 caracteres como mínimo/,
    ],
    [
      "en",
      /--timeout SECONDS +limit for connecting and for (waiting for )?the reply/,
      /at least\s+8 characters/,
    ],
  ] as const) {
    test(`client --help: --timeout 0 is documented (${lang})`, async () => {
      const end = await runEnchufe(["client", "--help", "--lang", lang]);
      assert.match(end.stdout, lang === "es" ? /--timeout .*0 = sin límite/ : /--timeout .*0 = no limit/);
    });

    test(`--help says how to run enchufe without installing it (${lang})`, async () => {
      const end = await runEnchufe(["--help", "--lang", lang]);
      assert.match(end.stdout, /^.*: npx enchufe <(comando|command)> /m);
    });

    test(`request --help: --timeout also limits the reply (${lang})`, async () => {
      const end = await runEnchufe(["request", "--help", "--lang", lang]);
      assert.match(end.stdout, reply);
    });

    test(`user --help: list takes no NAME, and the password minimum is said (${lang})`, async () => {
      const end = await runEnchufe(["user", "--help", "--lang", lang]);
      assert.doesNotMatch(end.stdout, /\blist\|/);
      assert.match(end.stdout, /enchufe user list --file/);
      assert.match(end.stdout, eight);
    });
  }
});
