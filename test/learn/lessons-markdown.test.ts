/**
 * The lessons' commands run as written: the shell blocks of docs/aprende/*.md (Spanish, run with
 * ENCHUFE_LANG=es) and docs/learn/*.md (English, ENCHUFE_LANG=en) marked runnable are run, and the
 * output each one declares must be what it prints. Markers (an HTML comment alone on its line, right
 * before a ```bash fence, or a plain ``` fence for outputs):
 *
 * - `<!-- runnable -->`: every line of the block is one command, run by bash from the repository root
 *   in order; each must exit 0 within 20 s. Standard input is empty (use `printf ... |` to type).
 * - `<!-- runnable, exits N -->`: the same, but the block's last command must exit with code N.
 * - `<!-- runnable in the background -->`: a one-command block that keeps running ("terminal 1"): it is
 *   started, awaited until it prints its first line, and stopped (SIGTERM to its process group) once the
 *   next foreground runnable block has finished. Several background blocks in a row all run together.
 * - `<!-- runnable in the background, ends by itself -->`: the same, but once the foreground block has
 *   finished it must end by itself with exit 0 (within 20 s), like the original servidor.py after its client.
 * - `<!-- output -->`: the plain fence that follows is what a runnable block prints, standard output
 *   and standard error merged as on a terminal. It belongs to the latest block of the scene that has no
 *   output yet: the client's output then the server's (after the client's block), or the server's output
 *   right after the server's block. Compared line by line
 *   after normalising both sides: trailing spaces dropped; the port after 127.0.0.1, ::1 or localhost
 *   (`127.0.0.1:53422`, `('127.0.0.1', 53422)`) becomes PORT; ISO times become TIME; `12.3 ms` becomes
 *   `N ms`. A line that is only `...` matches any number of lines (none too); `...` inside a line matches
 *   any text. Outputs of commands that print in a random order must use `...` (or not be declared).
 *
 * Ports: the lessons say 5000 (the original's port). Every number 5000-5099 in a command becomes a free
 * port (the same one for the whole scene: background blocks and the foreground block they serve), the
 * commands get PORT and ENCHUFE_PORT set to the port for 5000 (examples read PORT; enchufe's clients
 * read ENCHUFE_PORT) and `npx enchufe server` without --port gets `--port`; the printed free ports are
 * turned back into the lesson's numbers before comparing.
 * Speed: `npx enchufe` runs the built bin/enchufe.js and `npx tsx F` runs `node --import tsx F` (the
 * same programs without npm's start-up); `python3` is the interpreter itself, not a version manager's
 * shim (PATH); PYTHONUNBUFFERED=1 so Python's prints arrive in order; NO_COLOR=1.
 * Twins: a lesson NN in docs/aprende and its twin NN in docs/learn must run the same commands (comments
 * after `#` aside), so the two languages cannot drift apart.
 */
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Running, stopGroup } from "../helpers/cli.js";
import { PATH_WITH_PYTHON } from "../helpers/examples.js";
import { freePort } from "../helpers/ports.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "enchufe.js");
const COMMAND_TIMEOUT_MS = 20_000;
const LESSON_DIRS = [
  { dir: "docs/aprende", lang: "es" },
  { dir: "docs/learn", lang: "en" },
] as const;

type Kind = "foreground" | "background";

interface Block {
  readonly where: string;
  readonly kind: Kind;
  readonly commands: readonly string[];
  /** The exit code the last command must have (0 unless the marker says otherwise). */
  readonly exit: number;
  /** A background block that must end by itself once the foreground block has finished. */
  readonly endsByItself: boolean;
  output?: readonly string[];
}

/** One foreground block with the background blocks started before it. */
interface Scene {
  readonly background: readonly Block[];
  readonly foreground: Block;
}

const MARKER =
  /^<!-- (runnable|runnable, exits (\d+)|runnable in the background(, ends by itself)?|output) -->$/;

