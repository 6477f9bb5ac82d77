/**
 * `node --import tsx bench/store.ts [--seconds S] [--log-mib N] [--payload B] [--sqlite DIR]`
 * The history store alone (no sockets): appends per second for the memory store and the file store
 * under each fsync policy (100 appends a turn, and 1 a turn: one commit per message), then the replay
 * rate and open time of a log of N MiB (default 150: the disk is shared, so not 1 GiB). With
 * better-sqlite3 installed (`npm install --no-save better-sqlite3@12.11.1`, or `--sqlite` naming its
 * package folder) the same rows for a SQLite table in WAL mode, for comparison only.
 * Everything is written in a temporary directory that is removed at the end.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type HistoryStore, MemoryHistoryStore, openFileHistoryStore } from "../src/store/index.js";
import type { FsyncPolicy } from "../src/store/options.js";
import { fillLog } from "./log-fill.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "2" },
    repetitions: { type: "string", default: "3" },
    "log-mib": { type: "string", default: "150" },
    payload: { type: "string", default: "64" },
    sqlite: { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const REPETITIONS = Number(values.repetitions);
const LOG_MIB = Number(values["log-mib"]);
const PAYLOAD = Buffer.alloc(Number(values.payload), 0x61);
const TOPICS = Array.from({ length: 100 }, (_, i) => `bench.room.${i}`);
const root = mkdtempSync(join(tmpdir(), "enchufe-bench-store-"));
let directories = 0;

function freshDirectory(): string {
  return join(root, `d${directories++}`);
}

/** Appends `perTurn` messages, waits for the commit, again, for SECONDS; returns appends per second. */
async function appendRate(store: HistoryStore, perTurn: number): Promise<number> {
  const started = performance.now();
  const end = started + SECONDS * 1000;
  let count = 0;
  let topic = 0;
  while (performance.now() < end) {
    for (let i = 0; i < perTurn; i++) {
      store.append(TOPICS[topic]!, PAYLOAD, "bench");
      topic = (topic + 1) % TOPICS.length;
    }
    await store.committed();
    count += perTurn;
  }
  return count / ((performance.now() - started) / 1000);
}

interface Backend {
  readonly name: string;
  open(): Promise<HistoryStore>;
}

const policies: Array<[string, FsyncPolicy]> = [
  ["file, fsync never", "never"],
  ["file, fsync 1000 (default)", 1000],
  ["file, fsync always", "always"],
];
const backends: Backend[] = [
  { name: "memory", open: () => Promise.resolve(new MemoryHistoryStore()) },
  ...policies.map(([name, fsync]) => ({
    name,
    open: async () => (await openFileHistoryStore({ directory: freshDirectory(), fsync })).store,
  })),
];

function format(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** The median of REPETITIONS runs, each on a new store. */
async function medianRate(backend: Backend, perTurn: number): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const store = await backend.open();
    rates.push(await appendRate(store, perTurn));
    await store.close();
  }
  return middle(rates);
}

function median(run: () => number): number {
  return middle(Array.from({ length: REPETITIONS }, run));
}

