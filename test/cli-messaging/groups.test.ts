import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

after(stopAll);

describe("enchufe sub --group", () => {
  test("two workers of one queue group share the messages; a plain sub beside them gets all", async () => {
    const server = enchufe(["server", "--port", "0", "--lang", "en"]);
    const port = String(await server.port());
    const workers = [1, 2].map(() =>
      enchufe(["sub", "jobs", "--group", "workers", "--port", port, "--count", "3", "--lang", "en"]),
    );
    const plain = enchufe(["sub", "jobs", "--port", port, "--count", "6", "--lang", "en"]);
    for (const worker of workers) await worker.waitFor(/Subscribed to jobs in queue group workers/, "stderr");
    await plain.waitFor(/Subscribed to jobs\n/, "stderr");
    const pub = await runEnchufe(["pub", "jobs", "--port", port], { stdin: "a\nb\nc\nd\ne\nf\n" });
    assert.equal(pub.code, 0, pub.stderr);
    const got = await Promise.all(workers.map((worker) => worker.done));
    for (const end of got) assert.equal(end.code, 0, end.stderr);
    const lines = got.flatMap((end) => end.stdout.trimEnd().split("\n"));
    assert.deepEqual(lines.sort(), ["[jobs] a", "[jobs] b", "[jobs] c", "[jobs] d", "[jobs] e", "[jobs] f"]);
    assert.equal((await plain.done).stdout, "[jobs] a\n[jobs] b\n[jobs] c\n[jobs] d\n[jobs] e\n[jobs] f\n");
    await server.stop();
  });

  test("an invalid group name is a usage error (exit 2) before connecting", async () => {
    const end = await runEnchufe(["sub", "jobs", "--group", "two words", "--port", "1", "--lang", "en"]);
    assert.equal(end.code, 2);
    assert.match(end.stderr, /Queue group name 'two words' is not valid/);
    assert.doesNotMatch(end.stderr, /\n\s+at /, "no stack trace");
  });
});