/** The runnable blocks of one lesson, in order, each with its declared output. */
export function parseBlocks(file: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]!);
    if (marker === null) continue;
    const where = `${file}:${i + 2}`;
    const fence = /^```(\w*)$/.exec(lines[i + 1] ?? "");
    assert.ok(fence !== null, `${file}:${i + 1}: a marker must be followed by a code fence`);
    const end = lines.indexOf("```", i + 2);
    assert.ok(end > i, `${where}: unclosed code fence`);
    const body = lines.slice(i + 2, end);
    i = end;
    if (marker[1] === "output") {
      const owner = outputOwner(blocks);
      assert.ok(owner !== undefined, `${where}: an output with no runnable block (without one) before it`);
      owner.output = body;
      continue;
    }
    assert.equal(fence[1], "bash", `${where}: runnable blocks are bash`);
    const commands = body.filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
    assert.ok(commands.length > 0, `${where}: an empty runnable block`);
    const kind: Kind = marker[1]!.startsWith("runnable in the background") ? "background" : "foreground";
    if (kind === "background")
      assert.equal(commands.length, 1, `${where}: a background block is one command`);
    blocks.push({
      where,
      kind,
      commands,
      exit: Number(marker[2] ?? 0),
      endsByItself: marker[3] !== undefined,
    });
  }
  return blocks;
}

/**
 * The block an output belongs to: the latest block of the current scene (the last block and the
 * background blocks right before it) that has no output yet. So a server's output may come before its
 * client's block or after the client's output.
 */
function outputOwner(blocks: readonly Block[]): Block | undefined {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i]!;
    if (i < blocks.length - 1 && block.kind === "foreground") return undefined;
    if (block.output === undefined) return block;
  }
  return undefined;
}

function scenes(blocks: readonly Block[]): Scene[] {
  const result: Scene[] = [];
  let background: Block[] = [];
  for (const block of blocks) {
    if (block.kind === "background") background.push(block);
    else {
      result.push({ background, foreground: block });
      background = [];
    }
  }
  assert.equal(background.length, 0, `${background[0]?.where}: a background block with no command after it`);
  return result;
}

/** Lines with what differs on every run (ports, times, durations) replaced by fixed words. */
export function normalise(text: string): string[] {
  const lines = text.replace(/\n$/, "").split("\n");
  return lines.map((line) =>
    line
      .replace(/\s+$/, "")
      .replace(/(127\.0\.0\.1|::1|localhost)(\]?:|', )\d+/g, "$1$2PORT")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "TIME")
      .replace(/\b\d+(\.\d+)? ?ms\b/g, "N ms"),
  );
}

function lineMatches(expected: string, actual: string): boolean {
  if (!expected.includes("...")) return expected === actual;
  const pattern = expected
    .split("...")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(actual);
}

/** Whether `actual` lines fit `expected` lines, where a `...` line stands for any number of lines. */
export function outputMatches(expected: readonly string[], actual: readonly string[]): boolean {
  const fits = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e] === "...") {
      for (let skip = a; skip <= actual.length; skip++) if (fits(e + 1, skip)) return true;
      return false;
    }
    return a < actual.length && lineMatches(expected[e]!, actual[a]!) && fits(e + 1, a + 1);
  };
  return fits(0, 0);
}

/** One scene's ports, processes and language. */
class SceneRun {
  readonly ports = new Map<number, number>();
  readonly started: Running[] = [];
  /** Where the lesson's /tmp/ paths go: a fresh directory per scene, removed when it ends. */
  readonly tmp = mkdtempSync(join(tmpdir(), "enchufe-lesson-"));
  constructor(readonly lang: "es" | "en") {}

  async port(lessonPort: number): Promise<number> {
    let port = this.ports.get(lessonPort);
    if (port === undefined) {
      port = await freePort();
      this.ports.set(lessonPort, port);
    }
    return port;
  }