function middle(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

const rows: string[][] = [];
for (const backend of backends) {
  rows.push([backend.name, format(await medianRate(backend, 100)), format(await medianRate(backend, 1))]);
}

const sqlite = loadSqlite(values.sqlite);
if (sqlite !== undefined) {
  for (const synchronous of ["OFF", "NORMAL", "FULL"]) {
    rows.push([
      `better-sqlite3, WAL, synchronous=${synchronous}`,
      format(median(() => sqliteAppendRate(sqlite, synchronous, 100))),
      format(median(() => sqliteAppendRate(sqlite, synchronous, 1))),
    ]);
  }
}

console.log(
  `\nAppends per second (${PAYLOAD.length} B payloads, ${TOPICS.length} topics, median of ${REPETITIONS} runs of ${SECONDS} s)`,
);
printTable(["store", "100 a turn", "1 a turn"], rows);

// Replay: a log of LOG_MIB written with fsync never, then opened (every record read, CRC checked, indexed).
const logDirectory = freshDirectory();
const payload = Buffer.alloc(200, 0x62);
await fillLog(logDirectory, LOG_MIB * 1024 * 1024, payload.length);
const replayRows: string[][] = [];
for (const [label, limits] of [
  ["everything kept", { maxBytes: 2 ** 40, perTopic: 100_000_000 }],
  ["default limits (64 MiB, 1000 a topic)", {}],
] as const) {
  const { store, report } = await openFileHistoryStore({ directory: logDirectory, ...limits });
  const seconds = report.durationMs / 1000;
  replayRows.push([
    label,
    `${(report.bytesRead / 2 ** 20).toFixed(0)} MiB`,
    format(report.records),
    format(report.kept),
    `${seconds.toFixed(2)} s`,
    format(report.records / seconds),
    `${(report.bytesRead / 2 ** 20 / seconds).toFixed(0)} MiB/s`,
  ]);
  await store.close();
}
if (sqlite !== undefined) replayRows.push(sqliteReplay(sqlite, LOG_MIB, payload));
console.log(`\nOpen (replay) of a ${LOG_MIB} MiB log, ${payload.length} B payloads`);
printTable(["limits", "log", "records", "kept", "open time", "records/s", "read"], replayRows);
rmSync(root, { recursive: true, force: true });

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`);
  for (const row of body) console.log(line(row));
}

// better-sqlite3, for comparison only (not a dependency): loaded if present.
interface SqliteStatement {
  run(...args: unknown[]): unknown;
  iterate(...args: unknown[]): IterableIterator<unknown>;
}
interface SqliteDatabase {
  pragma(text: string): unknown;
  exec(text: string): void;
  prepare(text: string): SqliteStatement;
  transaction(run: (count: number) => void): (count: number) => void;
  close(): void;
}
type SqliteOpen = new (path: string) => SqliteDatabase;

function loadSqlite(folder: string | undefined): SqliteOpen | undefined {
  try {
    return createRequire(import.meta.url)(folder ?? "better-sqlite3") as SqliteOpen;
  } catch {
    console.log("(better-sqlite3 is not installed: its rows are left out)");
    return undefined;
  }
}

function sqliteOpen(Database: SqliteOpen, synchronous: string): SqliteDatabase {
  const directory = freshDirectory();
  mkdirSync(directory, { recursive: true });
  const db = new Database(join(directory, "history.db"));
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(
    "CREATE TABLE IF NOT EXISTS messages (position INTEGER PRIMARY KEY, time INTEGER, topic TEXT, sender TEXT, payload BLOB)",
  );
  return db;
}

/** One transaction a turn, like the group commit; the turn ends with setImmediate as ours does. */
function sqliteAppendRate(Database: SqliteOpen, synchronous: string, perTurn: number): number {
  const db = sqliteOpen(Database, synchronous);
  const insert = db.prepare(
    "INSERT INTO messages (position, time, topic, sender, payload) VALUES (?, ?, ?, ?, ?)",
  );
  let position = 0;
  let topic = 0;
  const turn = db.transaction((count: number) => {
    for (let i = 0; i < count; i++) {
      insert.run(++position, Date.now(), TOPICS[topic]!, "bench", PAYLOAD);
      topic = (topic + 1) % TOPICS.length;
    }
  });
  const started = performance.now();
  const end = started + SECONDS * 1000;
  while (performance.now() < end) turn(perTurn);
  const rate = position / ((performance.now() - started) / 1000);
  db.close();
  return rate;
}

function sqliteReplay(Database: SqliteOpen, mib: number, payload: Buffer): string[] {
  const db = sqliteOpen(Database, "OFF");
  const insert = db.prepare(
    "INSERT INTO messages (position, time, topic, sender, payload) VALUES (?, ?, ?, ?, ?)",
  );
  let position = 0;
  const fill = db.transaction((count: number) => {
    for (let i = 0; i < count; i++)
      insert.run(++position, Date.now(), TOPICS[position % 100]!, "bench", payload);
  });
  // About the same bytes of rows as our log's records (SQLite's own overhead comes on top).
  while (position * (payload.length + 52) < mib * 1024 * 1024) fill(10_000);
  const started = performance.now();
  let read = 0;
  for (const _row of db.prepare("SELECT * FROM messages ORDER BY position").iterate()) read++;
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return [
    "better-sqlite3: SELECT every row",
    `~${mib} MiB`,
    format(read),
    format(read),
    `${seconds.toFixed(2)} s`,
    format(read / seconds),
    "-",
  ];
}
