/**
 * The import rules of `npm run lint:imports` (.dependency-cruiser.mjs), run by scripts/lint-imports.mjs
 * over small source trees written for each case: one breaking every rule, one keeping them all.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const LINT_IMPORTS = fileURLToPath(new URL("../../scripts/lint-imports.mjs", import.meta.url));
const roots: string[] = [];

after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (path -> source) into a new directory and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "enchufe-import-rules-"));
  roots.push(root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

/** Runs the import check in `root`; resolves with its exit code and the "rule from" of each violation. */
function check(root: string): Promise<{ code: number; violations: string[]; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LINT_IMPORTS], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      const violations = [...stdout.matchAll(/^\s*error (\S+): (\S+) →(?: (\S+))?/gm)].map((match) =>
        [match[1], match[2], match[3]].filter((part) => part !== undefined).join(" "),
      );
      resolve({ code, violations: violations.sort(), output: stdout + stderr });
    });
  });
}

const COMMON = {
  "src/errors.ts": "export const ERROR = 1;\n",
  "src/i18n/cli.ts": "export const cli = { help: 'help' };\n",
};

test("lint:imports - reports a cycle, a protocol I/O import, an import of the CLI, routing coupling and the CLI catalogue in the library", async () => {
  const root = tree({
    ...COMMON,
    "src/a.ts": "import { b } from './b.js';\nexport const a = () => b;\n",
    "src/b.ts": "import type { a } from './a.js';\nexport const b = 1 as unknown as typeof a;\n",
    "src/protocol/codec.ts":
      "import { connect } from 'node:net';\nimport { ERROR } from '../errors.js';\nexport { connect, ERROR };\n",
    "src/cli/main.ts": "export const main = 1;\n",
    "src/library.ts": "import { main } from './cli/main.js';\nexport const library = main;\n",
    "src/i18n/index.ts": "import { cli } from './cli.js';\nexport const catalogue = { cli };\n",
    "src/server/text-session.ts": "export const session = 1;\n",
    "src/server/cluster.ts": "export const cluster = 1;\n",
    "src/server/bus/redis.ts": "export const bus = 1;\n",
    "src/server/routing/router.ts": [
      "import { session } from '../text-session.js';",
      "import { cluster } from '../cluster.js';",
      "import { bus } from '../bus/redis.js';",
      "import { catalogue } from '../../i18n/index.js';",
      "export const router = [session, cluster, bus, catalogue];",
      "",
    ].join("\n"),
  });
  const { code, violations, output } = await check(root);
  assert.notEqual(code, 0, output);
  // The a <-> b cycle is reported once, from whichever end the cruiser starts at.
  assert.ok(
    violations.some((violation) => /^no-cycles src\/[ab]\.ts$/.test(violation)),
    output,
  );
  assert.deepEqual(
    violations.filter((violation) => !violation.startsWith("no-cycles ")),
    [
      "cli-only-from-cli src/library.ts src/cli/main.ts",
      "library-never-loads-the-cli-catalogue src/server/routing/router.ts src/i18n/cli.ts",
      "protocol-imports-only-errors src/protocol/codec.ts net",
      "routing-knows-no-session-cluster-bus-or-text src/server/routing/router.ts src/i18n/index.ts",
      "routing-knows-no-session-cluster-bus-or-text src/server/routing/router.ts src/server/bus/redis.ts",
      "routing-knows-no-session-cluster-bus-or-text src/server/routing/router.ts src/server/cluster.ts",
      "routing-knows-no-session-cluster-bus-or-text src/server/routing/router.ts src/server/text-session.ts",
    ].sort(),
    output,
  );
});

test("lint:imports - passes a tree whose protocol imports only errors and node:buffer and whose CLI alone loads its catalogue", async () => {
  const root = tree({
    ...COMMON,
    "src/protocol/codec.ts":
      "import { isUtf8 } from 'node:buffer';\nimport { ERROR } from '../errors.js';\nexport { isUtf8, ERROR };\n",
    "src/server/routing/router.ts":
      "import { ERROR } from '../../errors.js';\nimport { isUtf8 } from '../../protocol/codec.js';\nexport const router = [ERROR, isUtf8];\n",
    "src/cli/main.ts":
      "import { cli } from '../i18n/cli.js';\nimport { router } from '../server/routing/router.js';\nexport const main = [cli, router];\n",
  });
  const { code, violations, output } = await check(root);
  assert.deepEqual(violations, [], output);
  assert.equal(code, 0, output);
});

test("lint:imports - the chat state stays pure and the browser code reaches no server, transport, CLI or Node module", async () => {
  const bad = tree({
    ...COMMON,
    "src/server/web.ts": "export const web = 1;\n",
    "src/i18n/index.ts": "export const t = 1;\n",
    "src/chat/tracker.ts":
      "import { readFileSync } from 'node:fs';\nimport { web } from '../server/web.js';\nexport const tracker = [readFileSync, web];\n",
    "src/web/chat/main.ts": [
      "import { connect } from 'node:net';",
      "import { web } from '../../server/web.js';",
      "import { t } from '../../i18n/index.js';",
      "export const page = [connect, web, t];",
      "",
    ].join("\n"),
  });
  const failed = await check(bad);
  assert.notEqual(failed.code, 0, failed.output);
  assert.deepEqual(
    failed.violations,
    [
      "chat-state-is-pure src/chat/tracker.ts fs",
      "chat-state-is-pure src/chat/tracker.ts src/server/web.ts",
      "web-runs-in-a-browser src/web/chat/main.ts src/i18n/index.ts",
      "web-runs-in-a-browser src/web/chat/main.ts src/server/web.ts",
      "web-uses-no-node-module src/web/chat/main.ts net",
    ].sort(),
    failed.output,
  );
  const good = tree({
    ...COMMON,
    "src/i18n/lang.ts": "export const LANGS = ['es', 'en'];\n",
    "src/i18n/server.ts": "export const server = {};\n",
    "src/i18n/web-chat.ts": "export const webChat = {};\n",
    "src/client/options.ts": "export const backoff = 1;\n",
    "src/chat/tracker.ts":
      "import { LANGS } from '../i18n/lang.js';\nimport { server } from '../i18n/server.js';\nexport const tracker = [LANGS, server];\n",
    "src/web/chat/main.ts": [
      "import { tracker } from '../../chat/tracker.js';",
      "import { webChat } from '../../i18n/web-chat.js';",
      "import { backoff } from '../../client/options.js';",
      "export const page = [tracker, webChat, backoff];",
      "",
    ].join("\n"),
  });
  const passed = await check(good);
  assert.deepEqual(passed.violations, [], passed.output);
  assert.equal(passed.code, 0, passed.output);
});
