/**
 * Runs one case against one target once: starts the server (pinned to core 0), runs the load generator
 * (pinned to core 1), samples the server's CPU over the measurement window and its memory, stops the server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILD_DIR, type LoadgenEvent, type LoadgenResult, runLoadgen } from "./loadgen.js";
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
import { enchufeClusterSpec, redisBusSpec, type Target } from "./servers.js";
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
  /** Busy CPU seconds of the whole machine over the window (server, load generator, and anything else). */
  readonly machineCpuS: number;
}

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
  if (benchCase.kind === "cluster") return runCluster(benchCase, ctx);
  // fanout-history on disk: a fresh data directory for every run, removed after it.
  const data =
    benchCase.server?.data === true ? mkdtempSync(join(tmpdir(), "enchufe-bench-data-")) : undefined;
  const serverArgs = [...(benchCase.server?.args ?? []), ...(data === undefined ? [] : ["--data", data])];
  try {
    return await runServerOnce(benchCase, target, ctx, serverArgs);
  } finally {
    if (data !== undefined) rmSync(data, { recursive: true, force: true });
  }
}

async function runServerOnce(
  benchCase: BenchCase,
  target: Target,
  ctx: RunContext,
  serverArgs: readonly string[],
): Promise<Sample> {
  const server = await startServer(
    await target.spec(
      benchCase.role,
      pinPrefix(0, ctx.canPin),
      ctx.profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", ctx.profileDir],
      serverArgs,
    ),
    ctx.registry,
    LOG_DIR,
  );
  try {
    await delay(100); // let the runtime settle (JIT start-up, first GC) before the baseline
    const baselineRss = rssBytes(server.pid) ?? 0;
    const cpu = new CpuWindow([server.pid]);
    let serverRss = 0;
    const onEvent = async (event: LoadgenEvent) => {
      cpu.onEvent(event);
      if (event === "drain") serverRss = rssBytes(server.pid) ?? 0;
      if (event === "ready") {
        // idle: every connection is open; give the server a moment to finish accepting, then sample twice
        await delay(500);
        const first = rssBytes(server.pid) ?? 0;
        await delay(200);
        serverRss = Math.max(first, rssBytes(server.pid) ?? 0);
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
    return { result, serverCpuS: cpu.seconds, serverRss, baselineRss, machineCpuS: cpu.machineSeconds };
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
async function runCluster(benchCase: BenchCase, ctx: RunContext): Promise<Sample> {
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
