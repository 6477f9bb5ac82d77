/**
 * Runs a lesson's examples as a student would, from the lesson's folder: `python3 FILE` for Python,
 * `bash FILE` for a script and `npx tsx FILE` for TypeScript (as `node --import tsx FILE`: the same
 * program without npm's start-up).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Running } from "../helpers/cli.js";

export type Lang = "es" | "en";

export interface ExampleOptions {
  /** ENCHUFE_LANG for the example (default es). */
  readonly lang?: Lang;
  readonly env?: NodeJS.ProcessEnv;
  /** A command the example runs under, e.g. `ip netns exec NAME`. */
  readonly prefix?: readonly string[];
}

/** The examples of one lesson (examples/aprende/NN-name/), and every process they started. */
export class LessonExamples {
  readonly dir: string;
  readonly #started = new Set<Running>();

  constructor(lesson: string) {
    this.dir = fileURLToPath(new URL(`../../examples/aprende/${lesson}/`, import.meta.url));
  }

  run(file: string, args: readonly string[] = [], options: ExampleOptions = {}): Running {
    const runner = file.endsWith(".py")
      ? ["python3", file]
      : file.endsWith(".sh")
        ? ["bash", file]
        : [process.execPath, "--import", "tsx", file];
    const argv = [...(options.prefix ?? []), ...runner, ...args];
    const env = { ...process.env, ENCHUFE_LANG: options.lang ?? "es", PYTHONUNBUFFERED: "1", ...options.env };
    const child = spawn(argv[0]!, argv.slice(1), { cwd: this.dir, env, stdio: "pipe" });
    child.stdin.end();
    const run = new Running(child);
    this.#started.add(run);
    void run.done.then(() => this.#started.delete(run));
    return run;
  }

  /** Kills whatever is still running (for `after` hooks). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#started].map((run) => run.stop("SIGKILL")));
  }
}

/** Waits for a server example's "Escuchando en HOST:PORT" / "Listening on HOST:PORT" line; its port. */
export async function listeningPort(run: Running): Promise<string> {
  // Generous: tsx takes most of a second to start, and many seconds on a machine under load.
  const match = await run.waitFor(/(?:Escuchando en|Listening on) \S+:(\d+)/, "stdout", 60_000);
  return match[1]!;
}

/** The other language, to cover both without running everything twice. */
export function other(lang: Lang): Lang {
  return lang === "es" ? "en" : "es";
}
