/** Shared helpers for the history store tests: temporary data directories and both kinds of store. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HistoryStore, MemoryHistoryStore, openFileHistoryStore } from "../../src/store/index.js";
import type { FileStoreOptions, HistoryLimits } from "../../src/store/options.js";

/** A fresh temporary directory; `remove()` deletes it. */
export function temporaryDirectory(): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "enchufe-store-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
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
