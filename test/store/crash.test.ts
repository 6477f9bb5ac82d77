/**
 * The file store under real failures, in child processes: `kill -9` while acknowledged appends stream
 * in (every acknowledged message is there after a reopen, in order), and a full disk through a file size
 * limit (`prlimit --fsize`, EFBIG: Node ignores SIGXFSZ, so the write fails instead of killing it):
 * the commit fails with ESTOREFULL, the store keeps serving what it has.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { afterEach, test } from "node:test";
import { fileURLToPath } from "node:url";
import { openFileHistoryStore } from "../../src/store/index.js";
import { Running } from "../helpers/cli.js";
import { temporaryDirectory, text } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./store-child.ts", import.meta.url));
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function start(command: string, args: string[]): Running {
  const run = new Running(spawn(command, args, { stdio: "pipe" }));
  cleanups.push(() => run.stop("SIGKILL"));
  return run;
}

function directory(): string {
  const made = temporaryDirectory();
  cleanups.push(made.remove);
  return made.path;
}

for (const fsync of ["1000", "always"]) {
  test(`kill -9 (fsync ${fsync}) - every acknowledged append is there after a reopen, in order`, async () => {
    const path = directory();
    const child = start(process.execPath, ["--import", "tsx", CHILD, "ack", path, fsync]);
    await child.waitFor(/acked (\d{4,})\n/, "stdout", 60_000);
    child.child.kill("SIGKILL");
    const finished = await child.done;
    assert.equal(finished.signal, "SIGKILL");
    const acked = Math.max(...[...finished.stdout.matchAll(/acked (\d+)\n/g)].map((m) => Number(m[1])));
    const { store, report } = await openFileHistoryStore({
      directory: path,
      perTopic: 1_000_000,
      maxBytes: 2 ** 30,
    });
    cleanups.push(() => store.close());
    assert.deepEqual(report.skipped, []);
    assert.equal(report.staleLock, child.child.pid, "the killed writer's lock is taken over");
    const messages = store.read(">", { from: 1 }).messages;
    assert.ok(messages.length >= acked, `${messages.length} kept, ${acked} acknowledged`);
    for (let position = 1; position <= acked; position++) {
      const message = messages[position - 1]!;
      assert.equal(message.position, position);
      assert.equal(text(message.payload).replace(/\.+$/, ""), `m${position}`);
    }
  });
}

const hasPrlimit = spawnSync("prlimit", ["--version"]).status === 0;

test("full disk (file size limit) - the commit fails with ESTOREFULL, reads go on", {
  skip: !hasPrlimit && "prlimit (util-linux) is not installed",
}, async () => {
  const path = directory();
  // 64 KiB for any file the child writes: its segment fills after about 500 records.
  const child = start("prlimit", ["--fsize=65536", process.execPath, "--import", "tsx", CHILD, "full", path]);
  const finished = await child.done;
  assert.equal(finished.code, 0, finished.stderr);
  const result = JSON.parse(finished.stdout.trim()) as Record<string, unknown>;
  assert.equal(result.code, "ESTOREFULL");
  assert.equal(result.reason, "EFBIG");
  assert.equal(result.retry, "ESTOREFULL", "the next append fails the same way, clearly");
  assert.equal(result.read, result.acked, "what was acknowledged is still served, and nothing more");
  assert.equal(result.last, result.acked);
  const { store, report } = await openFileHistoryStore({ directory: path, perTopic: 1_000_000 });
  cleanups.push(() => store.close());
  assert.deepEqual([report.skipped, report.truncated], [[], []]);
  assert.equal(store.read(">", { from: 1 }).messages.length, result.acked);
});
