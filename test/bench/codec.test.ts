import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

test("bench/codec.ts - measures encode and decode of every sample frame type, a batch and lines (a tiny run)", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "bench/codec.ts", "--iterations", "50", "--repetitions", "1", "--json"],
    { cwd: ROOT, timeout: 60_000 },
  );
  const result = JSON.parse(stdout) as { rows: { operation: string; nsPerOp: number }[] };
  const operations = result.rows.map((row) => row.operation.replace(/ \(\d+ B\)$/, ""));
  for (const type of ["PUB", "MSG", "SUB", "REQ", "REQMSG", "RESPOND", "REPLY", "GMSG", "PING", "HELLO"]) {
    assert.ok(operations.includes(`encode ${type}`), `encode ${type} in ${operations}`);
    assert.ok(operations.includes(`decode ${type}`), `decode ${type}`);
  }
  assert.ok(operations.some((operation) => operation.startsWith("encodeMessages")));
  assert.ok(operations.some((operation) => operation.startsWith("LineDecoder")));
  for (const row of result.rows) assert.ok(Number.isFinite(row.nsPerOp) && row.nsPerOp > 0, row.operation);
});
