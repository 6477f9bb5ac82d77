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

/** Forks `count` workers and supervises them; resolves with the exit code. */
export function runWorkers(
  ctx: CliContext,
  lang: Lang,
  count: number,
  log: ServerLog,
  listening: { tls: boolean; auth: boolean },
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
      worker.on("message", (message: unknown) => {
        if (!isListeningMessage(message) || ++ready !== count) return;
        log.listening(message.address, listening.tls, listening.auth);
      });
      worker.on("exit", (code: number | null, signal: NodeJS.Signals | null) => {
        workers.delete(worker);
        if (!stopping) {
          failed = true;
          stopping = true;
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
