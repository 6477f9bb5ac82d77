/**
 * The history on disk (`--data DIR`): an append-only log of segment files, group-committed and synced
 * per the fsync policy (log-writer.ts), read back on open (recovery.ts), the retained part also held in
 * memory for reads (history-index.ts). Retention removes whole segments once nothing in them is kept.
 */
import { mkdir, open, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { EnchufeError } from "../errors.js";
import { batchBase, keyShare, writeBatch } from "./batch-record.js";
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
import { MAX_BODY_BYTES, RECORD_HEADER_BYTES, recordNames } from "./record.js";
import { type RecoveredKey, RecoveredKeys } from "./recovered-keys.js";
import { type RecoveryFindings, type RecoveryReport, recoverSegment } from "./recovery.js";

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
   * The batch goes to the log as one batch record (batch-record.ts), or one per segment file it goes into
   * (and per MAX_BODY_BYTES of body, never near), encoded into one buffer; a run per record, its payloads
   * views of the record. With dedupe keys (APUB) it is a keyed batch: each message's key is in its record.
   */
  protected keep(batch: KeepBatch): readonly HistoryRun[] {
    const { first, time, topic, from, payloads, headers, keys } = batch;
    const writer = this.#writer!;
    const count = payloads.length;
    const base = batchBase(topic, from);
    const names = recordNames(topic, from);
    const keyOf = keys === undefined || keys.length === 0 ? undefined : byIndex(keys, count);
    const sizeEnds = keyOf === undefined ? batch.sizeEnds : withKeys(batch.sizeEnds, keyOf);
    const share = (i: number): number => sizeEnds[i]! - (i === 0 ? base : sizeEnds[i - 1]!);
    // Where each record starts (a message index) and the segment it goes into.
    const starts = [0];
    const segments = [writer.plan(sizeEnds[0]!, first)];
    let body = sizeEnds[0]! - RECORD_HEADER_BYTES;
    for (let i = 1; i < count; i++) {
      const bytes = share(i);
      const planned = writer.plan(bytes, first + i);
      const rolled = planned !== segments[segments.length - 1];
      if (rolled || body + bytes > MAX_BODY_BYTES) {
        // A new record: its own bytes count in its segment too (planning them cannot roll it again).
        if (rolled) writer.plan(base, first + i);
        starts.push(i);
        segments.push(planned);
        body = base - RECORD_HEADER_BYTES + bytes;
      } else body += bytes;
    }
    const records = Buffer.allocUnsafe(sizeEnds[count - 1]! + base * (starts.length - 1));
    const runs: HistoryRun[] = [];
    let offset = 0;
    for (let r = 0; r < starts.length; r++) {
      const start = starts[r]!;
      const end = starts[r + 1] ?? count;
      const runSizes = new Array<number>(end - start);
      let size = base;
      for (let i = start; i < end; i++) {
        size += share(i);
        runSizes[i - start] = size;
      }
      const bounds: number[] = [];
      writeBatch(
        records,
        offset,
        size,
        first + start,
        time,
        names,
        payloads,
        headers,
        start,
        end,
        bounds,
        keyOf,
      );
      const segment = segments[r]!;
      const runHeaders = headers?.slice(start, end);
      const run = new HistoryRun(
        first + start,
        time,
        topic,
        from,
        segment,
        records,
        bounds,
        runSizes,
        runHeaders,
      );
      writer.queue(records.subarray(offset, offset + size), segment, run.first, run.last);
      this.#counts.added(segment, run.count);
      runs.push(run);
      offset += size;
    }
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

/** Each message's dedupe key (undefined: none) from a batch's keys (index order). */
function byIndex(keys: readonly BatchKey[], count: number): (string | undefined)[] {
  const keyOf = new Array<string | undefined>(count).fill(undefined);
  for (const { index, key } of keys) keyOf[index] = key;
  return keyOf;
}

/** `sizeEnds` with each message's key field (keyShare) added, as a keyed batch holds them. */
function withKeys(sizeEnds: readonly number[], keyOf: readonly (string | undefined)[]): number[] {
  const ends = new Array<number>(sizeEnds.length);
  let extra = 0;
  for (let i = 0; i < sizeEnds.length; i++) {
    extra += keyShare(keyOf[i]);
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
