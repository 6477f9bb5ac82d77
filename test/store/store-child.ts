/**
 * A child process for the crash tests (test/store/crash.test.ts), run with `node --import tsx`:
 * - `ack DIR FSYNC`: appends 20 messages a turn (in batches) (payload `m<position>`) and prints `acked N` once each
 *   turn is committed, until it is killed;
 * - `full DIR`: appends until a commit fails (run under a file size limit), then prints one JSON line:
 *   the last acknowledged position, the error's code and reason, what a read still returns, and what a
 *   second append after the failure gets.
 */
import { isEnchufeError } from "../../src/errors.js";
import { openFileHistoryStore, parseFsyncPolicy } from "../../src/store/index.js";

const [mode, directory, fsync] = process.argv.slice(2);
const { store } = await openFileHistoryStore({
  directory: directory!,
  fsync: parseFsyncPolicy(fsync ?? "never"),
  segmentBytes: 1024 * 1024,
  maxBytes: 1024 * 1024 * 1024,
  perTopic: 1_000_000,
});

/** 20 messages: a batch of 5 on each of 4 topics (payload `m<position>`). */
function appendTurn(): void {
  for (let topic = 0; topic < 4; topic++) {
    const first = store.stats.nextPosition;
    const payloads = [0, 1, 2, 3, 4].map((i) => Buffer.from(`m${first + i}`.padEnd(100, ".")));
    store.appendBatch(`load.${topic}`, "child", payloads);
  }
}

if (mode === "ack") {
  for (;;) {
    appendTurn();
    process.stdout.write(`acked ${await store.committed()}\n`);
  }
} else {
  let acked = 0;
  let failure: unknown;
  while (failure === undefined) {
    appendTurn();
    try {
      acked = await store.committed();
    } catch (error) {
      failure = error;
    }
  }
  appendTurn();
  const retry = await store.committed().then(
    () => "acknowledged",
    (error: unknown) => (isEnchufeError(error) ? error.code : String(error)),
  );
  const read = store.read(">", { from: 1 });
  const code = isEnchufeError(failure) ? failure.code : String(failure);
  const reason = isEnchufeError(failure) ? failure.details.reason : undefined;
  const last = read.messages.at(-1)?.position;
  process.stdout.write(
    `${JSON.stringify({ acked, code, reason, retry, read: read.messages.length, last })}\n`,
  );
  await store.close();
}
