/**
 * Runs one case against one target once: starts the server (pinned to core 0), runs the load generator
 * (pinned to core 1), samples the server's CPU over the measurement window and its memory, stops the server.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILD_DIR, type LoadgenEvent, type LoadgenResult, runLoadgen } from "./loadgen.js";
import { fillLog } from "./log-fill.js";
import {
  cpuSeconds,
  delay,
  machineBusySeconds,
  type ProcessRegistry,
  pinPrefix,
  type RunningServer,
  rssBytes,
  startServer,
} from "./proc.js";
import { enchufeClusterSpec, redisBusSpec, type StoreSpec, type Target } from "./servers.js";
import type { BenchCase } from "./workloads.js";

export interface RunContext {
  readonly loadgen: string;
  readonly registry: ProcessRegistry;
  readonly canPin: boolean;
  /** With --profile: a directory for `node --cpu-prof` output of the enchufe servers. */
  readonly profileDir?: string | undefined;
}

/** One run's figures. */
export interface Sample {
  readonly result: LoadgenResult;
  /** Server CPU seconds over the window (utime + stime from /proc; a cluster: both nodes and its Redis bus). */
  readonly serverCpuS: number;
  /** Server RSS in bytes at the end of the window (or with every idle connection open). */
  readonly serverRss: number;
  /** Server RSS just after it started listening (idle workload). */
  readonly baselineRss: number;
  /**
   * idle: server RSS after the connections stayed quiet for IDLE_SETTLE_MS (V8's memory reducer gives
   * back the young generation that accepting them grew: what holding them costs, not what accepting did).
   */
  readonly settledRss?: number | undefined;
  /** Busy CPU seconds of the whole machine over the window (server, load generator, and anything else). */
  readonly machineCpuS: number;
  /** restart: what the start took and what the server said it recovered (no load generator ran). */
  readonly restart?: RestartFigures | undefined;
}

export interface RestartFigures {
  /** From spawn until the server's listening line was seen in its log (read every 20 ms). */
  readonly startMs: number;
  /** Bytes of the data directory's files. */
  readonly logBytes: number;
  /** From the server's "History in DIR: K messages kept of R read (S segments, T ms)" line. */
  readonly records: number;
  readonly kept: number;
  readonly openMs: number;
}

/**
 * How long the idle workload holds its connections quiet before the settled sample: V8's memory reducer
 * runs about 8 s after the last full collection once allocation has stopped (seen: 4.7 -> 1.8 KiB per
 * connection between 12 and 20 s after the connects began).
 */
export const IDLE_SETTLE_MS = 25_000;

/** The server's recovery line (`--lang en`): kept, read, segments, ms. */
const RECOVERY_LINE = /History in .*: (\d+) messages kept of (\d+) read \((\d+) segments, (\d+) ms\)/;

/** Servers' output, kept for the last run only (bench/run.ts empties it at start). */
export const LOG_DIR = join(BUILD_DIR, "logs");

/** Watches the CPU of a set of PIDs between the load generator's "measure" and "drain" lines. */
class CpuWindow {
  #start = 0;
  #total = 0;
  #machineStart = 0;
  machineSeconds = 0;
  constructor(readonly pids: readonly number[]) {}
  #sum(): number {
    return this.pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
  }
  onEvent(event: LoadgenEvent): void {
    if (event === "measure") {
      this.#start = this.#sum();
      this.#machineStart = machineBusySeconds();
    }
    if (event === "drain") {
      this.#total = this.#sum() - this.#start;
      this.machineSeconds = machineBusySeconds() - this.#machineStart;
    }
  }
  get seconds(): number {
    return this.#total;
  }
}

