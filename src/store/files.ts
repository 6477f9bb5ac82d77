/**
 * The data directory's files: segment names (`<first position, 20 digits>.log`), the epoch file, the
 * directory fsync, and Node's file errors turned into EnchufeError ESTOREFULL / ESTORE.
 */
import { randomBytes } from "node:crypto";
import { open, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EnchufeError } from "../errors.js";

const SEGMENT_NAME = /^(\d{20})\.log$/;
export const EPOCH_FILE = "epoch";
export const LOCK_FILE = "lock";

/** A segment's file name: its first position, zero-padded so names sort in position order. */
export function segmentName(base: number): string {
  return `${String(base).padStart(20, "0")}.log`;
}

/** The first positions of the segments in `directory`, oldest first (other files are left alone). */
export async function listSegments(directory: string): Promise<number[]> {
  const bases: number[] = [];
  for (const name of await readdir(directory)) {
    const match = SEGMENT_NAME.exec(name);
    if (match !== null) bases.push(Number(match[1]));
  }
  return bases.sort((a, b) => a - b);
}

/** The epoch stored in `directory`, or undefined when there is none (or it is not one). */
export async function readEpoch(directory: string): Promise<string | undefined> {
  try {
    const text = (await readFile(join(directory, EPOCH_FILE), "utf8")).trim();
    return /^[0-9a-f]{16}$/.test(text) ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes a new random epoch to `directory` (through a temporary file and a rename) and returns it. */
export async function writeNewEpoch(directory: string): Promise<string> {
  const epoch = randomBytes(8).toString("hex");
  const temporary = join(directory, `${EPOCH_FILE}.tmp`);
  const handle = await open(temporary, "w");
  try {
    await writeFile(handle, `${epoch}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, join(directory, EPOCH_FILE));
  await syncDirectory(directory);
  return epoch;
}

/** fsyncs the directory itself, so a file created or renamed in it survives a crash of the machine. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True when a process with this pid runs (EPERM: it runs, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Makes this process the one writer of `directory`: creates `lock` holding our pid. A lock left by a
 * process that no longer runs (a crash, kill -9) is taken over; its pid is returned. A lock held by a
 * running process fails with ESTORELOCKED: two writers would interleave their records.
 */
export async function acquireLock(directory: string): Promise<number | undefined> {
  const path = join(directory, LOCK_FILE);
  let stale: number | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: "wx" });
      return stale;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && running(pid)) {
      throw new EnchufeError("ESTORELOCKED", `The history in ${directory} is in use by process ${pid}`, {
        details: { directory, pid, file: path },
      });
    }
    stale = pid;
    await unlink(path).catch(() => undefined);
  }
  throw new EnchufeError("ESTORELOCKED", `The history in ${directory} is being opened by another process`, {
    details: { directory, pid: "?", file: path },
  });
}

/** Removes our lock (on close). */
export async function releaseLock(directory: string): Promise<void> {
  await unlink(join(directory, LOCK_FILE)).catch(() => undefined);
}

const FULL_CODES = new Set(["ENOSPC", "EFBIG", "EDQUOT"]);

/** A file operation's failure as EnchufeError: ESTOREFULL for a full disk or size limit, else ESTORE. */
export function storeError(error: unknown, directory: string, file: string): EnchufeError {
  if (error instanceof EnchufeError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "EIO";
  const reason = `${code}: ${(error as Error).message}`;
  if (FULL_CODES.has(code)) {
    return new EnchufeError("ESTOREFULL", `The history could not be written to ${file} (${code})`, {
      details: { directory, file, reason: code },
      cause: error,
    });
  }
  return new EnchufeError("ESTORE", `The history in ${directory} failed on ${file}: ${reason}`, {
    details: { directory, file, reason: code },
    cause: error,
  });
}
