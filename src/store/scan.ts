/**
 * Reading a segment's bytes back (pure, no I/O): a pull scanner that gives every good record's messages in
 * order (a batch record's one step each, with its dedupe key if it has one),
 * every damaged range in the middle (bytes that are no record, followed by good records again) and the
 * torn tail (bytes after the last good record that are no record: a write cut short by a crash).
 */
import type { DecodedBatch, KeyInRecord } from "./batch-record.js";
import { type DecodedRecord, decodeRecord, RECORD_HEADER_BYTES, type StoredMessage } from "./record.js";

/** One step of the scan. `offset`/`end` are byte offsets in the segment. */
export type ScanStep =
  | {
      readonly kind: "record";
      readonly message: StoredMessage;
      /** The record holding it: one message, or a batch whose messages come one step each. */
      readonly offset: number;
      readonly end: number;
      /** The message's share of the record's bytes (all of them for a one-message record). */
      readonly size: number;
      /** Its dedupe key, when a keyed batch holds one for it (its text stays in the buffer). */
      readonly key?: KeyInRecord | undefined;
    }
  /** Bytes that are no record, with a good record right after them. */
  | { readonly kind: "damaged"; readonly offset: number; readonly end: number }
  /** Bytes at the end that are no record: cut short or damaged, nothing good after them. */
  | { readonly kind: "torn"; readonly offset: number; readonly end: number }
  | { readonly kind: "end"; readonly offset: number; readonly end: number };

/** Scans `buffer` from offset 0: call `next()` until it returns kind "end". */
export class SegmentScanner {
  readonly #buffer: Buffer;
  #offset = 0;
  /** The batch record being given message by message, and the next of its messages. */
  #batch: { readonly batch: DecodedBatch; readonly offset: number; readonly end: number } | undefined;
  #next = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  next(): ScanStep {
    const open = this.#batch;
    if (open !== undefined) {
      const i = this.#next++;
      const { messages, sizes, keys } = open.batch;
      if (this.#next === messages.length) this.#batch = undefined;
      const { offset, end } = open;
      return { kind: "record", message: messages[i]!, offset, end, size: sizes[i]!, key: keys?.[i] };
    }
    const buffer = this.#buffer;
    const offset = this.#offset;
    if (offset >= buffer.length) return { kind: "end", offset, end: offset };
    const found = decodeRecord(buffer, offset);
    if (typeof found !== "string") {
      this.#offset = found.end;
      if (found.batch !== undefined) {
        this.#batch = { batch: found.batch, offset, end: found.end };
        this.#next = 0;
        return this.next();
      }
      return { kind: "record", message: found.message, offset, end: found.end, size: found.end - offset };
    }
    const resume = this.#resync(offset + 1);
    if (resume === undefined) {
      this.#offset = buffer.length;
      return { kind: "torn", offset, end: buffer.length };
    }
    this.#offset = resume;
    return { kind: "damaged", offset, end: resume };
  }

  /**
   * The first offset at or after `from` where a whole good record starts (its CRC matches), or undefined.
   * Costs one CRC per candidate whose length fits; damage is rare and usually short.
   */
  #resync(from: number): number | undefined {
    const buffer = this.#buffer;
    for (let offset = from; offset + RECORD_HEADER_BYTES <= buffer.length; offset++) {
      const found: DecodedRecord | string = decodeRecord(buffer, offset);
      if (typeof found !== "string") return offset;
    }
    return undefined;
  }
}
