/**
 * scripts/install-test-deps.sh, run the way `npm test` runs it, on a PATH built for each case: stub
 * programs stand for the commands that are "present", and the one left out is "missing". The non-root
 * case is real: as root the script runs as `nobody` through setpriv.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

const SCRIPTS = fileURLToPath(new URL("../../scripts/", import.meta.url));
/** What the script checks for, minus tmux: the command every case below leaves out. */
const PRESENT = ["python3", "openssl", "redis-server", "ip", "cc", "chromium"];
/** Real programs the script itself runs. */
const TOOLS = ["bash", "dirname", "id"];
const NOBODY = 65534;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function which(name: string): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  throw new Error(`${name} is not on PATH`);
}

let root = "";

before(() => {
  root = mkdtempSync(join(tmpdir(), "enchufe-install-deps-"));
  // Readable by `nobody`: the non-root case runs the copied scripts as that user.
  chmodSync(root, 0o755);
  mkdirSync(join(root, "scripts"), { mode: 0o755 });
  for (const file of ["install-test-deps.sh", "ensure-commands.sh"]) {
    copyFileSync(join(SCRIPTS, file), join(root, "scripts", file));
    chmodSync(join(root, "scripts", file), 0o644);
  }
  // Where a stub apt-get leaves a mark if it is ever called; writable by `nobody`.
  mkdirSync(join(root, "marks"), { mode: 0o777 });
  chmodSync(join(root, "marks"), 0o777);
});

after(() => rmSync(root, { recursive: true, force: true }));

/** A directory for PATH holding the script's tools, a stub for each of `present`, and an apt-get stub if asked. */
function binDir(name: string, present: readonly string[], withAptGet: boolean): string {
  const dir = join(root, name);
  mkdirSync(dir, { mode: 0o755 });
  for (const tool of TOOLS) symlinkSync(which(tool), join(dir, tool));
  for (const command of present) writeFileSync(join(dir, command), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  if (withAptGet) {
    writeFileSync(join(dir, "apt-get"), `#!/bin/sh\necho "$@" >> ${join(root, "marks", name)}\nexit 1\n`, {
      mode: 0o755,
    });
  }
  return dir;
}

/** Runs the install script with PATH = `dir` only; `asNobody` drops root first when the test runs as root. */
function run(dir: string, asNobody: boolean): Promise<Outcome> {
  const script = join(root, "scripts", "install-test-deps.sh");
  const bash = which("bash");
  const dropRoot = asNobody && process.getuid?.() === 0;
  const [file, args] = dropRoot
    ? [which("setpriv"), [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--", bash, script]]
    : [bash, [script]];
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(file, args, { env: { PATH: dir }, cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

function assertOneLineNamingTmux(outcome: Outcome, reason: RegExp): void {
  assert.notEqual(outcome.code, 0, "exit status");
  assert.equal(outcome.stdout, "", "nothing on stdout");
  const lines = outcome.stderr.split("\n").filter((line) => line !== "");
  assert.equal(lines.length, 1, `exactly one line on stderr, got: ${outcome.stderr}`);
  assert.match(lines[0] ?? "", /^install-test-deps: missing tmux \(Debian packages: tmux\); /);
  assert.match(lines[0] ?? "", reason);
  // "At once": no package download, no retry loop; generous for a loaded 2-core machine.
  assert.ok(outcome.ms < 10_000, `took ${outcome.ms} ms`);
}

test("install-test-deps - without apt-get, a missing command stops it at once with one line naming its package", async () => {
  const outcome = await run(binDir("no-apt-get", PRESENT, false), false);
  const reason = process.getuid?.() === 0 ? /no apt-get here/ : /not root/;
  assertOneLineNamingTmux(outcome, reason);
});

test("install-test-deps - not root, a missing command stops it at once with one line, and apt-get is never called", async () => {
  const dir = binDir("not-root", PRESENT, true);
  const outcome = await run(dir, true);
  assertOneLineNamingTmux(outcome, /not root, so not installing: .*apt-get install tmux\)$/);
  assert.equal(existsSync(join(root, "marks", "not-root")), false, "apt-get was called");
});

test("install-test-deps - with every command present it succeeds without calling apt-get, even as root", async () => {
  const dir = binDir("all-present", [...PRESENT, "tmux"], true);
  const outcome = await run(dir, false);
  assert.equal(outcome.code, 0, outcome.stderr);
  assert.equal(
    outcome.stdout,
    "install-test-deps: python3 openssl tmux redis-server ip cc chromium present\n",
  );
  assert.equal(existsSync(join(root, "marks", "all-present")), false, "apt-get was called");
});
