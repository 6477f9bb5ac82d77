/**
 * Every README command runs as written: the shell and TypeScript blocks of README.md and README.es.md
 * marked `<!-- runnable -->` (or `<!-- runnable with a server -->`, which starts `enchufe server` on
 * a free port first) are extracted and run, each block in its own temporary folder:
 * - `npx enchufe ARGS` runs the built bin/enchufe.js; `npm start -- ARGS` runs npm in this checkout;
 *   `npm ci` is what made this checkout, so it is not run again. Any other program is refused, so a
 *   block marked runnable cannot quietly stop being checked.
 * - the README's ports (5000, the default, and any `--port N`) become free ports, so nothing is fixed.
 * - servers (`server` without --once, `npm start`) are awaited until they listen on that port, `sub`
 *   and `chat` until their first output; they are stopped when the block ends. Other commands must
 *   exit 0, and a few have their first output checked (EXPECTED).
 * - a password prompt (`user add`, `--user`) gets one line on standard input.
 * - in TypeScript blocks `from "enchufe"` is this checkout's dist/, and a `// text` comment after a
 *   `console.log(...)` is output the snippet must print, in order.
 * - a `<!-- trace of the previous block -->` output block must be what the command prints (ports aside).
 * The port-in-use error's own advice is run the same way.
 */
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { enchufe, Running, stopAll, stopGroup } from "../helpers/cli.js";
import { freePort } from "../helpers/ports.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "enchufe.js");
const DEFAULT_PORT = 5000;
const PASSWORD = "contraseña-de-prueba";
/** Commands that do not connect to or listen on a port, so get no --port. */
const PORTLESS = new Set(["cert", "user", "help", "--help", "--version"]);
/** The first output some commands must print (stdout), by their arguments. */
const EXPECTED: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/^client\b/, /^(Mensaje del servidor|Message from the server): Hola, Julian/m],
  [/^request time\b/, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/],
  [/^pub\b/, /^$/],
  [/^--help\b/, /^ {2}server +\S/m],
  [/^help sub\b/, /^(Uso|Usage): enchufe sub /],
];

after(stopAll);

interface Block {
  readonly file: string;
  readonly line: number;
  readonly kind: "bash" | "ts";
  readonly withServer: boolean;
  readonly code: string;
  /** The output block marked as this block's trace, if any. */
  trace?: string;
}

/** The runnable blocks of a markdown file, with the output block each one's trace must match. */
function runnableBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const blocks: Block[] = [];
  const fenced = (start: number): { kind: string; code: string; end: number } => {
    const fence = /^```(\w*)$/.exec(lines[start] ?? "");
    assert.ok(fence !== null, `${file}:${start + 1}: a runnable marker must be followed by a code fence`);
    const end = lines.indexOf("```", start + 1);
    assert.ok(end > start, `${file}:${start + 1}: unclosed code fence`);
    return { kind: fence[1]!, code: lines.slice(start + 1, end).join("\n"), end };
  };
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- (runnable|runnable with a server|trace of the previous block) -->$/.exec(lines[i]!);
    if (marker === null) continue;
    const { kind, code, end } = fenced(i + 1);
    if (marker[1] === "trace of the previous block") {
      const previous = blocks.at(-1);
      assert.ok(previous !== undefined, `${file}:${i + 1}: a trace with no block before it`);
      previous.trace = code;
    } else {
      assert.ok(kind === "bash" || kind === "ts", `${file}:${i + 2}: runnable blocks are bash or ts`);
      blocks.push({ file, line: i + 2, kind, withServer: marker[1] !== "runnable", code });
    }
    i = end;
  }
  return blocks;
}

/** One shell line's words: quotes removed, a trailing `# comment` dropped. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const char of line) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "#" && word === undefined) {
      break;
    } else {
      word = (word ?? "") + char;
    }
  }
  assert.equal(quote, undefined, `unclosed quote in: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** What one block runs in: its folder, its ports, and what it started. */
class BlockRun {
  readonly dir = mkdtempSync(join(tmpdir(), "enchufe-readme-"));
  readonly ports = new Map<number, number>();
  readonly started: Running[] = [];

  async port(readmePort: number): Promise<number> {
    const known = this.ports.get(readmePort);
    if (known !== undefined) return known;
    const port = await freePort();
    this.ports.set(readmePort, port);
    return port;
  }

  /** `args` with each --port N replaced by its free port, or --port added where the command takes one. */
  async mapPorts(args: readonly string[]): Promise<string[]> {
    const mapped = [...args];
    const at = mapped.findIndex((arg) => arg === "--port" || arg === "-p");
    if (at !== -1) mapped[at + 1] = String(await this.port(Number(mapped[at + 1])));
    else if (!PORTLESS.has(mapped[0] ?? "")) mapped.push("--port", String(await this.port(DEFAULT_PORT)));
    return mapped;
  }

