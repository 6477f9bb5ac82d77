/**
 * Opening a data directory (docs/HISTORY.md §5): every segment is read in order and scanned; good
 * records go into the index (the limits apply as they go), a damaged range in the middle is skipped
 * and reported, a torn tail is cut off (the file truncated at the last good record) and reported.
 * Nothing is printed: the report says what was found.
 */
import { readFile, truncate } from "node:fs/promises";
import { join } from "node:path";
import { MIN_MESSAGE_SHARE } from "./batch-record.js";
import { segmentName } from "./files.js";
import type { HistoryIndex } from "./history-index.js";
import { RunBuilder } from "./history-run.js";
import type { RecoveredKeys } from "./recovered-keys.js";
import { SegmentScanner } from "./scan.js";

/** Bytes that were not records, by segment file and offset. */
export interface DamagedRange {
  readonly file: string;
  readonly offset: number;
  readonly bytes: number;
}

/** What opening a data directory found. */
export interface RecoveryReport {
  readonly directory: string;
  readonly epoch: string;
  /**
   * Why the epoch is new, if it is: `created` (an empty or new directory), `missing-epoch` (segments but no
   * epoch file), `missing-segments` (an epoch file but no segment: the history was wiped).
   */
  readonly newEpoch: "created" | "missing-epoch" | "missing-segments" | undefined;
  readonly segments: number;
  /** Good records read. */
  readonly records: number;
  /** Of those, kept within the limits. */
  readonly kept: number;
  /** Dedupe keys of acknowledged publishes read back within the dedupe window (takeRecoveredKeys). */
  readonly dedupeKeys: number;
  readonly bytesRead: number;
  /** Damaged ranges in the middle of a segment, skipped (left in the file; reported again on every open). */
  readonly skipped: DamagedRange[];
  /** Torn tails: the segment was truncated at `offset`, `bytes` removed. */
  readonly truncated: DamagedRange[];
  /** Records whose position was not above the one before them, skipped. */
  readonly outOfOrder: number;
  /** Segments removed on open because the limits left nothing in them. */
  readonly removedSegments: number;
  /** The pid in a lock file left by a process that no longer runs (a crash), taken over; else undefined. */
  readonly staleLock: number | undefined;
  readonly durationMs: number;
}

/** The recovery's findings so far, filled in segment by segment. */
export interface RecoveryFindings {
  records: number;
  /** The newest time read (appends never go below it). */
  lastTime: number;
  bytesRead: number;
  outOfOrder: number;
  readonly skipped: DamagedRange[];
  readonly truncated: DamagedRange[];
  /** The dedupe keys within the window, for the server. */
  readonly keys: RecoveredKeys;
}

/**
 * Reads segment `base` into `index` and returns the size of its good part (where writing may go on).
 * A torn tail is truncated; its bytes may have held records that readers were sent live, so their
 * positions are marked lost and skipped, never given to another message. In the last segment that is
 * as many positions as the bytes could hold; before another segment, any positions missing below its
 * first one (marked when that segment is read).
 */
export async function recoverSegment(
  directory: string,
  base: number,
  index: HistoryIndex,
  findings: RecoveryFindings,
  counts: { added(segment: number, count: number): void },
  nextBase: number | undefined,
): Promise<number> {
  const file = segmentName(base);
  const path = join(directory, file);
  const buffer = await readFile(path);
  findings.bytesRead += buffer.length;
  let lastTime = findings.lastTime;
  // Positions below a segment's first one were lost (a failed write) before it started.
  if (base - 1 > index.lastPosition) index.markLost(base - 1, lastTime);
  const scanner = new SegmentScanner(buffer);
  // Consecutive records of one topic, sender and time become one run; the payloads stay views of the
  // segment's bytes (no copy per record): a segment read back stays in memory while it holds a kept
  // record, as its file stays on disk.
  const runs = new RunBuilder(base, buffer);
  const flush = (): void => {
    const run = runs.build();
    if (run === undefined) return;
    counts.added(base, run.count);
    index.add(run);
  };
  let damaged = false;
  for (;;) {
    const step = scanner.next();
    if (step.kind === "end") {
      flush();
      return step.offset;
    }
    if (step.kind === "record") {
      const message = step.message;
      if (message.position <= Math.max(index.lastPosition, runs.last)) {
        findings.outOfOrder++;
        continue;
      }
      if (damaged || !runs.fits(message)) flush();
      if (damaged) index.markLost(message.position - 1, message.time);
      damaged = false;
      lastTime = message.time;
      runs.add(message, step.size);
      findings.records++;
      findings.lastTime = lastTime;
      // A key is in its message's record (one CRC for both): only a key within the window is kept, and
      // decoded once the open ends.
      const key = step.key;
      if (key !== undefined && findings.keys.wants(key.time)) findings.keys.add(buffer, key);
    } else if (step.kind === "damaged") {
      findings.skipped.push({ file, offset: step.offset, bytes: step.end - step.offset });
      damaged = true;
    } else {
      flush();
      findings.truncated.push({ file, offset: step.offset, bytes: step.end - step.offset });
      await truncate(path, step.offset);
      // A message takes at least MIN_MESSAGE_SHARE bytes (a batch record's, no headers, empty payload).
      const couldHold = Math.ceil((step.end - step.offset) / MIN_MESSAGE_SHARE);
      if (nextBase === undefined) index.markLost(index.lastPosition + couldHold, lastTime);
      return step.offset;
    }
  }
}