export async function runOnce(benchCase: BenchCase, target: Target, ctx: RunContext): Promise<Sample> {
  if (benchCase.kind === "cluster") return runCluster(benchCase, target, ctx);
  // On disk (fanout-history, ack-publish, replay, restart; JetStream always): a fresh data directory for
  // every run, removed after it.
  const data =
    benchCase.server?.data === true || target.storeDir === true
      ? mkdtempSync(join(tmpdir(), "enchufe-bench-data-"))
      : undefined;
  const enchufeData = benchCase.server?.data === true && data !== undefined ? ["--data", data] : [];
  const serverArgs = [...(benchCase.server?.args ?? []), ...enchufeData];
  const store: StoreSpec | undefined =
    data === undefined ? undefined : { directory: data, durability: benchCase.durability ?? "disk" };
  try {
    if (benchCase.kind === "restart") return await runRestart(benchCase, target, ctx, serverArgs, data);
    return await runServerOnce(benchCase, target, ctx, serverArgs, store);
  } finally {
    if (data !== undefined) rmSync(data, { recursive: true, force: true });
  }
}

/** Sum of the sizes of the files in a directory (not recursive: the history's segments and its epoch). */
function directoryBytes(directory: string): number {
  return readdirSync(directory).reduce((sum, name) => sum + statSync(join(directory, name)).size, 0);
}

/** What a run without the load generator reports in place of its JSON. */
function noLoadgen(mode: string): LoadgenResult {
  return {
    ok: true,
    mode,
    proto: "framed",
    subs: 0,
    pubs: 0,
    size: 0,
    window_s: 0,
    published: 0,
    delivered: 0,
    publish_rate: 0,
    delivered_rate: 0,
    latency_us: { count: 0, p50: 0, p99: 0, max: 0, mean: 0 },
    sent_total: 0,
    received_total: 0,
    loss: 0,
    reorder: 0,
    gaps: 0,
    subs_with_loss: 0,
    subs_with_reorder: 0,
    connected: 0,
    closed_by_server: 0,
    errors: 0,
    loadgen_cpu_s: 0,
    loadgen_cpu_pct: 0,
  };
}

/**
 * restart: builds a log of `logMiB` in `data` with the store API (this checkout's), then times
 * `enchufe server --data DIR` from spawn to its listening line; its CPU is all it used until then.
 */
async function runRestart(
  benchCase: BenchCase,
  target: Target,
  ctx: RunContext,
  serverArgs: readonly string[],
  data: string | undefined,
): Promise<Sample> {
  if (data === undefined) throw new Error("restart needs a data directory");
  if ((benchCase.logMiB ?? 0) > 0) await fillLog(data, (benchCase.logMiB ?? 0) * 1024 * 1024);
  const logBytes = directoryBytes(data);
  const spec = await target.spec(benchCase.role, pinPrefix(0, ctx.canPin), [], serverArgs);
  const started = performance.now();
  const server = await startServer(spec, ctx.registry, LOG_DIR, benchCase.timeoutMs);
  const startMs = performance.now() - started;
  try {
    const serverCpuS = cpuSeconds(server.pid) ?? 0;
    const serverRss = rssBytes(server.pid) ?? 0;
    const line = RECOVERY_LINE.exec(server.log());
    if (line === null) throw new Error(`no recovery line in the server's log: ${server.log().slice(-400)}`);
    const [kept, records, , openMs] = line.slice(1).map(Number);
    const restart = { startMs, logBytes, records: records ?? 0, kept: kept ?? 0, openMs: openMs ?? 0 };
    return { result: noLoadgen("restart"), serverCpuS, serverRss, baselineRss: 0, machineCpuS: 0, restart };
  } finally {
    await server.stop();
  }
}

