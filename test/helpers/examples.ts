/**
 * Runs the lessons' examples (examples/...) as a student would: `python3 FILE` for .py, tsx for .ts
 * (`node --import tsx FILE`, what `npx tsx FILE` runs), in a language (ENCHUFE_LANG) and with unbuffered
 * Python output so lines arrive as they are printed. stopExamples() (for `after`) kills what is left.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Running } from "./cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/**
 * The interpreter `python3` runs, found once: a version manager's `python3` (pyenv's shim) is a script
 * that can take a second to start on a busy machine, the interpreter itself a few milliseconds.
 */
export const PYTHON = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], {
  encoding: "utf8",
}).stdout.trim();
/** PATH with PYTHON's folder first, so `python3` in a shell is the interpreter itself. */
export const PATH_WITH_PYTHON = `${dirname(PYTHON)}:${process.env.PATH ?? ""}`;
const running = new Set<Running>();

export interface ExampleOptions {
  readonly lang?: "es" | "en";
  readonly env?: NodeJS.ProcessEnv;
  /** Written to standard input, which is then closed (closed at once when not given). */
  readonly stdin?: string;
  /** A command the example runs under, e.g. `ip netns exec NAME` (inside a network namespace). */
  readonly prefix?: readonly string[];
}

/** Starts `examples/<file>` with `args` from the repository root (a .sh file with bash). */
export function example(file: string, args: readonly string[] = [], options: ExampleOptions = {}): Running {
  const path = `examples/${file}`;
  const runner = file.endsWith(".py")
    ? [PYTHON, path]
    : file.endsWith(".sh")
      ? ["bash", path]
      : [process.execPath, "--import", "tsx", path];
  const [command, ...commandArgs] = [...(options.prefix ?? []), ...runner, ...args] as [string, ...string[]];
  // PATH_WITH_PYTHON: a script (dos_maquinas.sh) that runs python3 gets the interpreter, not pyenv's shim.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: PATH_WITH_PYTHON,
    PYTHONUNBUFFERED: "1",
    NO_COLOR: "1",
    ...options.env,
  };
  env.ENCHUFE_LANG = options.lang ?? "es";
  const child = spawn(command, commandArgs, { cwd: ROOT, env, stdio: "pipe" });
  child.stdin.end(options.stdin ?? "");
  const run = new Running(child as ChildProcessWithoutNullStreams);
  running.add(run);
  void run.done.then(() => running.delete(run));
  return run;
}

/**
 * The port a server example says it listens on (`Escuchando en 127.0.0.1:N` / `Listening on [::1]:N`,
 * maybe followed by more words). Generous: tsx takes most of a second to start, many on a loaded machine.
 */
export async function listening(run: Running): Promise<number> {
  const match = await run.waitFor(/^(?:Escuchando en|Listening on) \S+:(\d+)\b/m, "stdout", 60_000);
  return Number(match[1]);
}

export async function stopExamples(): Promise<void> {
  await Promise.all([...running].map((run) => run.stop("SIGKILL")));
}
