/**
 * The history from the command line, with real processes: `enchufe pub` waits for every acknowledgement
 * (and fails when one does not come: a full disk), `enchufe history`, and `enchufe sub` with a start
 * (--last, --since, --since-time), --show-position, and its notice when some of the history is gone.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";

const EN = { env: { ENCHUFE_LANG: "en" } };

async function server(args: string[] = [], under?: string[]) {
  const running = enchufe(["server", "--port", "0", "--lang", "en", ...args], {
    ...EN,
    ...(under && { under }),
  });
  return { running, port: String(await running.port()) };
}

describe("enchufe pub, sub and history: the history from the command line", () => {
  const dirs: string[] = [];
  after(async () => {
    await stopAll();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test("pub waits for the acknowledgements; history prints what was kept, oldest first, in text or JSON", async () => {
    const { running, port } = await server();
    const one = await runEnchufe(["pub", "notes", "hola", "--port", port], EN);
    assert.equal(one.code, 0, one.stderr);
    const lines = await runEnchufe(["pub", "notes", "--port", port], { ...EN, stdin: "uno\ndos\ntres\n" });
    assert.equal(lines.code, 0, lines.stderr);
    const all = await runEnchufe(["history", "notes", "--port", port], EN);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(
      all.stdout
        .trimEnd()
        .split("\n")
        .map((line) => line.replace(/^\[notes \d\d:\d\d\] /, "")),
      ["enchufe-pub: hola", "enchufe-pub: uno", "enchufe-pub: dos", "enchufe-pub: tres"],
    );
    const json = await runEnchufe(["history", "notes", "--last", "2", "--json", "--port", port], EN);
    const objects = json.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      objects.map((o) => [o.payload, o.position]),
      [
        ["dos", 3],
        ["tres", 4],
      ],
    );
    assert.ok(objects.every((o) => typeof o.time === "number"));
    const none = await runEnchufe(["history", "empty.room", "--port", port], EN);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, "");
    assert.match(none.stderr, /Nothing in the history of empty\.room/);
    await running.stop();
  });

  test("sub --last N --show-position: the kept messages, then live ones, each with its position", async () => {
    const { running, port } = await server();
    await runEnchufe(["pub", "feed", "--port", port], { ...EN, stdin: "a\nb\nc\n" });
    const sub = enchufe(
      ["sub", "feed", "--last", "2", "--show-position", "--count", "3", "--port", port],
      EN,
    );
    await sub.waitFor(/#3 \[feed\] c/);
    await runEnchufe(["pub", "feed", "live", "--port", port], EN);
    const end = await sub.done;
    assert.equal(end.code, 0, end.stderr);
    assert.equal(end.stdout, "#2 [feed] b\n#3 [feed] c\n#4 [feed] live\n");
    await running.stop();
  });

  test("sub --since and --since-time start there; when some is gone, sub and history say so", async () => {
    const { running, port } = await server(["--history", "2"]);
    await runEnchufe(["pub", "t", "--port", port], { ...EN, stdin: "1\n2\n3\n4\n5\n" });
    const since = await runEnchufe(["sub", "t", "--since", "1", "--count", "2", "--port", port], EN);
    assert.equal(since.code, 0, since.stderr);
    assert.equal(since.stdout, "[t] 4\n[t] 5\n");
    assert.match(since.stderr, /Some of what was asked for is no longer in the history/);
    const history = await runEnchufe(["history", "t", "--since", "1", "--port", port], EN);
    assert.match(history.stderr, /Some of what was asked for is no longer in the history/);
    const byTime = await runEnchufe(
      ["sub", "t", "--since-time", "2000-01-01T00:00:00Z", "--count", "2", "--port", port],
      EN,
    );
    assert.equal(byTime.stdout, "[t] 4\n[t] 5\n");
    await running.stop();
  });

  test("sub's start flags: a bad time, two starts, or a start with --group are usage errors that say why", async () => {
    const badTime = await runEnchufe(["sub", "t", "--since-time", "yesterday"], EN);
    assert.equal(badTime.code, 2);
    assert.match(badTime.stderr, /I do not understand the time 'yesterday': write it in ISO 8601/);
    const two = await runEnchufe(["sub", "t", "--last", "1", "--since", "3"], EN);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /Options --last and --since cannot be used together/);
    const grouped = await runEnchufe(["sub", "t", "--last", "1", "--group", "w"], EN);
    assert.equal(grouped.code, 2);
    assert.match(grouped.stderr, /Options --last and --group cannot be used together/);
    const zero = await runEnchufe(["history", "t", "--last", "0"], EN);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /--last/);
  });

  test("a full disk (RLIMIT_FSIZE): pub fails with a clear error and exit 1, live delivery goes on, the server says why", async () => {
    const dir = await mkdtemp(join(tmpdir(), "enchufe-full-"));
    dirs.push(dir);
    // Each file of the history may grow to 64 KiB: the second big message does not fit.
    const { running, port } = await server(
      ["--data", dir, "--fsync", "always"],
      ["prlimit", "--fsize=65536"],
    );
    const sub = enchufe(["sub", "big", "--count", "2", "--raw", "--port", port], EN);
    await sub.waitFor(/Subscribed to big/, "stderr");
    const big = "x".repeat(40_000);
    const first = await runEnchufe(["pub", "big", big, "--port", port], EN);
    assert.equal(first.code, 0, first.stderr);
    const second = await runEnchufe(["pub", "big", big, "--port", port], EN);
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      /^enchufe: The server delivered the message to whoever was connected, but could not keep it/,
    );
    assert.doesNotMatch(second.stderr, /\n\s+at /, "no stack trace for an expected error");
    const delivered = await sub.done;
    assert.equal(delivered.stdout, `${big}\n${big}\n`, "the subscriber got both, live");
    await running.waitFor(/The history cannot write .*Free space in/, "stderr");
    const history = await runEnchufe(["history", "big", "--json", "--port", port], EN);
    assert.equal(history.stdout.trimEnd().split("\n").length, 1, "only the first one is kept");
    assert.equal((await running.stop()).code, 0);
  });
});
