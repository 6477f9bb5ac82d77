/**
 * `enchufe server --workers N`: the primary process. It forks N copies of the same command line
 * (each one a normal cluster node that joins Redis); node:cluster's primary owns the port and hands
 * connections to the workers in turn (Node 20 has no SO_REUSEPORT). The primary prints the
 * listening lines once every worker listens, forwards SIGINT/SIGTERM (and SIGHUP, the reload), and
 * exits when they are done.
 *
 * A worker that dies unexpectedly is reported and the whole server stops with exit code 1, so that
 * a supervisor (systemd, a container runtime) restarts it cleanly instead of running short-handed.
 */
import cluster, { type Worker } from "node:cluster";
import { type Lang, t } from "../i18n/index.js";
import { type CliContext, EXIT_FAILURE, EXIT_OK } from "./context.js";
import { type MonitorAddress, startMonitor } from "./monitor-option.js";
import { WorkersSource } from "./monitor-workers.js";
import type { ServerLog } from "./server-log.js";

/** The message a worker sends to the primary once it listens. */
export interface ListeningMessage {
  readonly type: "enchufe:listening";
  readonly address: string;
}

export function isListeningMessage(value: unknown): value is ListeningMessage {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "enchufe:listening" &&
    typeof (value as { address?: unknown }).address === "string"
  );
}

/** True in a process started by runWorkers. */
export function isWorker(): boolean {
  return cluster.isWorker;
}

/**
 * Ends a worker's IPC channel (which would keep it alive) so that it exits with `code`; through
 * cluster.worker.disconnect(), so that node:cluster does not read it as the primary vanishing (exit 0).
 */
export function leavePrimary(code: number): void {
  process.exitCode = code;
  if (process.connected) cluster.worker?.disconnect();
}

/**
 * Forks `count` workers and supervises them; resolves with the exit code. With `monitorAt`, the
 * primary serves the live view of every worker (started first: a port in use stops before any fork).
 */
export async function runWorkers(
  ctx: CliContext,
  lang: Lang,
  count: number,
  log: ServerLog,
  listening: { tls: boolean; auth: boolean },
  monitorAt?: MonitorAddress,
): Promise<number> {
  const source = monitorAt === undefined ? undefined : new WorkersSource();
  const live =
    source === undefined || monitorAt === undefined
      ? undefined
      : await startMonitor(ctx, { source }, monitorAt, lang);
  if (source !== undefined && live === undefined) return EXIT_FAILURE;
  const code = await superviseWorkers(ctx, lang, count, log, listening, source, live?.address);
  await live?.monitor.close();
  return code;
}

function superviseWorkers(
  ctx: CliContext,
  lang: Lang,
  count: number,
  log: ServerLog,
  listening: { tls: boolean; auth: boolean },
  source: WorkersSource | undefined,
  monitorAddress: string | undefined,
): Promise<number> {
  const workers = new Set<Worker>();
  let ready = 0;
  let stopping = false;
  let failed = false;
  return new Promise((resolve) => {
    const signalAll = (signal: NodeJS.Signals) => {
      for (const worker of workers) worker.process.kill(signal);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      if (source !== undefined) source.draining = true;
      ctx.stderr.write(`${t(lang, "cli.stopping", { signal })}\n`);
      signalAll(signal);
    };
    // SIGHUP (reload TLS files and users) goes to every worker; unhandled it would kill the primary.
    const onHangup = () => signalAll("SIGHUP");
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    process.on("SIGHUP", onHangup);
    for (let i = 0; i < count; i++) {
      const worker = cluster.fork({ ENCHUFE_WORKER: String(i + 1) });
      workers.add(worker);
      source?.add(worker, String(i + 1));
      worker.on("message", (message: unknown) => {
        if (!isListeningMessage(message) || ++ready !== count) return;
        log.listening(message.address, listening.tls, listening.auth);
        if (monitorAddress !== undefined)
          ctx.stderr.write(`${t(lang, "monitor.cli.listening", { address: monitorAddress })}\n`);
      });
      worker.on("exit", (code: number | null, signal: NodeJS.Signals | null) => {
        workers.delete(worker);
        if (!stopping) {
          failed = true;
          stopping = true;
          if (source !== undefined) source.draining = true;
          const how = signal ?? `exit ${code ?? "?"}`;
          ctx.stderr.write(`${t(lang, "cluster.workerDied", { pid: worker.process.pid ?? "?", how })}\n`);
          signalAll("SIGTERM");
        } else if (code !== 0 && code !== null) {
          failed = true;
        }
        if (workers.size > 0) return;
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        process.off("SIGHUP", onHangup);
        if (!failed) ctx.stderr.write(`${t(lang, "cli.stopped")}\n`);
        resolve(failed ? EXIT_FAILURE : EXIT_OK);
      });
    }
  });
}
