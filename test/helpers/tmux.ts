/** Drives real terminals for CLI tests: a private tmux server, panes of a chosen size, screen polling. */
import { execFileSync, spawnSync } from "node:child_process";

/** Whether tmux is installed (terminal tests skip without it). */
export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

/** A private tmux server (its own socket), killed by `close()`. */
export class Tmux {
  readonly #socket: string;

  constructor(tag: string) {
    this.#socket = `enchufe-test-${tag}-${process.pid}`;
  }

  /** Runs a tmux command on this server and returns its output. */
  run(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.#socket, ...args], { encoding: "utf8" });
  }

  /**
   * Opens a `columns`×`rows` session named `name` running the shell command `command`. After it ends
   * the pane shows `[exit CODE]` and stays open, so the exit code can be read from the screen.
   */
  open(name: string, columns: number, rows: number, command: string): void {
    this.run(
      "new-session",
      "-d",
      "-s",
      name,
      "-x",
      String(columns),
      "-y",
      String(rows),
      `${command}; echo "[exit $?]"; sleep 600`,
    );
  }

  /** The screen of `target` as text (`escapes`: with its colour sequences). */
  screen(target: string, escapes = false): string {
    return this.run("capture-pane", "-p", ...(escapes ? ["-e"] : []), "-t", target);
  }

  /** Polls the pane until `pattern` shows (bounded), and returns the screen. */
  async shows(target: string, pattern: RegExp, timeoutMs = 10_000, escapes = false): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < deadline) {
      screen = this.screen(target, escapes);
      if (pattern.test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    throw new Error(`pane ${target} never showed ${pattern}:\n${screen}`);
  }

  /** Kills the tmux server and every pane in it. */
  close(): void {
    if (hasTmux) spawnSync("tmux", ["-L", this.#socket, "kill-server"]);
  }
}
