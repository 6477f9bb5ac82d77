import assert from "node:assert/strict";
import { appendFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { connect } from "../../src/client/client.js";
import { enchufe, runEnchufe, stopAll } from "../helpers/cli.js";
import { TextClient } from "../helpers/framed.js";
import { powerLossEnv } from "../helpers/power-loss.js";

async function person(port: number, nick: string): Promise<TextClient> {
  const { client } = await TextClient.connect(port);
  client.send(`/nick ${nick}`);
  await client.nextStarting("* you are now");
  return client;
}

describe("enchufe server --data: the history survives a crash", () => {
  const dirs: string[] = [];
  after(async () => {
    await stopAll();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test("server --data - kill -9, restart: the room's lines are read back and /history shows them; a torn tail is cut and reported", async () => {
    const dir = await mkdtemp(join(tmpdir(), "enchufe-history-"));
    dirs.push(dir);
    const first = enchufe(["server", "--port", "0", "--data", dir, "--lang", "en"]);
    const port = await first.port();
    const ana = await person(port, "ana");
    const beto = await person(port, "beto");
    for (const line of ["uno", "dos", "tres"]) ana.send(line);
    // Delivered means written (the server sends a line only once the history has it).
    for (const word of ["uno", "dos", "tres"])
      assert.equal(await beto.nextStarting("[general]"), `[general] ana: ${word}`);
    ana.close();
    beto.close();
    const killed = await first.stop("SIGKILL");
    assert.equal(killed.signal, "SIGKILL");
    // A crash in the middle of a write leaves half a record at the end of the segment.
    const [segment] = (await readdir(dir)).filter((name) => name.endsWith(".log"));
    assert.ok(segment !== undefined);
    await appendFile(join(dir, segment), Buffer.from([0, 0, 0, 40, 1, 2, 3]));
    const second = enchufe(["server", "--port", "0", "--data", dir, "--lang", "en"]);
    const again = await second.port();
    await second.waitFor(/History in .*: 3 messages kept of 3 read/, "stderr");
    await second.waitFor(/ended with a half-written record .*7 bytes\): cut off/, "stderr");
    await second.waitFor(/process \d+, which used .* is gone/, "stderr");
    const cleo = await person(again, "cleo");
    cleo.send("/history");
    assert.equal(await cleo.nextStarting("* history of"), "* history of general (3):");
    for (const word of ["uno", "dos", "tres"])
      assert.match(await cleo.nextStarting("[general "), new RegExp(`ana: ${word}$`));
    cleo.close();
    assert.equal((await second.stop("SIGTERM")).code, 0);
  });

  test("server --fsync without --data is a usage error; --fsync with a bad policy says what it takes", async () => {
    const lonely = await runEnchufe(["server", "--port", "0", "--fsync", "always", "--lang", "en"]);
    assert.equal(lonely.code, 2);
    assert.match(lonely.stderr, /--fsync only makes sense with --data DIR/);
    const dir = await mkdtemp(join(tmpdir(), "enchufe-history-"));
    dirs.push(dir);
    const bad = await runEnchufe([
      "server",
      "--port",
      "0",
      "--data",
      dir,
      "--fsync",
      "sometimes",
      "--lang",
      "en",
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fsync: .*"always", "never" or a number of milliseconds/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });

  test("server --history 0 keeps nothing: /history says so and an acknowledged publish has position 0", async () => {
    const running = enchufe(["server", "--port", "0", "--history", "0", "--lang", "en"]);
    const port = await running.port();
    const client = await connect({ port, reconnect: false });
    assert.deepEqual(await client.publishAcked("general", "x"), { position: 0, duplicate: false });
    await client.close();
    const ana = await person(port, "ana");
    ana.send("/history");
    assert.equal(await ana.nextStarting("* "), "* this server keeps no history");
    ana.close();
    assert.equal((await running.stop("SIGTERM")).code, 0);
  });

  /**
   * 32 lanes of acknowledged publishes until the server is killed (SIGKILL) under them, then a restart:
   * what was acknowledged, and what the restarted server kept (checked in order).
   */
  async function killDuringAckedPublishes(
    fsync: string,
    powerLoss: boolean,
  ): Promise<{ acked: string[]; lost: string[] }> {
    const dir = await mkdtemp(join(tmpdir(), "enchufe-acked-"));
    dirs.push(dir);
    const first = enchufe(["server", "--port", "0", "--data", dir, "--fsync", fsync, "--lang", "en"], {
      ...(powerLoss ? { env: powerLossEnv(dir) } : {}),
    });
    const port = await first.port();
    const client = await connect({ port, reconnect: false, name: "sensor" });
    client.on("error", () => {});
    const acked: string[] = [];
    let stop = false;
    // 32 in flight at a time, until the server dies under them.
    const publisher = async (lane: number) => {
      for (let i = 0; !stop; i++) {
        const payload = `${lane}-${i}`;
        try {
          await client.publishAcked("sensor.readings", payload);
          acked.push(payload);
        } catch {
          return;
        }
      }
    };
    const lanes = Array.from({ length: 32 }, (_, lane) => publisher(lane));
    while (acked.length < 2000) await new Promise((resolve) => setImmediate(resolve));
    const killed = await first.stop("SIGKILL");
    assert.equal(killed.signal, "SIGKILL");
    stop = true;
    await Promise.all(lanes);
    await client.close();
    const second = enchufe(["server", "--port", "0", "--data", dir, "--history", "100000", "--lang", "en"]);
    const again = await second.port();
    const reader = await connect({ port: again, reconnect: false });
    const kept = await reader.history("sensor.readings", { last: 100_000 });
    await reader.close();
    const keptPayloads = kept.messages.map((m) => Buffer.from(m.payload).toString("utf8"));
    const keptSet = new Set(keptPayloads);
    // In order: each lane's messages appear in the order it published them, positions grow.
    const lastOfLane = new Map<string, number>();
    for (const payload of keptPayloads) {
      const [lane, i] = payload.split("-");
      assert.ok((lastOfLane.get(lane!) ?? -1) < Number(i), `lane ${lane} out of order at ${i}`);
      lastOfLane.set(lane!, Number(i));
    }
    assert.ok(kept.messages.every((m, i) => i === 0 || m.position > kept.messages[i - 1]!.position));
    assert.equal((await second.stop("SIGTERM")).code, 0);
    return { acked, lost: acked.filter((payload) => !keptSet.has(payload)) };
  }

  for (const fsync of ["1000", "always"]) {
    test(`server --data --fsync ${fsync} - kill -9 during a stream of acknowledged publishes: every acknowledged one is kept, in order`, async () => {
      const { acked, lost } = await killDuringAckedPublishes(fsync, false);
      assert.deepEqual(lost.slice(0, 5), [], `${lost.length} of ${acked.length} acknowledged messages lost`);
    });
  }

  test("server --data --fsync always - a machine crash right after the acks (unsynced writes lost): every acknowledged one is kept", async () => {
    const { acked, lost } = await killDuringAckedPublishes("always", true);
    assert.deepEqual(lost.slice(0, 5), [], `${lost.length} of ${acked.length} acknowledged messages lost`);
  });

  test("server --data --fsync never - the same crash loses acknowledged messages, as --help says it may", async () => {
    // The control: the simulated crash does drop what was not synced (with never, nothing is).
    const { acked, lost } = await killDuringAckedPublishes("never", true);
    assert.ok(lost.length > 0, `all ${acked.length} acknowledged messages survived a crash without fsync`);
  });
});
