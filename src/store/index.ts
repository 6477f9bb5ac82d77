/** The history store (docs/HISTORY.md): one entry point for the server and the public API. */

export { FileHistoryStore, type OpenedFileStore, openFileHistoryStore } from "./file-store.js";
export { type DropListener, HistoryIndex, type HistoryRead, type HistoryStart } from "./history-index.js";
export { HistoryRun } from "./history-run.js";
export type {
  BatchKey,
  HistoryStats,
  HistoryStore,
  RecoveredKey,
  SharedPayloads,
  StoreWarning,
} from "./history-store.js";
export { MemoryHistoryStore } from "./memory-store.js";
export {
  DEFAULT_FILE_STORE,
  DEFAULT_FSYNC,
  DEFAULT_HISTORY_LIMITS,
  type FileStoreOptions,
  type FsyncPolicy,
  fileStoreOptions,
  type HistoryLimits,
  historyLimits,
  parseFsyncPolicy,
} from "./options.js";
export type { StoredMessage } from "./record.js";
export type { DamagedRange, RecoveryReport } from "./recovery.js";
