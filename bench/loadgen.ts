/** Builds the C load generator with the machine's compiler and runs it, reading its phases and its JSON. */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ProcessRegistry, stopChild } from "./proc.js";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const BUILD_DIR = join(BENCH_DIR, "build");
const SOURCE = join(BENCH_DIR, "loadgen.c");

/**
 * Compiles bench/loadgen.c into `output` (default bench/build/loadgen, rebuilt when the source is newer;
 * any other path is always compiled) and returns its path.
 */
export function buildLoadgen(compiler = process.env.CC ?? "cc", output = join(BUILD_DIR, "loadgen")): string {
  const force = output !== join(BUILD_DIR, "loadgen");
  mkdirSync(dirname(output), { recursive: true });
  const fresh = (() => {
    try {
      return statSync(output).mtimeMs >= statSync(SOURCE).mtimeMs;
    } catch {
      return false;
    }
  })();
  if (fresh && !force) return output;
  const result = spawnSync(compiler, ["-O2", "-Wall", "-o", output, SOURCE], { encoding: "utf8" });
  if (result.error !== undefined) {
    throw new Error(
      `the load generator needs a C compiler: could not run "${compiler}" (${result.error.message}); ` +
        "install gcc (apt-get install gcc) or set CC",
    );
  }
  if (result.status !== 0) throw new Error(`compiling bench/loadgen.c failed:\n${result.stderr}`);
  return output;
}

/** The JSON object the load generator prints. */
export interface LoadgenResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly mode: string;
  readonly proto: string;
  readonly subs: number;
  readonly pubs: number;
  readonly size: number;
  readonly window_s: number;
  readonly published: number;
  readonly delivered: number;
  readonly publish_rate: number;
  readonly delivered_rate: number;
  readonly latency_us: {
    readonly count: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly mean: number;
  };
  readonly sent_total: number;
  /** Messages received by all subscribers together, over every phase (sync messages aside). */
  readonly received_total: number;
  readonly loss: number;
  readonly reorder: number;
  readonly gaps: number;
  readonly subs_with_loss: number;
  readonly subs_with_reorder: number;
  readonly connected: number;
  readonly closed_by_server: number;
  readonly errors: number;
  readonly loadgen_cpu_s: number;
  readonly loadgen_cpu_pct: number;
  /** apub: publishes acknowledged OK, refused (PUBACK not OK, a JetStream error), acks for nothing in flight. */
  readonly acked?: number;
  readonly ack_failed?: number;
  readonly ack_unknown?: number;
  /** replay: HMSGs received, the count REPLAYED gave, and its RECOVERED flag. */
  readonly replayed?: number;
  readonly replay_count?: number;
  readonly recovered?: boolean;
}

export type LoadgenEvent = "measure" | "drain" | "ready";

export interface LoadgenRun {
  readonly binary: string;
  readonly args: readonly string[];
  /** Prefix such as ["taskset", "-c", "1"]. */
  readonly prefix: readonly string[];
  /** Called on each phase line; for "ready" (idle mode) the returned promise is awaited before the hold ends. */
  readonly onEvent?: (event: LoadgenEvent) => Promise<void> | void;
  readonly timeoutMs: number;
}

/** Runs the load generator once; rejects when it fails to produce its JSON within timeoutMs. */
export function runLoadgen(run: LoadgenRun, registry: ProcessRegistry): Promise<LoadgenResult> {
  const [command, ...rest] = [...run.prefix, run.binary, ...run.args];
  if (command === undefined) return Promise.reject(new Error("no load generator command"));
  const child = spawn(command, rest, { stdio: ["pipe", "pipe", "pipe"] });
  registry.add(child);
  let stdout = "";
  let stderr = "";
  let pending = "";
  const waits: Promise<void>[] = [];
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (text: string) => {
    stdout += text;
  });
  child.stdin.on("error", () => {});
  child.stderr.on("data", (text: string) => {
    stderr += text;
    pending += text;
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
      const event: LoadgenEvent | undefined =
        line === "PHASE measure"
          ? "measure"
          : line === "PHASE drain"
            ? "drain"
            : line === "READY"
              ? "ready"
              : undefined;
      if (event === undefined || run.onEvent === undefined) continue;
      const result = run.onEvent(event);
      if (event === "ready") {
        // The idle hold ends when the orchestrator has sampled what it wanted: stdin closes.
        waits.push(Promise.resolve(result).finally(() => child.stdin.end()));
      } else if (result instanceof Promise) {
        waits.push(result);
      }
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child, 500);
      reject(new Error(`the load generator did not finish within ${run.timeoutMs} ms; stderr: ${stderr}`));
    }, run.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      Promise.all(waits).then(
        () => {
          try {
            resolve(JSON.parse(stdout) as LoadgenResult);
          } catch {
            reject(new Error(`the load generator exited with ${code} and no JSON; stderr: ${stderr.trim()}`));
          }
        },
        (error: unknown) => reject(error),
      );
    });
  });
}
