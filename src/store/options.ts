/**
 * The history's options: retention limits (both stores) and the file store's own (directory, fsync
 * policy, segment size), with their defaults, validated at the boundary and frozen.
 */
import { optionError } from "../errors.js";

/**
 * When an append is durable: `"always"` after fdatasync of every group commit; a number of ms: after the
 * write (a crash of the process loses nothing), with an fdatasync at most that long after it (a crash of
 * the machine can lose that window); `"never"`: after the write, the operating system flushes it.
 */
export type FsyncPolicy = "always" | "never" | number;

/** How much history is kept; the oldest goes first. */
export interface HistoryLimits {
  /** Messages kept per topic (`--history N`). */
  readonly perTopic: number;
  /** Bytes of records kept for the whole server (memory held, and about the disk used). */
  readonly maxBytes: number;
  /** Age in ms after which a message goes; 0 keeps messages whatever their age. */
  readonly maxAgeMs: number;
  /** The clock (ms since 1970); tests give their own. */
  readonly now: () => number;
}

export interface FileStoreOptions extends HistoryLimits {
  /** The data directory (`--data DIR`); created when missing. */
  readonly directory: string;
  readonly fsync: FsyncPolicy;
  /** A segment file is closed and a new one started once it holds this many bytes. */
  readonly segmentBytes: number;
  /**
   * The dedupe window of acknowledged publishes (the server's `dedupeWindowMs`): on open, the keys read
   * back that are younger than this are handed to the server (takeRecoveredKeys), the rest skipped.
   */
  readonly dedupeWindowMs: number;
  /** At most this many keys are handed over (the newest; the server's `dedupeMaxIds`). */
  readonly dedupeMaxIds: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = Object.freeze({
  perTopic: 1000,
  maxBytes: 64 * 1024 * 1024,
  maxAgeMs: 0,
  now: Date.now,
});

/** The default fsync policy: once a second, like Redis's `appendfsync everysec`. */
export const DEFAULT_FSYNC: FsyncPolicy = 1000;

export const DEFAULT_FILE_STORE: Omit<FileStoreOptions, "directory"> = Object.freeze({
  ...DEFAULT_HISTORY_LIMITS,
  fsync: DEFAULT_FSYNC,
  segmentBytes: 16 * 1024 * 1024,
  dedupeWindowMs: 120_000,
  dedupeMaxIds: 100_000,
});

function positiveInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw optionError(name, `should be an integer >= ${min}`, value);
  }
  return value;
}

/** The limits with defaults filled in, checked (EOPTION) and frozen. */
export function historyLimits(options: Partial<HistoryLimits> = {}): HistoryLimits {
  const merged = { ...DEFAULT_HISTORY_LIMITS, ...options };
  positiveInteger("perTopic", merged.perTopic, 1);
  positiveInteger("maxBytes", merged.maxBytes, 1);
  positiveInteger("maxAgeMs", merged.maxAgeMs, 0);
  if (typeof merged.now !== "function") throw optionError("now", "should be a function", merged.now);
  return Object.freeze(merged);
}

/** `--fsync always|never|<ms>` as a policy; EOPTION for anything else. */
export function parseFsyncPolicy(text: string): FsyncPolicy {
  if (text === "always" || text === "never") return text;
  if (/^\d+$/.test(text)) return fsyncPolicy(Number(text));
  throw optionError("fsync", 'should be "always", "never" or a number of milliseconds >= 1', text);
}

function fsyncPolicy(value: unknown): FsyncPolicy {
  if (value === "always" || value === "never") return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1) return value;
  throw optionError("fsync", 'should be "always", "never" or a number of milliseconds >= 1', value);
}

/** The file store's options with defaults filled in, checked (EOPTION) and frozen. */
export function fileStoreOptions(
  options: Partial<FileStoreOptions> & { directory: string },
): FileStoreOptions {
  const limits = historyLimits(options);
  const merged = { ...DEFAULT_FILE_STORE, ...options, ...limits };
  if (typeof merged.directory !== "string" || merged.directory === "") {
    throw optionError("directory", "should be a non-empty path", merged.directory);
  }
  fsyncPolicy(merged.fsync);
  positiveInteger("segmentBytes", merged.segmentBytes, 4096);
  positiveInteger("dedupeWindowMs", merged.dedupeWindowMs, 0);
  positiveInteger("dedupeMaxIds", merged.dedupeMaxIds, 0);
  return Object.freeze(merged);
}
