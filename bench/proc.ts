/**
 * Processes the bench starts: servers (pinned to core 0) and the load generator (pinned to core 1).
 * Every child is tracked by PID and killed by PID; nothing here looks at processes it did not start.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** Children still running, so that an error or SIGINT can stop them all. */
export class ProcessRegistry {
  readonly #children = new Set<ChildProcess>();

  add(child: ChildProcess): void {
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
  }

  /** SIGTERM to every child still running, SIGKILL after a grace period. */
  async stopAll(graceMs = 2000): Promise<void> {
    await Promise.all([...this.#children].map((child) => stopChild(child, graceMs)));
  }
}

/** Sends SIGTERM to one child (by its PID) and resolves when it has exited; SIGKILL after graceMs. */
export function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** True when `name` is an executable on PATH (or an absolute path that exists). */
export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** The taskset prefix that pins a command to one core, or none when taskset is missing or there is one core. */
export function pinPrefix(core: number, canPin: boolean): string[] {
  return canPin ? ["taskset", "-c", String(core)] : [];
}

/** A TCP port that was free a moment ago (for servers that cannot listen on port 0 and report it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once a socket listens on 127.0.0.1:port (read from /proc/net/tcp, without connecting: a probe
 * connection that closes at once makes `ncat --chat` quit); rejects after timeoutMs.
 */
export async function waitForListen(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error("the server exited before listening");
    const table = readFileSync("/proc/net/tcp", "utf8");
    // columns: sl local_address rem_address st ...; st 0A is LISTEN
    const listening = table.split("\n").some((line) => {
      const fields = line.trim().split(/\s+/);
      return fields[1]?.endsWith(wanted) === true && fields[3] === "0A";
    });
    if (listening) return;
    await delay(20);
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds (utime + stime) of a process, from /proc/PID/stat; undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine (all cores, everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / CLOCK_TICKS
    );
  } catch {
    return 0;
  }
}

/** Clock ticks per second for /proc/PID/stat (always 100 on Linux x86-64 and arm64). */
const CLOCK_TICKS = 100;

/** Resident set size of a process in bytes, from /proc/PID/status; undefined when it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** A started server: its PID, its port, its log, and how to stop it. */
export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly logPath: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
  log(): string;
}

export interface StartSpec {
  readonly name: string;
  readonly argv: readonly string[];
  /** A regular expression whose first group is the bound port, read from the log; or a fixed port to probe. */
  readonly ready: RegExp | number;
  readonly cwd?: string | undefined;
}

/**
 * Starts a server with its output in a log file (a pipe nobody reads would block a server that logs every
 * connection, and reading it would cost the bench CPU), then waits until it reports or accepts its port.
 */
export async function startServer(
  spec: StartSpec,
  registry: ProcessRegistry,
  logDir: string,
  timeoutMs = 10_000,
): Promise<RunningServer> {
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${spec.name}-${Date.now()}.log`);
  const fd = openSync(logPath, "w");
  const [command, ...args] = spec.argv;
  if (command === undefined) throw new Error(`${spec.name}: empty command`);
  const child = spawn(command, args, { stdio: ["ignore", fd, fd], cwd: spec.cwd });
  closeSync(fd);
  registry.add(child);
  const pid = child.pid;
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const alive = () => spawnError === undefined && child.exitCode === null && child.signalCode === null;
  const log = () => {
    try {
      return readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };
  const stop = () => stopChild(child);
  try {
    if (pid === undefined) throw new Error("could not start");
    let port: number;
    if (typeof spec.ready === "number") {
      port = spec.ready;
      await waitForListen(port, timeoutMs, alive);
    } else {
      port = await waitForLog(spec.ready, log, alive, timeoutMs);
    }
    return { name: spec.name, pid, port, logPath, child, stop, log };
  } catch (error) {
    await stop();
    const reason = spawnError?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`${spec.name}: ${reason}; log: ${log().slice(-400).trim()}`);
  }
}

async function waitForLog(
  pattern: RegExp,
  log: () => string,
  alive: () => boolean,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(log());
    if (match?.[1] !== undefined) return Number(match[1]);
    if (!alive()) throw new Error("exited before listening");
    await delay(20);
  }
  throw new Error(`no ${pattern} in its output within ${timeoutMs} ms`);
}