async function runServerOnce(
  benchCase: BenchCase,
  target: Target,
  ctx: RunContext,
  serverArgs: readonly string[],
  store: StoreSpec | undefined,
): Promise<Sample> {
  const server = await startServer(
    await target.spec(
      benchCase.role,
      pinPrefix(0, ctx.canPin),
      ctx.profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", ctx.profileDir],
      serverArgs,
      store,
    ),
    ctx.registry,
    LOG_DIR,
  );
  try {
    await delay(100); // let the runtime settle (JIT start-up, first GC) before the baseline
    const baselineRss = rssBytes(server.pid) ?? 0;
    const cpu = new CpuWindow([server.pid]);
    let serverRss = 0;
    let settledRss: number | undefined;
    const onEvent = async (event: LoadgenEvent) => {
      cpu.onEvent(event);
      if (event === "drain") serverRss = rssBytes(server.pid) ?? 0;
      if (event === "ready") {
        // idle: every connection is open; give the server a moment to finish accepting, then sample twice
        await delay(500);
        const first = rssBytes(server.pid) ?? 0;
        await delay(200);
        serverRss = Math.max(first, rssBytes(server.pid) ?? 0);
        // Then hold them quiet: the same wait for every server, and the RSS it keeps at the end.
        await delay(IDLE_SETTLE_MS);
        settledRss = rssBytes(server.pid) ?? 0;
      }
    };
    const result = await runLoadgen(
      {
        binary: ctx.loadgen,
        args: [
          "--proto",
          target.proto,
          "--port",
          String(server.port),
          ...(target.connectBurst === undefined ? [] : ["--connect-burst", String(target.connectBurst)]),
          ...(target.answersOnConnect ? ["--await-reply", "1"] : []),
          ...(target.websocket === true ? ["--ws", "1"] : []),
          ...benchCase.args,
        ],
        prefix: pinPrefix(1, ctx.canPin),
        onEvent,
        timeoutMs: benchCase.timeoutMs,
      },
      ctx.registry,
    );
    assertAlive(server);
    return {
      result,
      serverCpuS: cpu.seconds,
      serverRss,
      baselineRss,
      settledRss,
      machineCpuS: cpu.machineSeconds,
    };
  } finally {
    await server.stop();
  }
}

function assertAlive(server: RunningServer): void {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    throw new Error(`${server.name} exited during the run; log: ${server.log().slice(-400).trim()}`);
  }
}

/** Thrown when the enchufe build has no `--cluster` flag yet: the workload is skipped with a note. */
export class ClusterUnsupported extends Error {}

/** Two enchufe nodes on one Redis bus; subscribers alternate between them, the publisher uses node 1. */
async function runCluster(benchCase: BenchCase, target: Target, ctx: RunContext): Promise<Sample> {
  const started: RunningServer[] = [];
  try {
    const bus = await startServer(await redisBusSpec(pinPrefix(1, ctx.canPin)), ctx.registry, LOG_DIR);
    started.push(bus);
    for (const index of [1, 2]) {
      try {
        started.push(
          await startServer(
            enchufeClusterSpec(
              pinPrefix(0, ctx.canPin),
              bus.port,
              index,
              ctx.profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", ctx.profileDir],
              target.root,
            ),
            ctx.registry,
            LOG_DIR,
          ),
        );
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        if (/cluster/i.test(text) && /unknown|not (a )?valid|unexpected|usage|desconocid/i.test(text)) {
          throw new ClusterUnsupported("this enchufe build rejects --cluster");
        }
        throw error;
      }
    }
    const [first, second] = [started[1], started[2]];
    if (first === undefined || second === undefined) throw new Error("cluster nodes missing");
    // The cluster's CPU: both nodes and the Redis bus they need.
    const cpu = new CpuWindow([first.pid, second.pid, bus.pid]);
    let serverRss = 0;
    const result = await runLoadgen(
      {
        binary: ctx.loadgen,
        args: [
          "--proto",
          "framed",
          "--port",
          String(first.port),
          "--sub-port2",
          String(second.port),
          "--await-reply",
          "1",
          ...benchCase.args,
        ],
        prefix: pinPrefix(1, ctx.canPin),
        onEvent: (event) => {
          cpu.onEvent(event);
          if (event === "drain") serverRss = (rssBytes(first.pid) ?? 0) + (rssBytes(second.pid) ?? 0);
        },
        timeoutMs: benchCase.timeoutMs,
      },
      ctx.registry,
    );
    return { result, serverCpuS: cpu.seconds, serverRss, baselineRss: 0, machineCpuS: cpu.machineSeconds };
  } finally {
    for (const server of started.reverse()) await server.stop();
  }
}
