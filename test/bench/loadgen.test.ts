/**
 * The bench's load generator must see loss and reordering when they happen, or its zero-loss figures mean
 * nothing: it is run briefly against tiny in-test line servers that drop, reorder, or faithfully forward lines.
 * Its WebSocket subscribers (--ws 1) are checked against a real enchufe server.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildLoadgen, type LoadgenResult, runLoadgen } from "../../bench/loadgen.js";
import { ProcessRegistry, stopChild } from "../../bench/proc.js";
import { MessagingHandler } from "../../src/server/messaging.js";
import { createServer as createEnchufe } from "../../src/server/server.js";
import { MemoryHistoryStore } from "../../src/store/index.js";
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
  return listenOnFreePort(server, peers);
}

/** Listens on 127.0.0.1 port 0; `close` destroys the server's sockets and closes it. */
function listenOnFreePort(server: Server, sockets: Set<Socket>): Promise<LineServer> {
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
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

interface StandIn {
  readonly port: number;
  created(): number;
  withoutMsgId(): number;
  close(): Promise<void>;
}

/**
 * Just enough of a JetStream server for the load generator: INFO, the stream-create request answered on its
 * reply subject, and each HPUB answered with a JetStream ack (or an error ack every `refuseEvery`).
 */
function jetstreamStandIn(options: { refuseEvery?: number; refuseCreate?: boolean }): Promise<StandIn> {
  let created = 0;
  let withoutMsgId = 0;
  let seq = 0;
  const sockets = new Set<Socket>();
  const answer = (socket: Socket, subject: string, json: string) =>
    socket.write(`MSG ${subject} 1 ${Buffer.byteLength(json)}\r\n${json}\r\n`);
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.write('INFO {"server_id":"stand-in","headers":true,"jetstream":true}\r\n');
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const eol = pending.indexOf("\r\n");
        if (eol < 0) return;
        const words = pending.subarray(0, eol).toString("latin1").split(" ");
        const sizes = words[0] === "PUB" ? 1 : words[0] === "HPUB" ? 2 : 0;
        const total = sizes === 0 ? 0 : Number(words[words.length - 1]);
        if (sizes > 0 && pending.length < eol + 2 + total + 2) return;
        const body = pending.subarray(eol + 2, eol + 2 + total).toString("latin1");
        pending = pending.subarray(sizes === 0 ? eol + 2 : eol + 2 + total + 2);
        const reply = words[2] ?? "";
        if (words[0] === "PING") socket.write("PONG\r\n");
        if (words[0] === "PUB" && words[1]?.startsWith("$JS.API.STREAM.CREATE.")) {
          created++;
          answer(
            socket,
            reply,
            options.refuseCreate ? '{"error":{"code":400,"description":"no"}}' : '{"config":{}}',
          );
        } else if (words[0] === "HPUB") {
          if (!body.includes("Nats-Msg-Id: ")) withoutMsgId++;
          seq++;
          const refused = options.refuseEvery !== undefined && seq % options.refuseEvery === 0;
          answer(socket, reply, refused ? '{"error":{"code":503}}' : `{"stream":"bench","seq":${seq}}`);
        }
      }
    });
  });
  return listenOnFreePort(server, sockets).then((listening) => ({
    ...listening,
    created: () => created,
    withoutMsgId: () => withoutMsgId,
  }));
}

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

  /** An enchufe server on port 0 with a memory history of `perTopic` messages a topic. */
  async function historyServer(perTopic: number) {
    const server = createEnchufe({
      port: 0,
      handler: new MessagingHandler({ lang: "en", history: new MemoryHistoryStore({ perTopic }) }),
      shutdownTimeoutMs: 500,
    });
    return { server, port: (await server.listen()).port };
  }

  test("loadgen - --mode request --proto resp: the node:net reference (ref-server.mjs echo) answers every ECHO", async () => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL("../../bench/ref-server.mjs", import.meta.url)), "echo", "0"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const [line] = (await once(child.stdout!, "data")) as [Buffer];
      const port = Number(/listening 127\.0\.0\.1:(\d+)/.exec(line.toString())?.[1]);
      assert.ok(port > 0, line.toString());
      for (const inflight of ["1", "64"]) {
        const result = await runLoadgen(
          {
            binary,
            prefix: [],
            args: [
              ...["--mode", "request", "--proto", "resp", "--port", String(port), "--size", "64"],
              ...["--inflight", inflight, "--warmup", "0.1", "--duration", "0.3"],
            ],
            timeoutMs: 30_000,
          },
          registry,
        );
        assert.equal(result.ok, true, result.error);
        assert.ok(result.delivered > 0, `answered something with ${inflight} in flight`);
        assert.equal(result.loss, 0);
      }
    } finally {
      await stopChild(child, 500);
    }
  });

  test("loadgen - --mode apub: against enchufe every APUB gets its PUBACK OK, none missing", async () => {
    const { server, port } = await historyServer(1000);
    try {
      const args = ["--mode", "apub", "--proto", "framed", "--port", String(port), "--await-reply", "1"];
      const result = await runLoadgen(
        {
          binary,
          prefix: [],
          args: [...args, "--inflight", "16", "--warmup", "0.1", "--duration", "0.3"],
          timeoutMs: 30_000,
        },
        registry,
      );
      assert.equal(result.ok, true, result.error);
      assert.ok(result.delivered > 0, "acknowledged something in the window");
      assert.equal(result.loss, 0);
      assert.equal(result.received_total, result.sent_total);
      assert.ok(result.latency_us.count > 0, "ack latency measured");
    } finally {
      await server.close();
    }
  });

  test("loadgen - --mode replay: RSUB from position 1 replays every kept message, then REPLAYED", async () => {
    const { server, port } = await historyServer(5000);
    try {
      const args = ["--mode", "replay", "--proto", "framed", "--port", String(port), "--await-reply", "1"];
      const result = await runLoadgen(
        { binary, prefix: [], args: [...args, "--count", "3000"], timeoutMs: 30_000 },
        registry,
      );
      assert.equal(result.ok, true, result.error);
      assert.equal(result.published, 3000);
      assert.equal(result.delivered, 3000);
      assert.equal(result.replay_count, 3000, "REPLAYED counts what was replayed");
      assert.equal(result.recovered, true);
      assert.equal(result.loss, 0);
    } finally {
      await server.close();
    }
  });

  /** A short apub run against a JetStream stand-in on `port`. */
  function jetstreamRun(port: number): Promise<LoadgenResult> {
    const args = ["--mode", "apub", "--proto", "jetstream", "--port", String(port), "--await-reply", "1"];
    return runLoadgen(
      {
        binary,
        prefix: [],
        args: [...args, "--inflight", "8", "--warmup", "0.1", "--duration", "0.3", "--drain", "2"],
        timeoutMs: 30_000,
      },
      registry,
    );
  }

  test("loadgen - --proto jetstream: acks on each publish's inbox count, an error ack counts as not acked", async () => {
    const fake = await jetstreamStandIn({ refuseEvery: 10 });
    try {
      const result = await jetstreamRun(fake.port);
      assert.equal(result.ok, true, result.error);
      assert.equal(fake.created(), 1, "the stream was created once");
      assert.ok(result.sent_total > 0 && result.delivered > 0);
      assert.equal(result.ack_failed, Math.floor(result.sent_total / 10), "every tenth ack was an error");
      assert.equal(result.loss, result.ack_failed);
      assert.equal(result.ack_unknown, 0);
      assert.equal(fake.withoutMsgId(), 0, "every publish carried Nats-Msg-Id");
    } finally {
      await fake.close();
    }
  });

  test("loadgen - --proto jetstream: a refused stream creation fails the run", async () => {
    const fake = await jetstreamStandIn({ refuseCreate: true });
    try {
      const result = await jetstreamRun(fake.port);
      assert.equal(result.ok, false);
      assert.match(result.error ?? "", /stream/);
    } finally {
      await fake.close();
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