  async stop(): Promise<void> {
    await Promise.all(this.started.map((run) => stopGroup(run)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function start(command: string, args: readonly string[], cwd: string, lang?: "es" | "en"): Running {
  const env = { ...process.env, ENCHUFE_LANG: lang };
  if (lang === undefined) delete env.ENCHUFE_LANG;
  const child = spawn(command, args, { cwd, env, stdio: "pipe", detached: true });
  return new Running(child as ChildProcessWithoutNullStreams);
}

/** Runs one command line of a bash block; resolves once it ended well or, if it keeps running, is ready. */
async function runLine(run: BlockRun, line: string, where: string): Promise<Running | undefined> {
  const words = shellWords(line);
  if (words.length === 0) return undefined;
  let process_: Running;
  let args: string[];
  if (words[0] === "npm" && words[1] === "ci" && words.length === 2) {
    assert.ok(existsSync(join(ROOT, "node_modules")), "npm ci made this checkout");
    return undefined;
  }
  if (words[0] === "npm" && words[1] === "start") {
    assert.ok(words.length === 2 || words[2] === "--", `${where}: npm start takes its flags after --`);
    args = ["server", ...words.slice(3)];
    const mapped = (await run.mapPorts(args)).slice(1);
    process_ = start("npm", ["start", "--silent", "--", ...mapped], ROOT);
    args = ["server", ...mapped];
  } else {
    assert.deepEqual(
      words.slice(0, 2),
      ["npx", "enchufe"],
      `${where}: runnable blocks run npx enchufe or npm`,
    );
    args = await run.mapPorts(words.slice(2));
    process_ = start(globalThis.process.execPath, [BIN, ...args], run.dir);
  }
  run.started.push(process_);
  const needsPassword =
    args.includes("--user") || (args[0] === "user" && ["add", "passwd"].includes(args[1]!));
  if (needsPassword) process_.child.stdin.write(`${PASSWORD}\n`);
  const name = args[0]!;
  const server = (name === "server" || name === "servidor") && !args.includes("--once");
  if (server) {
    const port = await process_.port();
    const given = args.findIndex((arg) => arg === "--port" || arg === "-p");
    assert.equal(String(port), args[given + 1], `${where}: listens on the port given`);
    return process_;
  }
  if ((name === "sub" && !args.includes("--count")) || name === "chat") {
    // sub says it subscribed on stderr (stdout is for the messages); chat's first line is the greeting.
    if (name === "sub") await process_.waitFor(/^(Suscrito a|Subscribed to) /m, "stderr");
    else await process_.waitFor(/\S/, "stdout");
    // With --user NAME, chat must also be logged in (the server says so in its language).
    const user = args.indexOf("--user");
    if (name === "chat" && user !== -1) {
      await process_.waitFor(new RegExp(`^\\* (sesión iniciada como|logged in as) ${args[user + 1]}$`, "m"));
    }
    assert.doesNotMatch(process_.stderr, /^enchufe: /m, `${where}: ${process_.stderr}`);
    return process_;
  }
  process_.child.stdin.end();
  const end = await process_.done;
  assert.equal(end.code, 0, `${where}: exit ${end.code}\nstdout: ${end.stdout}\nstderr: ${end.stderr}`);
  for (const [command, output] of EXPECTED) {
    if (command.test(args.join(" "))) assert.match(end.stdout, output, `${where}: ${end.stdout}`);
  }
  return process_;
}

/** The lines of a trace with the ports (which differ on every run) taken out. */
function withoutPorts(text: string): string[] {
  return text
    .trim()
    .split("\n")
    .map((line) => line.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT"));
}

async function runBash(run: BlockRun, block: Block): Promise<void> {
  const lines = block.code.split("\n");
  let last: Running | undefined;
  for (const [index, line] of lines.entries()) {
    last = await runLine(run, line, `${block.file}:${block.line + 1 + index}`);
  }
  if (block.trace !== undefined) {
    assert.ok(
      last !== undefined && lines.length === 1,
      `${block.file}:${block.line}: a trace needs one command`,
    );
    const end = await last.done;
    assert.deepEqual([...withoutPorts(end.stderr), ...withoutPorts(end.stdout)], withoutPorts(block.trace));
  }
}

async function runTs(run: BlockRun, block: Block): Promise<void> {
  const port = await run.port(DEFAULT_PORT);
  const source = block.code
    .replaceAll('from "enchufe"', `from ${JSON.stringify(new URL("dist/index.js", `file://${ROOT}`).href)}`)
    .replaceAll(`port: ${DEFAULT_PORT}`, `port: ${port}`);
  const file = join(run.dir, "snippet.mts");
  writeFileSync(file, source);
  const snippet = start(process.execPath, ["--import", import.meta.resolve("tsx"), file], run.dir);
  run.started.push(snippet);
  snippet.child.stdin.end();
  const timer = setTimeout(() => snippet.child.kill("SIGKILL"), 10_000);
  const end = await snippet.done;
  clearTimeout(timer);
  assert.equal(
    end.code,
    0,
    `${block.file}:${block.line}: exit ${end.code} (a snippet that never ends is killed)
stdout: ${end.stdout}
stderr: ${end.stderr}`,
  );
  const expected = [...block.code.matchAll(/console\.log\(.*\/\/ (.+)$/gm)].map((match) => match[1]!.trim());
  assert.deepEqual(end.stdout.trim().split("\n").slice(0, expected.length), expected);
}

for (const file of ["README.md", "README.es.md"]) {
  // Each block has its own folder and ports, so two run at a time.
  describe(`${file} - the runnable blocks run as written`, { concurrency: 2 }, () => {
    const blocks = runnableBlocks(file);

    test("marks the blocks a newcomer runs first", () => {
      const code = blocks.map((block) => block.code).join("\n");
      for (const command of ["npm start", "npx enchufe client", "npx enchufe cert", "npx enchufe chat"]) {
        assert.ok(code.includes(command), `no runnable block runs ${command}`);
      }
    });

    test("says npx enchufe, never a bare enchufe command (it is not installed globally)", () => {
      const text = readFileSync(join(ROOT, file), "utf8");
      const bare = text.match(
        /(?<![\w/.-]|npx )enchufe (server|client|chat|pub|sub|request|reply|cert|user)\b/g,
      );
      assert.equal(bare, null);
    });

    for (const block of blocks) {
      test(`${file}:${block.line} (${block.kind}${block.withServer ? ", with a server" : ""})`, async () => {
        const run = new BlockRun();
        try {
          if (block.withServer) {
            const server = enchufe(["server", "--port", "0"]);
            run.started.push(server);
            run.ports.set(DEFAULT_PORT, await server.port());
          }
          await (block.kind === "bash" ? runBash(run, block) : runTs(run, block));
        } finally {
          await run.stop();
        }
      });
    }
  });
}

describe("the port-in-use error suggests commands that work", () => {
  for (const lang of ["es", "en"] as const) {
    test(`its commands, run as written, start a server (${lang})`, async () => {
      const run = new BlockRun();
      try {
        const first = enchufe(["server", "--port", "0"]);
        run.started.push(first);
        const port = await first.port();
        const second = enchufe(["server", "--port", String(port), "--lang", lang]);
        const end = await second.done;
        assert.equal(end.code, 1);
        const suggested = [...end.stderr.matchAll(/(npx enchufe server --port N|npm start -- --port N)/g)];
        assert.equal(suggested.length, 2, end.stderr);
        for (const [index, [command]] of suggested.entries()) {
          const server = await runLine(run, command.replace(/ N$/, ` ${5001 + index}`), `the hint (${lang})`);
          assert.ok(server !== undefined);
        }
      } finally {
        await run.stop();
      }
    });
  }
});

describe("npm start with its flags before -- says the command that works", () => {
  for (const [lang, kept] of [
    ["es", "npm se quedó con --port"],
    ["en", "npm kept --port for itself"],
  ] as const) {
    test(`npm start --port N: exit 2, then its advice runs (${lang})`, async () => {
      const run = new BlockRun();
      try {
        const port = await run.port(5001);
        const wrong = start("npm", ["start", "--silent", "--port", String(port)], ROOT, lang);
        run.started.push(wrong);
        const end = await wrong.done;
        assert.equal(end.code, 2, end.stderr);
        assert.ok(end.stderr.includes(kept), end.stderr);
        const advice = /(npm start -- --port \d+)$/m.exec(end.stderr);
        assert.ok(advice !== null, end.stderr);
        assert.equal(advice[1], `npm start -- --port ${port}`);
        await runLine(run, "npm start -- --port 5001", `the advice (${lang})`);
      } finally {
        await run.stop();
      }
    });
  }

  test("npm start -- --port 0 --once (flags after --) is not mistaken for it", async () => {
    const run = new BlockRun();
    try {
      const right = start("npm", ["start", "--silent", "--", "--port", "0", "--once"], ROOT);
      run.started.push(right);
      assert.ok((await right.port()) > 0);
    } finally {
      await run.stop();
    }
  });
});
