/**
 * `enchufe server --history N --data DIR --fsync POLICY --join-replay N` (docs/HISTORY.md): opens the
 * history store the server uses, says on stderr what the recovery found, and what goes wrong while it runs.
 */
import { type Lang, t } from "../i18n/index.js";
import { DEFAULT_MESSAGING_OPTIONS } from "../server/limits.js";
import type { MessagingHandler } from "../server/messaging.js";
import type { HistoryTrouble } from "../server/routing/history.js";
import {
  type HistoryStore,
  MemoryHistoryStore,
  openFileHistoryStore,
  parseFsyncPolicy,
  type RecoveryReport,
  type StoreWarning,
} from "../store/index.js";
import { numberValue, usageError } from "./args.js";
import type { CliContext } from "./context.js";

export const HISTORY_OPTIONS = {
  history: { type: "string" },
  data: { type: "string" },
  fsync: { type: "string" },
  "join-replay": { type: "string" },
} as const;

interface HistoryValues {
  history?: string | undefined;
  cluster?: string | undefined;
  data?: string | undefined;
  fsync?: string | undefined;
  "join-replay"?: string | undefined;
}

export interface OpenedHistory {
  /** The store (false: --history 0). */
  readonly store: HistoryStore | false;
  readonly joinReplay: number;
  /** Tells stderr when the history cannot write, writes again, or warns. */
  watch(handler: MessagingHandler): void;
  /** Writes what is pending and releases the files (after the server closed). */
  close(): Promise<void>;
}

/** Opens the history the flags ask for (throws a usage error for bad values, ESTORE/ESTORELOCKED for a bad DIR). */
export async function openHistory(
  values: HistoryValues,
  lang: Lang,
  ctx: CliContext,
): Promise<OpenedHistory> {
  const perTopic = numberValue("history", values.history, 1000, lang, { integer: true });
  const joinReplay = numberValue("join-replay", values["join-replay"], 10, lang, { integer: true });
  if (values.fsync !== undefined && values.data === undefined) throw usageError(t(lang, "history.needsData"));
  if (values.data !== undefined && values.cluster !== undefined)
    throw usageError(t(lang, "history.clusterData"));
  let fsync: ReturnType<typeof parseFsyncPolicy> = 1000;
  if (values.fsync !== undefined) {
    try {
      fsync = parseFsyncPolicy(values.fsync);
    } catch (error) {
      throw usageError(`--fsync: ${(error as Error).message}`);
    }
  }
  const say = (line: string): void => {
    ctx.stderr.write(`${line}\n`);
  };
  let store: HistoryStore | false;
  const directory = values.data;
  if (perTopic === 0) store = false;
  else if (directory === undefined) store = new MemoryHistoryStore({ perTopic });
  else {
    // The server's dedupe window: the keys the directory holds within it survive the restart.
    const { dedupeWindowMs, dedupeMaxIds } = DEFAULT_MESSAGING_OPTIONS;
    const opened = await openFileHistoryStore({ directory, fsync, perTopic, dedupeWindowMs, dedupeMaxIds });
    store = opened.store;
    for (const line of recoveryLines(opened.report, lang)) say(line);
  }
  return {
    store,
    joinReplay,
    watch(handler) {
      handler.on("history", (event: HistoryTrouble | { kind: "warning"; warning: StoreWarning }) => {
        if (event.kind === "failing") {
          const why = event.error instanceof Error ? event.error.message : String(event.error);
          say(t(lang, "history.failing", { why, directory: directory ?? "" }));
        } else if (event.kind === "recovered") say(t(lang, "history.recovered"));
        else {
          const { kind, file, error } = event.warning;
          say(t(lang, "history.warning", { what: kind, file, why: error.message }));
        }
      });
    },
    close: () => (store === false ? Promise.resolve() : store.close()),
  };
}

/** What the scan of DIR found, one line each: how much was read, what was damaged or cut, a new epoch. */
export function recoveryLines(report: RecoveryReport, lang: Lang): string[] {
  const lines = [
    t(lang, "history.opened", {
      directory: report.directory,
      kept: report.kept,
      records: report.records,
      segments: report.segments,
      ms: Math.round(report.durationMs),
    }),
  ];
  if (report.dedupeKeys > 0) lines.push(t(lang, "history.dedupeKeys", { count: report.dedupeKeys }));
  for (const range of report.skipped) lines.push(t(lang, "history.dropped", { ...range }));
  for (const range of report.truncated) lines.push(t(lang, "history.truncated", { ...range }));
  if (report.staleLock !== undefined)
    lines.push(t(lang, "history.staleLock", { pid: report.staleLock, directory: report.directory }));
  if (report.newEpoch !== undefined && report.newEpoch !== "created")
    lines.push(t(lang, "history.newEpoch", { directory: report.directory, why: report.newEpoch }));
  return lines;
}
