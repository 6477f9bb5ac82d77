/** enchufe server's log: few writes for many lines, and no line later than COALESCE_MS. */
import assert from "node:assert/strict";
import { once } from "node:events";
import { Writable } from "node:stream";
import { test } from "node:test";
import { COALESCE_MS, ServerLog } from "../../src/cli/server-log.js";

/** A stream that keeps each write with the time it arrived. */
function recorder(): { out: Writable; writes: { text: string; at: number }[]; next: () => Promise<void> } {
  const writes: { text: string; at: number }[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push({ text: chunk.toString(), at: performance.now() });
      out.emit("wrote");
      done();
    },
  });
  return { out, writes, next: () => once(out, "wrote").then(() => undefined) };
}

const options = { timestamps: false, format: "text" } as const;

test("server log - a line after a quiet moment goes out at the end of its turn, with that turn's others", async () => {
  const { out, writes } = recorder();
  const log = new ServerLog(out, "en", options);
  log.connection("127.0.0.1:1");
  log.connection("127.0.0.1:2");
  assert.equal(writes.length, 0, "nothing is written inside the turn");
  // Immediates run in the order they were queued: the log's, queued first, has written by the time ours runs.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(writes.length, 1, "written at the end of the turn, not held back for the window");
  assert.equal(
    writes[0]!.text,
    "Connection established from 127.0.0.1:1\nConnection established from 127.0.0.1:2\n",
  );
});

test("server log - while lines keep coming, each write waits until COALESCE_MS after the last one", async () => {
  const { out, writes, next } = recorder();
  const log = new ServerLog(out, "en", options);
  log.connection("127.0.0.1:1");
  await next();
  // A burst: one line a turn, as a server accepting one connection a turn logs them.
  for (let i = 2; i <= 6; i++) {
    log.connection(`127.0.0.1:${i}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const lines = () => writes.reduce((sum, w) => sum + w.text.split("\n").length - 1, 0);
  while (lines() < 6) await next();
  assert.deepEqual(
    writes.flatMap((w) => w.text.split("\n").filter(Boolean)),
    [1, 2, 3, 4, 5, 6].map((i) => `Connection established from 127.0.0.1:${i}`),
  );
  // However slow the machine, no write follows the one before it sooner than the window (timers count
  // whole milliseconds from the loop's cached clock, so it may end up to ~2 ms early); a write per turn
  // would follow within microseconds.
  for (let i = 1; i < writes.length; i++) {
    const gap = writes[i]!.at - writes[i - 1]!.at;
    assert.ok(gap >= COALESCE_MS / 2, `write ${i + 1} came ${gap.toFixed(1)} ms after the one before`);
  }
});

test("server log - flush() writes what waits at once (a trace line must follow it)", () => {
  const { out, writes } = recorder();
  const log = new ServerLog(out, "es", options);
  log.connection("127.0.0.1:5000");
  log.flush();
  assert.deepEqual(
    writes.map((w) => w.text),
    ["Conexion establecida desde 127.0.0.1:5000\n"],
  );
  log.flush();
  assert.equal(writes.length, 1, "nothing twice");
});
