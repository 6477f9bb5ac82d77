/**
 * The bench's load generator must see loss and reordering when they happen, or its zero-loss figures mean
 * nothing: it is run briefly against tiny in-test line servers that drop, reorder, or faithfully forward lines.
 * Its WebSocket subscribers (--ws 1) are checked against a real enchufe server.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildLoadgen, type LoadgenResult, runLoadgen } from "../../bench/loadgen.js";
import { ProcessRegistry } from "../../bench/proc.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { createServer as createEnchufe } from "../../src/server/server.js";
import { startServer } from "../websocket/helpers.js";

/** Decides which of a chunk's complete lines are forwarded, in which order; `first` is the first line's index. */
type Forward = (lines: Buffer[], first: number) => Buffer[];

interface LineServer {
  readonly port: number;
  close(): Promise<void>;
}

/** A line-broadcast server on port 0: the complete lines of each chunk go through `forward` to the others. */
function lineServer(forward: Forward): Promise<LineServer> {
  const peers = new Set<Socket>();
  let index = 0;
  const server: Server = createServer((socket) => {
    peers.add(socket);
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const lines: Buffer[] = [];
      let newline = pending.indexOf(10);
      while (newline >= 0) {
        lines.push(pending.subarray(0, newline + 1));
        pending = pending.subarray(newline + 1);
        newline = pending.indexOf(10);
      }
      const out = Buffer.concat(forward(lines, index));
      index += lines.length;
      for (const peer of peers) if (peer !== socket) peer.write(out);
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => peers.delete(socket));
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const peer of peers) peer.destroy();
      server.close(() => resolve());
    });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ port: typeof address === "object" && address !== null ? address.port : 0, close });
    });
  });
}

const faithful: Forward = (lines) => lines;
const dropsOneIn50: Forward = (lines, first) => lines.filter((_line, i) => (first + i) % 50 !== 49);
/** Swaps a line with the next one of the same chunk, once every 40 lines. */
const swapsOneIn40: Forward = (lines, first) => {
  const out = [...lines];
  for (let i = 0; i + 1 < out.length; i++) {
    if ((first + i) % 40 === 39) {
      const here = out[i];
      const next = out[i + 1];
      if (here !== undefined && next !== undefined) [out[i], out[i + 1]] = [next, here];
      i++;
    }
  }
  return out;
};

describe("bench load generator", () => {
  const registry = new ProcessRegistry();
  const servers: LineServer[] = [];
  let binary = "";
  let buildDir = "";

  before(() => {
    // Fails with "the load generator needs a C compiler ..." when cc is missing (CI has gcc).
    buildDir = mkdtempSync(join(tmpdir(), "enchufe-loadgen-"));
    binary = buildLoadgen(process.env.CC ?? "cc", join(buildDir, "loadgen"));
  });

  after(async () => {
    await registry.stopAll(500);
    for (const server of servers) await server.close();
    if (buildDir !== "") rmSync(buildDir, { recursive: true, force: true });
  });

  /** A short fanout run of 3 subscribers and 1 publisher against `port` (`extra`: --proto and more). */
  function fanout(port: number, extra: readonly string[]): Promise<LoadgenResult> {
    const args = [
      ...["--mode", "fanout", "--port", String(port), "--subs", "3", "--pubs", "1", "--size", "64"],
      ...["--window", "64", "--warmup", "0.1", "--duration", "0.4", "--drain", "3", ...extra],
    ];
    return runLoadgen({ binary, prefix: [], args, timeoutMs: 30_000 }, registry);
  }

  async function against(forward: Forward): Promise<LoadgenResult> {
    const server = await lineServer(forward);
    servers.push(server);
    const result = await fanout(server.port, ["--proto", "text"]);
    await server.close();
    return result;
  }

  test("loadgen - reports zero loss and zero reordering from a faithful forwarder", async () => {
    const result = await against(faithful);
    assert.equal(result.ok, true, result.error);
    assert.ok(result.delivered > 0, "delivered something");
    assert.equal(result.loss, 0);
    assert.equal(result.reorder, 0);
    assert.ok(result.latency_us.count > 0 && result.latency_us.p50 > 0, "latency measured");
  });

  test("loadgen - reports loss on every subscriber when the server drops lines", async () => {
    const result = await against(dropsOneIn50);
    assert.equal(result.ok, true, result.error);
    assert.ok(result.loss > 0, `loss reported (${result.loss})`);
    assert.equal(result.subs_with_loss, 3);
    assert.ok(result.gaps > 0, "sequence gaps reported");
    assert.equal(result.reorder, 0);
  });

  test("loadgen - reports reordering (and no loss) when the server swaps lines", async () => {
    const result = await against(swapsOneIn40);
    assert.equal(result.ok, true, result.error);
    assert.ok(result.reorder > 0, `reordering reported (${result.reorder})`);
    assert.equal(result.subs_with_reorder, 3);
    assert.equal(result.loss, 0);
  });

  test("loadgen - --group: against enchufe each message reaches one member of the group, none lost", async () => {
    const server = createEnchufe({
      port: 0,
      handler: new MessagingHandler({ lang: "en" }),
      shutdownTimeoutMs: 500,
    });
    const { port } = await server.listen();
    try {
      const result = await fanout(port, ["--proto", "framed", "--group", "workers"]);
      assert.equal(result.ok, true, result.error);
      assert.ok(result.published > 0, "published something");
      assert.equal(result.loss, 0);
      assert.equal(result.reorder, 0);
      // Plain subscribers would get each message three times; a group's members get it once between them
      // (counted over the whole run: the window's own counts move with the backlog at its start).
      assert.ok(result.sent_total > 0);
      assert.equal(result.received_total, result.sent_total);
    } finally {
      await server.close();
    }
  });

  for (const proto of ["framed", "text"] as const) {
    test(`loadgen - --ws 1: ${proto === "framed" ? "enchufe.v1" : "enchufe.text"} subscribers get every message from a real server`, async () => {
      const server = await startServer({ floodBurstLines: 0 });
      try {
        const result = await fanout(server.port, ["--proto", proto, "--ws", "1", "--await-reply", "1"]);
        assert.equal(result.ok, true, result.error);
        assert.ok(result.delivered > 0, "delivered something");
        assert.equal(result.loss, 0);
        assert.equal(result.reorder, 0);
        // The subscribers came over WebSocket; the publisher over TCP.
        assert.equal(server.handler.stats().connections.total.websocket, 3);
      } finally {
        await server.close();
      }
    });
  }
});
