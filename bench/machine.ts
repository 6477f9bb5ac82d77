/** What the numbers were measured on: CPU, cores, kernel, Node, and each peer's version. */
import { spawnSync } from "node:child_process";
import { cpus, release, totalmem } from "node:os";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly kernel: string;
  readonly node: string;
  readonly versions: Readonly<Record<string, string>>;
}

const VERSION_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  ncat: ["ncat", "--version"],
  "nats-server": ["nats-server", "--version"],
  "redis-server": ["redis-server", "--version"],
  mosquitto: ["mosquitto", "-h"],
  cc: ["cc", "--version"],
};

function firstLine(argv: readonly string[]): string | undefined {
  const [command, ...args] = argv;
  if (command === undefined) return undefined;
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 5000 });
  if (result.error !== undefined) return undefined;
  const text = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.trim();
  return text
    .split("\n")
    .find((line) => line.trim() !== "")
    ?.trim();
}

export function describeMachine(): Machine {
  const versions: Record<string, string> = {};
  for (const [name, argv] of Object.entries(VERSION_COMMANDS)) {
    const line = firstLine(argv);
    if (line !== undefined) versions[name] = line;
  }
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory: `${Math.round(totalmem() / 1024 / 1024 / 1024)} GiB`,
    kernel: `Linux ${release()}`,
    node: process.version,
    versions,
  };
}
