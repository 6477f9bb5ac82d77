/** Runs the real `enchufe` command (bin/enchufe.js over dist/) as a user would, for CLI tests. */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../../bin/enchufe.js", import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running command: its output so far, a way to wait for a line, and its end. */
export class Running {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  readonly done: Promise<Finished>;
  readonly #waiters = new Set<() => void>();

  constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child;
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      this.stdout += text;
      for (const wake of this.#waiters) wake();
    });
    child.stderr.on("data", (text: string) => {
      this.stderr += text;
      for (const wake of this.#waiters) wake();
    });
    this.done = new Promise((resolve) => {
      child.on("close", (code, signal) => {
        for (const wake of this.#waiters) wake();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves with the first match of `pattern` in stdout (or stderr), waiting for output as it comes. */
  waitFor(
    pattern: RegExp,
    stream: "stdout" | "stderr" = "stdout",
    timeoutMs = 10_000,
  ): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = (stream === "stdout" ? this.stdout : this.stderr).match(pattern);
        if (match !== null) {
          cleanup();
          resolve(match);
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          cleanup();
          reject(new Error(`process ended before ${pattern}; stdout=${this.stdout} stderr=${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${pattern}; stdout=${this.stdout} stderr=${this.stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits until the server prints its address and returns the port. */
  async port(): Promise<number> {
    const match = await this.waitFor(/(?:Escuchando en|Listening on) \S+:(\d+)/);
    return Number(match[1]);
  }

  /** Stops the process if it still runs (SIGKILL after `graceMs`) and waits for its end. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 3000): Promise<Finished> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
      const finished = await this.done;
      clearTimeout(timer);
      return finished;
    }
    return this.done;
  }
}

const running = new Set<Running>();

/** Starts `enchufe ...args`; ENCHUFE_LANG is unset unless given, so Spanish is the default. */
export function enchufe(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; under?: readonly string[] } = {},
): Running {
  const env = { ...process.env, ...options.env };
  if (options.env?.ENCHUFE_LANG === undefined) delete env.ENCHUFE_LANG;
  // `under`: a program that runs node in its place (prlimit --fsize=N execs it: the pid is node's).
  const [program, ...before] = [...(options.under ?? []), process.execPath];
  const child = spawn(program!, [...before, BIN, ...args], { env, stdio: "pipe" });
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  const run = new Running(child);
  running.add(run);
  void run.done.then(() => running.delete(run));
  return run;
}

/** Runs `enchufe ...args` to its end. */
export function runEnchufe(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<Finished> {
  const run = enchufe(args, { stdin: "", ...options });
  return run.done;
}

/** Kills every command still running (for `after` hooks). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((run) => run.stop("SIGKILL")));
}

/** Stops a process started in its own group (npm or bash, then node; spawned with detached: true) and waits for its end. */
export async function stopGroup(run: Running): Promise<Finished> {
  const { pid } = run.child;
  if (run.child.exitCode === null && run.child.signalCode === null && pid !== undefined) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      run.child.kill("SIGTERM");
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {}
    }, 3000);
    await run.done;
    clearTimeout(timer);
  }
  return run.done;
}
