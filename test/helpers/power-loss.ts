/**
 * A machine crash for one server process (test/fixtures/power-loss.c, by LD_PRELOAD): its positional
 * writes to files under a directory reach them only at fdatasync/fsync, so a SIGKILL loses what it had
 * not synced, as a power cut loses the page cache. Compiled with cc once per test process.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE = fileURLToPath(new URL("../fixtures/power-loss.c", import.meta.url));
let library: string | undefined;

/** The environment that runs a server with the crash simulated for files under `directory`. */
export function powerLossEnv(directory: string): NodeJS.ProcessEnv {
  if (library === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "enchufe-power-loss-"));
    // The test process's copy of the library goes when the process does.
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, "power-loss.so");
    execFileSync(process.env.CC ?? "cc", ["-shared", "-fPIC", "-O2", "-o", out, SOURCE, "-ldl", "-lpthread"]);
    library = out;
  }
  // libuv's io_uring would write without libc's calls: off, so every write goes through the shim.
  return { LD_PRELOAD: library, POWER_LOSS_DIR: directory, UV_USE_IO_URING: "0" };
}
