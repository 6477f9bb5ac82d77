/**
 * The history on disk (`--data DIR`): an append-only log of segment files, group-committed and synced
 * per the fsync policy (log-writer.ts), read back on open (recovery.ts), the retained part also held in
 * memory for reads (history-index.ts). Retention removes whole segments once nothing in them is kept.
 */
import { mkdir, open, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { EnchufeError } from "../errors.js";
import type { Headers } from "../protocol/wire.js";
import {
  acquireLock,
  listSegments,
  readEpoch,
  releaseLock,
  segmentName,
  storeError,
  syncDirectory,
  writeNewEpoch,
} from "./files.js";
import { type DropListener, HistoryIndex } from "./history-index.js";
import { HistoryRun } from "./history-run.js";
import type { BatchKey } from "./history-store.js";
import { IndexedHistoryStore, type KeepBatch } from "./indexed-store.js";
import { type ActiveSegment, LogWriter, type WriterEvents } from "./log-writer.js";
import { type FileStoreOptions, fileStoreOptions } from "./options.js";
import { keyRecordSize, recordNames, writeBatchRecord, writeKeyRecord } from "./record.js";
import { type RecoveredKey, RecoveredKeys } from "./recovered-keys.js";
import { type RecoveryFindings, type RecoveryReport, recoverSegment } from "./recovery.js";

const NO_HEADERS: Headers = Object.freeze([]);

/** How many kept records each segment holds: a segment with none (not the active one) is removed. */
class SegmentCounts implements DropListener {
  readonly live = new Map<number, number>();
  /** Segments left empty while opening, removed once the active one is known. */
  removable: ((base: number) => void) | undefined;

  dropped(segment: number, count: number): void {
    const left = (this.live.get(segment) ?? count) - count;
    this.live.set(segment, left);
    if (left === 0) this.removable?.(segment);
  }

  added(segment: number, count: number): void {
    this.live.set(segment, (this.live.get(segment) ?? 0) + count);
  }
}

export class FileHistoryStore extends IndexedHistoryStore implements WriterEvents {
  readonly epoch: string;
  readonly directory: string;
  readonly #counts: SegmentCounts;
  #writer: LogWriter | undefined;
  /** Segment removals under way, awaited by close(). */
  readonly #removals = new Set<Promise<void>>();
  /** The dedupe keys read back on open, until the server takes them. */
  #recoveredKeys: RecoveredKeys | undefined;

  /** Use openFileHistoryStore(). */
  constructor(
    options: FileStoreOptions,
    epoch: string,
    index: HistoryIndex,
    counts: SegmentCounts,
    keys: RecoveredKeys,
  ) {
    super(index);
    this.directory = options.directory;
    this.epoch = epoch;
    this.#counts = counts;
    this.#recoveredKeys = keys;
  }

  /**
   * The dedupe keys of acknowledged publishes read back on open, within the window, oldest first (once:
   * a second call returns none), for the server's dedupe window.
   */
  override takeRecoveredKeys(): readonly RecoveredKey[] {
    const keys = this.#recoveredKeys?.take() ?? [];
    this.#recoveredKeys = undefined;
    return keys;
  }

  /** Called once by openFileHistoryStore with the writer of the active segment. */
  start(writer: LogWriter): number {
    this.#writer = writer;
    this.#counts.removable = (base) => this.#removeSegment(base);
    let removed = 0;
    for (const [base, live] of this.#counts.live) {
      if (live === 0 && !writer.inUse(base)) {
        this.#removeSegment(base);
        removed++;
      }
    }
    return removed;
  }

  get committedPosition(): number {
    return this.#writer!.durable;
  }

  committed(): Promise<number> {
    return this.#writer!.committed();
  }

  /**
   * The batch's records go to the log, encoded back to back into one buffer; a run per segment they go
   * into, its payloads views of the records. A message with a dedupe key (APUB) has its key record right
   * before it, in the same write and the same segment: a message read back has its key too.
   */
  protected keep(batch: KeepBatch): readonly HistoryRun[] {
    const { first, time, topic, from, payloads, headers, keys } = batch;
    const writer = this.#writer!;
    const keyed = keys !== undefined && keys.length > 0 ? keys : undefined;
    // Where each message's records end (its key record's bytes included).
    const sizeEnds = keyed === undefined ? batch.sizeEnds : withKeyRecords(batch.sizeEnds, keyed);
    let nextKey = 0;
    const records = Buffer.allocUnsafe(sizeEnds[sizeEnds.length - 1]!);
    const names = recordNames(topic, from);
    const runs: HistoryRun[] = [];
    let runFirst = 0;
    let segment = -1;
    let bounds: number[] = [];
    let runSizes: number[] = [];
    const finish = (end: number): void => {
      const runHeaders = headers?.slice(runFirst, end);
      const start = runFirst === 0 ? 0 : sizeEnds[runFirst - 1]!;
      const run = new HistoryRun(
        first + runFirst,
        time,
        topic,
        from,
        segment,
        records,
        bounds,
        runSizes,
        runHeaders,
      );
      writer.queue(records.subarray(start, sizeEnds[end - 1]), segment, run.first, run.last);
      this.#counts.added(segment, run.count);
      runs.push(run);
    };
    for (let i = 0; i < payloads.length; i++) {
      const offset = i === 0 ? 0 : sizeEnds[i - 1]!;
      const size = sizeEnds[i]! - offset;
      const position = first + i;
      const planned = writer.plan(size, position);
      if (planned !== segment) {
        if (i > 0) finish(i);
        runFirst = i;
        segment = planned;
        bounds = [];
        runSizes = [];
      }
      const payload = payloads[i]!;
      let at = offset;
      const key = keyed?.[nextKey];
      if (key !== undefined && key.index === i) {
        // The key record's size is what is left of the pair once the message's is taken.
        const keySize = size - (batch.sizeEnds[i]! - (i === 0 ? 0 : batch.sizeEnds[i - 1]!));
        writeKeyRecord(records, at, keySize, position, time, key.key);
        at += keySize;
        nextKey++;
      }
      const own = headers?.[i] ?? NO_HEADERS;
      writeBatchRecord(records, at, offset + size - at, position, time, names, own, payload);
      bounds.push(offset + size - payload.length, offset + size);
      runSizes.push(sizeEnds[i]! - (runFirst === 0 ? 0 : sizeEnds[runFirst - 1]!));
    }
    finish(payloads.length);
    return runs;
  }

  protected async release(): Promise<void> {
    await this.#writer!.close();
    await Promise.all(this.#removals);
    await releaseLock(this.directory);
  }

  // WriterEvents
  segmentStarted(base: number, previous: number): void {
    if (!this.#counts.live.has(base)) this.#counts.live.set(base, 0);
    if (this.#counts.live.get(previous) === 0) this.#removeSegment(previous);
  }

  failed(first: number, _error: EnchufeError): void {
    this.index.removeFrom(first);
  }

  syncFailed(file: string, error: EnchufeError): void {
    this.emit("warning", { kind: "fsync", file, error });
  }

  #removeSegment(base: number): void {
    if (this.#writer === undefined || this.#writer.inUse(base)) return;
    this.#counts.live.delete(base);
    const file = segmentName(base);
    const removal = unlink(join(this.directory, file))
      .catch((error: unknown) => {
        // A segment planned for appends that then failed was never created.
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        this.emit("warning", {
          kind: "remove-segment",
          file,
          error: storeError(error, this.directory, file),
        });
      })
      .finally(() => this.#removals.delete(removal));
    this.#removals.add(removal);
  }
}

/** `sizeEnds` with each keyed message's key record added before it (`keys` in index order). */
function withKeyRecords(sizeEnds: readonly number[], keys: readonly BatchKey[]): number[] {
  const ends = new Array<number>(sizeEnds.length);
  let extra = 0;
  let next = 0;
  for (let i = 0; i < sizeEnds.length; i++) {
    const key = keys[next];
    if (key !== undefined && key.index === i) {
      extra += keyRecordSize(key.key);
      next++;
    }
    ends[i] = sizeEnds[i]! + extra;
  }
  return ends;
}

/** An open file store and what opening it found. */
export interface OpenedFileStore {
  readonly store: FileHistoryStore;
  readonly report: RecoveryReport;
}

/**
 * Opens (or creates) the history in `options.directory`: reads every segment back, truncates a torn
 * tail, skips damaged records, applies the limits, and returns the store with a report of what it found.
 * Fails with ESTORE when the directory cannot be used; never because of what is inside the files.
 */
export async function openFileHistoryStore(
  options: Partial<FileStoreOptions> & { directory: string },
): Promise<OpenedFileStore> {
  const started = performance.now();
  const settings = fileStoreOptions(options);
  const directory = settings.directory;
  let file = directory;
  let locked = false;
  try {
    await mkdir(directory, { recursive: true });
    const staleLock = await acquireLock(directory);
    locked = true;
    const bases = await listSegments(directory);
    let epoch = await readEpoch(directory);
    let newEpoch: RecoveryReport["newEpoch"];
    if (epoch === undefined) newEpoch = bases.length === 0 ? "created" : "missing-epoch";
    else if (bases.length === 0) newEpoch = "missing-segments";
    if (newEpoch !== undefined || epoch === undefined) epoch = await writeNewEpoch(directory);
    const counts = new SegmentCounts();
    const index = new HistoryIndex(settings, counts);
    const findings: RecoveryFindings = {
      records: 0,
      lastTime: 0,
      bytesRead: 0,
      outOfOrder: 0,
      skipped: [],
      truncated: [],
      keys: new RecoveredKeys(settings.now, settings.dedupeWindowMs, settings.dedupeMaxIds),
    };
    let goodSize = 0;
    for (const [i, base] of bases.entries()) {
      file = segmentName(base);
      counts.live.set(base, 0);
      goodSize = await recoverSegment(directory, base, index, findings, counts, bases[i + 1]);
    }
    const last = bases[bases.length - 1];
    let active: ActiveSegment;
    if (last !== undefined && goodSize < settings.segmentBytes) {
      file = segmentName(last);
      active = { base: last, handle: await open(join(directory, file), "r+"), size: goodSize };
    } else {
      const base = index.lastPosition + 1;
      file = segmentName(base);
      active = { base, handle: await open(join(directory, file), "w"), size: 0 };
      counts.live.set(base, 0);
      await syncDirectory(directory);
    }
    findings.keys.finish();
    const store = new FileHistoryStore(settings, epoch, index, counts, findings.keys);
    const writer = new LogWriter(
      directory,
      settings.fsync,
      settings.segmentBytes,
      active,
      index.lastPosition,
      store,
    );
    const removedSegments = store.start(writer);
    const report: RecoveryReport = {
      directory,
      epoch,
      newEpoch,
      segments: bases.length,
      records: findings.records,
      kept: index.size,
      dedupeKeys: findings.keys.size,
      bytesRead: findings.bytesRead,
      skipped: findings.skipped,
      truncated: findings.truncated,
      outOfOrder: findings.outOfOrder,
      removedSegments,
      staleLock,
      durationMs: performance.now() - started,
    };
    return { store, report };
  } catch (error) {
    if (locked) await releaseLock(directory);
    throw storeError(error, directory, file);
  }
}
