/**
 * Shared helpers for the history store tests: temporary data directories, both kinds of store, and the
 * plain model that the property tests hold the stores to.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "node:test";
import { matchTopic } from "../../src/protocol/topics.js";
import {
  type HistoryStart,
  type HistoryStore,
  MemoryHistoryStore,
  type OpenedFileStore,
  openFileHistoryStore,
} from "../../src/store/index.js";
import type { FileStoreOptions, HistoryLimits } from "../../src/store/options.js";

/** A fresh temporary directory; `remove()` deletes it. */
export function temporaryDirectory(): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "enchufe-store-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A test file's temporary directories and file stores: removed and closed after each test (its hook). */
export interface FileStoreFixture {
  /** Runs `cleanup` after the current test (the last added first). */
  later(cleanup: () => Promise<void> | void): void;
  directory(): string;
  /** Opens a file store on `path` (fsync never unless given), closed after the test. */
  open(path: string, options?: Partial<FileStoreOptions>): Promise<OpenedFileStore>;
}

export function fileStoreFixture(): FileStoreFixture {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    later: (cleanup) => cleanups.push(cleanup),
    directory() {
      const made = temporaryDirectory();
      cleanups.push(made.remove);
      return made.path;
    },
    async open(path, options = {}) {
      const opened = await openFileHistoryStore({ fsync: "never", ...options, directory: path });
      cleanups.push(() => opened.store.close());
      return opened;
    },
  };
}

/** Opens a store of one kind; `reopen` closes it and opens it again (memory: a new, empty store). */
export interface StoreKind {
  readonly name: string;
  readonly durable: boolean;
  open(limits?: Partial<FileStoreOptions>): Promise<HistoryStore>;
  reopen(store: HistoryStore, limits?: Partial<FileStoreOptions>): Promise<HistoryStore>;
  /** Closes every store it opened and removes its files. */
  cleanup(): Promise<void>;
}

export function memoryKind(): StoreKind {
  return {
    name: "memory",
    durable: false,
    open: (limits?: Partial<HistoryLimits>) => Promise.resolve(new MemoryHistoryStore(limits)),
    async reopen(store, limits) {
      await store.close();
      return new MemoryHistoryStore(limits);
    },
    cleanup: () => Promise.resolve(),
  };
}

export function fileKind(): StoreKind {
  const directories: Array<{ remove(): void }> = [];
  const open = new Set<HistoryStore>();
  let current = "";
  const openAt = async (directory: string, limits?: Partial<FileStoreOptions>): Promise<HistoryStore> => {
    const { store } = await openFileHistoryStore({ fsync: "never", ...limits, directory });
    open.add(store);
    return store;
  };
  return {
    name: "file",
    durable: true,
    open(limits) {
      const directory = temporaryDirectory();
      directories.push(directory);
      current = directory.path;
      return openAt(current, limits);
    },
    async reopen(store, limits) {
      await store.close();
      open.delete(store);
      return openAt(current, limits);
    },
    async cleanup() {
      for (const store of open) await store.close();
      open.clear();
      for (const directory of directories) directory.remove();
      directories.length = 0;
    },
  };
}

export function text(payload: Uint8Array): string {
  return Buffer.from(payload).toString("utf8");
}

/** A message as the tests' plain model of the history keeps it. */
export interface ModelMessage {
  readonly position: number;
  readonly topic: string;
  readonly time: number;
  readonly payload: string;
}

/**
 * What a read should return by the plain model: every message appended (`model`), the last `perTopic`
 * of each topic kept, filtered by pattern and start; complete when no dropped message was asked for.
 */
export function expectedRead(
  model: readonly ModelMessage[],
  perTopic: number,
  pattern: string,
  start: HistoryStart,
  limit: number | undefined,
): { messages: ModelMessage[]; complete: boolean; more: boolean } {
  const kept = model.filter(
    (m) => model.filter((n) => n.topic === m.topic && n.position > m.position).length < perTopic,
  );
  const dropped = model.filter((m) => !kept.includes(m) && matchTopic(pattern, m.topic));
  const matching = kept.filter((m) => matchTopic(pattern, m.topic));
  let messages: ModelMessage[];
  let complete: boolean;
  if ("last" in start) {
    messages = matching.slice(-start.last);
    complete = messages.length === start.last || dropped.length === 0;
  } else if ("from" in start) {
    messages = matching.filter((m) => m.position >= start.from);
    complete = !dropped.some((m) => m.position >= start.from);
  } else {
    messages = matching.filter((m) => m.time >= start.sinceTime);
    complete = !dropped.some((m) => m.time >= start.sinceTime);
  }
  const more = limit !== undefined && messages.length > limit;
  if (more) messages = messages.slice(0, limit);
  return { messages, complete, more };
}

/** The fields and bytes of the example marked `<!-- name: {fields} -->` in docs/HISTORY.md. */
export function docExample<T>(name: string): { fields: T; bytes: Buffer } {
  const doc = readFileSync(new URL("../../docs/HISTORY.md", import.meta.url), "utf8");
  const example = new RegExp(`<!-- ${name}: (\\{.*\\}) -->\\s*\`\`\`text\\n([\\s\\S]*?)\`\`\``).exec(doc);
  assert.ok(example, `docs/HISTORY.md has a ${name}`);
  const hex = example[2]!
    .split("\n")
    .map((line) => line.replace(/\s*#.*$/, ""))
    .join(" ")
    .replace(/\s+/g, "");
  return { fields: JSON.parse(example[1]!) as T, bytes: Buffer.from(hex, "hex") };
}
