/**
 * Group commit to the active segment (docs/HISTORY.md §4): the records appended during one event-loop
 * turn (and every turn while a sync or a roll is in flight) go out in one writev; `always` fdatasyncs after
 * each, a number of ms fdatasyncs at most that long after a write, `never` leaves it to the system.
 * One async loop (`#drain`) does every file operation in order: writes, rolls to a new segment, syncs.
 */
import { writeSync, writevSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { EnchufeError } from "../errors.js";
import { segmentName, storeError, syncDirectory } from "./files.js";
import type { FsyncPolicy } from "./options.js";

/** The segment being written. */
export interface ActiveSegment {
  readonly base: number;
  readonly handle: FileHandle;
  /** Bytes in the file that hold good records (the next write goes here). */
  size: number;
}

/** What the writer tells its store. */
export interface WriterEvents {
  /** A new segment file was started with first position `base`; `previous` is no longer written. */
  segmentStarted(base: number, previous: number): void;
  /** The appends from position `first` on could not be written (none of them is in the log). */
  failed(first: number, error: EnchufeError): void;
  /** A periodic fdatasync failed (the appends were already acknowledged). */
  syncFailed(file: string, error: EnchufeError): void;
}

/** The appends of one or more turns bound for one segment, written together; one promise for all. */
class Batch {
  readonly records: Buffer[] = [];
  /** The segment it goes into (a new one when it is not the active one). */
  readonly segment: number;
  bytes = 0;
  first = 0;
  last = 0;
  promise: Promise<number> | undefined;
  resolve: ((position: number) => void) | undefined;
  reject: ((error: EnchufeError) => void) | undefined;

  constructor(segment: number, first: number) {
    this.segment = segment;
    this.first = first;
  }

  settled(): Promise<number> {
    this.promise ??= new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    return this.promise;
  }
}

export class LogWriter {
  readonly #directory: string;
  readonly #policy: FsyncPolicy;
  readonly #segmentBytes: number;
  readonly #events: WriterEvents;
  #active: ActiveSegment;
  /** Batches not yet written, oldest first; at most one per segment. */
  #queue: Batch[] = [];
  #writing: Batch | undefined;
  /** Where the next record goes: its segment and that segment's size once the queue is written. */
  #plannedSegment: number;
  #plannedSize: number;
  #draining: Promise<void> | undefined;
  #turnScheduled = false;
  #syncDue = false;
  #syncTimer: NodeJS.Timeout | undefined;
  #unsynced = false;
  #durable = 0;
  readonly #onTurnEnd = (): void => {
    this.#turnScheduled = false;
    this.#kick();
  };
  readonly #onSyncTimer = (): void => {
    this.#syncTimer = undefined;
    this.#syncDue = true;
    this.#kick();
  };

  constructor(
    directory: string,
    policy: FsyncPolicy,
    segmentBytes: number,
    active: ActiveSegment,
    durable: number,
    events: WriterEvents,
  ) {
    this.#directory = directory;
    this.#policy = policy;
    this.#segmentBytes = segmentBytes;
    this.#active = active;
    this.#plannedSegment = active.base;
    this.#plannedSize = active.size;
    this.#durable = durable;
    this.#events = events;
  }

  /** True for the segment being written and the one the next record goes into: never removed. */
  inUse(segment: number): boolean {
    return segment === this.#active.base || segment === this.#plannedSegment;
  }

  /**
   * Plans where the record of `position` (`size` bytes) goes and returns that segment: a new one (first
   * position `position`) once the current one would pass segmentBytes. Call it for every record, in
   * order, then `queue` the records.
   */
  plan(size: number, position: number): number {
    if (this.#plannedSize > 0 && this.#plannedSize + size > this.#segmentBytes) {
      this.#plannedSegment = position;
      this.#plannedSize = 0;
    }
    this.#plannedSize += size;
    return this.#plannedSegment;
  }

  /**
   * Queues the records of positions `first`..`last`, back to back in `records`, planned (`plan`) into
   * `segment`, for the next group commit.
   */
  queue(records: Buffer, segment: number, first: number, last: number): void {
    let batch = this.#queue[this.#queue.length - 1];
    if (batch === undefined || batch.segment !== segment) {
      batch = new Batch(segment, first);
      this.#queue.push(batch);
    }
    batch.records.push(records);
    batch.bytes += records.length;
    batch.last = last;
    if (!this.#turnScheduled) {
      this.#turnScheduled = true;
      setImmediate(this.#onTurnEnd);
    }
  }

  /** The last position whose commit resolved. */
  get durable(): number {
    return this.#durable;
  }

  /** Settles once everything added so far is durable per the policy (see HistoryStore.committed). */
  committed(): Promise<number> {
    const batch = this.#queue[this.#queue.length - 1] ?? this.#writing;
    return batch === undefined ? Promise.resolve(this.#durable) : batch.settled();
  }

  /** Writes what is pending, syncs (unless `never`) and closes the segment. */
  async close(): Promise<void> {
    if (this.#syncTimer !== undefined) clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    this.#syncDue = this.#policy !== "never";
    this.#kick();
    while (this.#draining !== undefined) await this.#draining;
    await this.#active.handle.close();
  }

  #kick(): void {
    if (this.#draining !== undefined) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  /** Writes the queued batches and a due sync, in order, until there is nothing left to do. */
  async #drain(): Promise<void> {
    for (;;) {
      const batch = this.#queue.shift();
      if (batch !== undefined) {
        this.#writing = batch;
        await this.#commit(batch);
        this.#writing = undefined;
      } else if (this.#syncDue) {
        this.#syncDue = false;
        await this.#periodicSync();
      } else return;
    }
  }

  async #commit(batch: Batch): Promise<void> {
    let before = -1;
    try {
      if (batch.segment !== this.#active.base) await this.#roll(batch.segment);
      before = this.#active.size;
      await this.#write(batch);
      if (this.#policy === "always") await this.#active.handle.datasync();
      else if (this.#policy !== "never") this.#scheduleSync();
    } catch (error) {
      const active = this.#active;
      if (before >= 0 && active.size > before) {
        // Written but not synced: taken back, so a rejected append does not come back after a restart.
        await active.handle.truncate(before).catch(() => undefined);
        active.size = before;
      }
      const failure = storeError(error, this.#directory, segmentName(this.#active.base));
      // Everything not yet written fails with it: the history never holds a gap it does not know of.
      const later = this.#queue;
      this.#queue = [];
      this.#plannedSegment = this.#active.base;
      this.#plannedSize = this.#active.size;
      this.#events.failed(batch.first, failure);
      batch.reject?.(failure);
      for (const next of later) next.reject?.(failure);
      return;
    }
    this.#durable = batch.last;
    batch.resolve?.(batch.last);
  }

  /**
   * One writev at the end of the good records; a short write is retried so the real error shows. It is a
   * synchronous call, as Redis's AOF writes in its event loop and fsyncs on a thread: the bytes go to the
   * page cache (microseconds), and a threadpool round trip per turn cost more CPU than the write itself
   * (docs/HISTORY.md §9). fdatasync, which waits for the disk, stays on the threadpool.
   */
  async #write(batch: Batch): Promise<void> {
    const active = this.#active;
    const at = active.size;
    const fd = active.handle.fd;
    try {
      let written = writevSync(fd, batch.records, at);
      while (written < batch.bytes) {
        const rest = Buffer.concat(batch.records).subarray(written);
        const more = writeSync(fd, rest, 0, rest.length, at + written);
        if (more === 0) throw Object.assign(new Error("the disk accepted no more bytes"), { code: "ENOSPC" });
        written += more;
      }
    } catch (error) {
      // Cut off what part of the batch reached the file; the next write goes at the same offset anyway.
      await active.handle.truncate(at).catch(() => undefined);
      throw error;
    }
    active.size = at + batch.bytes;
    this.#unsynced = true;
  }

  /** Closes the full segment (synced unless `never`) and starts `<base>.log`. */
  async #roll(base: number): Promise<void> {
    const old = this.#active;
    if (this.#policy !== "never" && this.#unsynced) await old.handle.datasync();
    this.#unsynced = false;
    const handle = await open(join(this.#directory, segmentName(base)), "w");
    if (this.#policy !== "never") await syncDirectory(this.#directory);
    this.#active = { base, handle, size: 0 };
    await old.handle.close();
    this.#events.segmentStarted(base, old.base);
  }

  #scheduleSync(): void {
    if (this.#syncTimer === undefined && !this.#syncDue) {
      this.#syncTimer = setTimeout(this.#onSyncTimer, this.#policy as number);
      this.#syncTimer.unref();
    }
  }

  async #periodicSync(): Promise<void> {
    if (!this.#unsynced) return;
    this.#unsynced = false;
    try {
      await this.#active.handle.datasync();
    } catch (error) {
      const file = segmentName(this.#active.base);
      this.#events.syncFailed(file, storeError(error, this.#directory, file));
    }
  }
}
