/**
 * A private redis-server for tests: loopback, a free port chosen here, no persistence, stopped by PID.
 * Tests never use a Redis that happens to be running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { Socket } from "node:net";
import { freePort } from "./ports.js";

export { freePort };

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: an outage, not a clean shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port (after kill). */
  restart(): Promise<void>;
  /** Stops it for good; safe to call twice. */
  stop(): Promise<void>;
}

/** What a private redis-server runs with besides its port. */
export interface RedisSetup {
  /** `--requirepass`: clients must AUTH. */
  readonly password?: string;
  /** More redis-server arguments (TLS ports and files, say). */
  readonly args?: readonly string[];
}

/** Sends PING (after AUTH when there is a password) and resolves true on +PONG. */
function ping(port: number, password: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let answer = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.on("data", (data) => {
      answer += data.toString();
      if (answer.includes("+PONG")) done(true);
      else if (answer.includes("-")) done(false);
    });
    socket.connect(port, "127.0.0.1", () =>
      socket.write(password === undefined ? "PING\r\n" : `AUTH ${password}\r\nPING\r\n`),
    );
  });
}

function spawnRedis(port: number, setup: RedisSetup): ChildProcess {
  const auth = setup.password === undefined ? [] : ["--requirepass", setup.password];
  return spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--daemonize",
      "no",
      ...auth,
      ...(setup.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** Starts redis-server on `port`; resolves when it answers PING, rejects if it exits first. */
async function launch(port: number, setup: RedisSetup, timeoutMs = 5000): Promise<ChildProcess> {
  const child = spawnRedis(port, setup);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  child.once("error", () => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server exited on port ${port}: ${output.slice(-500)}`);
    if (await ping(port, setup.password)) return child;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill("SIGKILL");
  throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms`);
}

async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
  await exited;
}

/** Starts a private redis-server (retries with another port if the chosen one was taken meanwhile). */
export async function startRedis(setup: RedisSetup = {}): Promise<TestRedis> {
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, setup);
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
  const fixedPort = port;
  return {
    port: fixedPort,
    url: `redis://127.0.0.1:${fixedPort}`,
    async kill() {
      await killChild(child);
    },
    async restart() {
      await killChild(child);
      // The port was ours a moment ago; retry briefly in case the kernel has not released it.
      for (let attempt = 0; ; attempt++) {
        try {
          child = await launch(fixedPort, setup);
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async stop() {
      await killChild(child);
    },
  };
}
