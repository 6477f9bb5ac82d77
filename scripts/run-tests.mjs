// Runs every test file under test/ with node:test and fails when no test ran
// (Node 20 does not expand globs, and `node --test test/` silently runs nothing for .ts files).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests("test").sort();
if (files.length === 0) {
  console.error("run-tests: no test files found under test/");
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
const result = spawnSync(
  process.execPath,
  // A test that hangs fails after 2 minutes; the whole run is bounded at 20 minutes.
  [
    "--test",
    "--test-reporter=spec",
    `--test-concurrency=${concurrency}`,
    "--test-timeout=120000",
    "--import",
    "tsx",
    ...files,
  ],
  {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: 20 * 60 * 1000,
  },
);
process.stdout.write(result.stdout ?? "");
if (result.error !== undefined) console.error(`run-tests: ${result.error.message}`);
const passMatch = /ℹ pass (\d+)/.exec(result.stdout ?? "");
const passed = passMatch ? Number(passMatch[1]) : 0;
if (result.status === 0 && passed === 0) {
  console.error("run-tests: the test runner executed no test");
  process.exit(1);
}
process.exit(result.status ?? 1);