  /** The command as this machine runs it: free ports, the built enchufe, tsx without npx. */
  async rewrite(command: string): Promise<string> {
    let line = command;
    for (const match of new Set(line.match(/\b50\d\d\b/g) ?? [])) {
      line = line.replace(new RegExp(`\\b${match}\\b`, "g"), String(await this.port(Number(match))));
    }
    const port = await this.port(5000);
    line = line.replace(
      /\bnpx enchufe (server|servidor)\b(?![^|;&]*(--port|-p) )/g,
      `npx enchufe $1 --port ${port}`,
    );
    return line
      .replace(/(^|[\s='"])\/tmp\//g, `$1${this.tmp}/`)
      .replace(/\bnpx enchufe\b/g, `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`)
      .replace(/\bnpx tsx\b/g, `${JSON.stringify(process.execPath)} --import tsx`);
  }

  /** Printed output with the free ports turned back into the lesson's numbers. */
  lessonOutput(text: string): string {
    let result = text.replaceAll(`${this.tmp}/`, "/tmp/");
    for (const [lessonPort, port] of this.ports) {
      result = result.replace(new RegExp(`\\b${port}\\b`, "g"), String(lessonPort));
    }
    return result;
  }

  async start(command: string): Promise<Running> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ENCHUFE_LANG: this.lang,
      PORT: String(await this.port(5000)),
      ENCHUFE_PORT: String(await this.port(5000)),
      PYTHONUNBUFFERED: "1",
      NO_COLOR: "1",
      PATH: PATH_WITH_PYTHON,
    };
    delete env.ENCHUFE_URL;
    delete env.ENCHUFE_HOST;
    const script = `set -o pipefail\nexec 2>&1\n${await this.rewrite(command)}`;
    const child = spawn("bash", ["-c", script], { cwd: ROOT, env, stdio: "pipe", detached: true });
    child.stdin.end();
    const run = new Running(child as ChildProcessWithoutNullStreams);
    this.started.push(run);
    return run;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.map(stopGroup));
  }

  check(block: Block, printed: string): void {
    if (block.output === undefined) return;
    const actual = normalise(this.lessonOutput(printed));
    const expected = normalise(block.output.join("\n"));
    assert.ok(
      outputMatches(expected, actual),
      `${block.where}: the output differs from the lesson's\n--- lesson\n${expected.join("\n")}\n--- printed\n${actual.join("\n")}`,
    );
  }
}

async function runScene(scene: Scene, lang: "es" | "en"): Promise<void> {
  const run = new SceneRun(lang);
  try {
    const servers: Running[] = [];
    for (const block of scene.background) {
      const server = await run.start(block.commands[0]!);
      await server.waitFor(/\S/, "stdout", COMMAND_TIMEOUT_MS);
      servers.push(server);
    }
    const { foreground } = scene;
    let printed = "";
    for (const [index, command] of foreground.commands.entries()) {
      const process_ = await run.start(command);
      const timer = setTimeout(() => void stopGroup(process_), COMMAND_TIMEOUT_MS);
      const end = await process_.done;
      clearTimeout(timer);
      const want = index === foreground.commands.length - 1 ? foreground.exit : 0;
      assert.equal(end.code, want, `${foreground.where}: \`${command}\` exited ${end.code}\n${end.stdout}`);
      printed += end.stdout;
    }
    run.check(foreground, printed);
    for (const [index, block] of scene.background.entries()) {
      const server = servers[index]!;
      if (block.endsByItself) {
        const timer = setTimeout(() => void stopGroup(server), COMMAND_TIMEOUT_MS);
        const end = await server.done;
        clearTimeout(timer);
        assert.equal(
          end.code,
          0,
          `${block.where}: \`${block.commands[0]}\` exited ${end.code}\n${end.stdout}`,
        );
      }
      run.check(block, (await stopGroup(server)).stdout);
    }
  } finally {
    await run.stopAll();
    rmSync(run.tmp, { recursive: true, force: true });
  }
}

function lessons(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((name) => /^\d\d-.*\.md$/.test(name))
    .sort();
}

const parsed = new Map<string, Block[]>();
function blocksOf(file: string): Block[] {
  let blocks = parsed.get(file);
  if (blocks === undefined) {
    blocks = parseBlocks(file, readFileSync(join(ROOT, file), "utf8"));
    parsed.set(file, blocks);
  }
  return blocks;
}

after(() => parsed.clear());

describe("the lesson runner's own rules", () => {
  test("output - `...` lines match any number of lines, `...` in a line any text", () => {
    assert.ok(outputMatches(["a", "...", "d"], ["a", "b", "c", "d"]));
    assert.ok(outputMatches(["a", "...", "b"], ["a", "b"]));
    assert.ok(outputMatches(["hola ... mundo"], ["hola querido mundo"]));
    assert.ok(!outputMatches(["a", "c"], ["a", "b"]));
    assert.ok(!outputMatches(["a"], ["a", "b"]));
    assert.ok(!outputMatches(["hola ... mundo"], ["adiós mundo"]));
  });

  test("output - ports, times and durations are normalised", () => {
    assert.deepEqual(normalise("desde ('127.0.0.1', 53422)\n127.0.0.1:1234 -> ::1:99\n"), [
      "desde ('127.0.0.1', PORT)",
      "127.0.0.1:PORT -> ::1:PORT",
    ]);
    assert.deepEqual(normalise("2026-12-02T06:00:00.123Z en 12.5 ms  "), ["TIME en N ms"]);
  });

  test("markers - an output attaches to the block before it; a background block needs a command after", () => {
    const text = [
      "<!-- runnable in the background -->",
      "```bash",
      "python3 s.py",
      "```",
      "<!-- output -->",
      "```",
      "hola",
      "```",
      "<!-- runnable, exits 1 -->",
      "```bash",
      "# a comment",
      "python3 c.py",
      "```",
    ].join("\n");
    const blocks = parseBlocks("x.md", text);
    assert.deepEqual(
      blocks.map((block) => [block.kind, block.commands, block.exit, block.output]),
      [
        ["background", ["python3 s.py"], 0, ["hola"]],
        ["foreground", ["python3 c.py"], 1, undefined],
      ],
    );
    assert.throws(() => scenes(blocks.slice(0, 1)), /a background block with no command after it/);
    assert.throws(() => parseBlocks("x.md", "<!-- output -->\n```\nx\n```"), /no runnable block/);
    const twoOutputs = [
      ...text.split("\n"),
      "<!-- output -->",
      "```",
      "adiós",
      "```",
      "<!-- output -->",
      "```",
      "x",
      "```",
    ];
    assert.throws(() => parseBlocks("x.md", twoOutputs.join("\n")), /no runnable block \(without one\)/);
  });
});

describe("the twins run the same commands", () => {
  const english = new Map(lessons("docs/learn").map((name) => [name.slice(0, 2), name]));
  for (const name of lessons("docs/aprende")) {
    test(`docs/aprende/${name} and its English twin`, () => {
      const twin = english.get(name.slice(0, 2));
      assert.ok(twin !== undefined, `docs/learn has no lesson ${name.slice(0, 2)}`);
      const commands = (file: string) =>
        blocksOf(file).map((block) => [
          block.kind,
          block.exit,
          block.endsByItself,
          block.commands.map((command) => command.replace(/\s+#.*$/, "")),
        ]);
      assert.deepEqual(commands(`docs/learn/${twin}`), commands(`docs/aprende/${name}`));
    });
  }
});

describe("the lessons' runnable blocks run as written", { concurrency: 2 }, () => {
  for (const { dir, lang } of LESSON_DIRS) {
    for (const name of lessons(dir)) {
      const file = `${dir}/${name}`;
      describe(file, () => {
        test("has runnable blocks", () => assert.ok(blocksOf(file).length > 0, `${file} runs nothing`));
        for (const scene of scenes(blocksOf(file))) {
          const label = [...scene.background, scene.foreground].map((block) => block.where.split(":")[1]);
          test(`${file}:${label.join("+")}`, () => runScene(scene, lang));
        }
      });
    }
  }
});
