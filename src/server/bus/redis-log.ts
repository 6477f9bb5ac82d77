/**
 * The cluster's shared log (docs/HISTORY.md §10): one Redis stream, `P:log`, that positions every kept
 * message of every node. A node appends a batch with LOG_APPEND (one atomic script: the positions from
 * `P:log:seq`, then XADD with MAXLEN ~), and every node, the one that appended too, reads the whole stream
 * in order on a connection of its own (XREAD BLOCK), so every node delivers and keeps the same messages at
 * the same positions in the same order. A node that starts reads what the stream keeps first.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { Redis } from "ioredis";
import { EnchufeError } from "../../errors.js";
import type { BusLog, LogBatch, LogEntry, LogKey, LogShare } from "./bus.js";
import { decodeKeys, decodeLogMeta, decodeShares, encodeKeys, encodeLogMeta, encodeShares } from "./codec.js";
import type { RedisLink } from "./redis-link.js";
import { LOG_APPEND } from "./redis-scripts.js";

/** Entries read per XREAD. */
const READ_COUNT = 512;
/** Wait after a failed read before the next (Redis answered with an error, not a lost connection). */
const RETRY_MS = 200;
const COMMAND = "enchufeLogAppend";

type StreamReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

export class RedisLog implements BusLog {
  readonly #link: RedisLink;
  readonly #maxEntries: number;
  readonly #key: string;
  /** The node that takes a queue group's share (RedisGroups.pick). */
  readonly #pick: (name: string, pattern: string) => string | undefined;
  #reader: Redis | undefined;
  #onEntry: ((entry: LogEntry) => void) | undefined;
  /** The id of the last entry read ("0-0": read from the start). */
  #lastId = "0-0";
  /** The newest position read (the script starts a new epoch when Redis has less: it lost data). */
  #known = 0;
  #epoch = "";
  /** The epoch this node proposes if the log lost its own (a new one once a log took it). */
  #proposal = newEpoch();
  #closed = false;

  constructor(
    link: RedisLink,
    maxEntries: number,
    pick: (name: string, pattern: string) => string | undefined,
  ) {
    this.#link = link;
    this.#pick = pick;
    this.#maxEntries = maxEntries;
    this.#key = link.names.key("log");
  }

  get epoch(): string {
    return this.#epoch;
  }

  /** Names the log if nobody did, reads what it keeps (each entry to `onEntry`), then follows it on `reader`. */
  async start(cmd: Redis, reader: Redis, onEntry: (entry: LogEntry) => void): Promise<void> {
    cmd.defineCommand(COMMAND, { numberOfKeys: 0, lua: LOG_APPEND });
    const epochKey = this.#link.names.key("log:epoch");
    await cmd.set(epochKey, this.#proposal, "NX");
    this.#epoch = (await cmd.get(epochKey)) ?? "";
    if (this.#epoch === this.#proposal) this.#proposal = newEpoch();
    this.#reader = reader;
    this.#onEntry = onEntry;
    while ((await this.#read(reader, false)) === READ_COUNT) {}
    void this.#follow(reader);
  }

  close(): void {
    this.#closed = true;
  }

  append(batch: LogBatch): Promise<void> {
    const cmd = this.#link.ready as (Redis & Record<string, unknown>) | undefined;
    // A log this node cannot read is no log: what it appended would wait for a reader that is away.
    if (cmd === undefined || this.#reader?.status !== "ready") return Promise.reject(away());
    const given: LogShare[] = [];
    for (const share of batch.shares ?? []) {
      const node = this.#pick(share.name, share.pattern);
      if (node !== undefined) given.push({ ...share, node });
    }
    const run = cmd[COMMAND] as (...args: Array<string | number | Buffer>) => Promise<unknown>;
    return run
      .call(
        cmd,
        this.#link.names.prefix,
        batch.count,
        this.#maxEntries,
        this.#proposal,
        this.#known,
        encodeLogMeta(batch.count, batch.tag, this.#link.nodeId),
        batch.frames,
        encodeShares(given),
        encodeKeys(batch.keys ?? []),
      )
      .then(nothing);
  }

  async #follow(reader: Redis): Promise<void> {
    while (!this.#closed) {
      if (reader.status !== "ready") {
        await whenReady(reader);
        continue;
      }
      try {
        await this.#read(reader, true);
      } catch {
        if (reader.status === "ready" && !this.#closed) await delay(RETRY_MS);
      }
    }
  }

  /** One XREAD after the last entry read; returns how many entries it read. */
  async #read(reader: Redis, block: boolean): Promise<number> {
    const args: Array<string | number> = ["COUNT", READ_COUNT];
    if (block) args.push("BLOCK", 0);
    const reply = (await reader.xreadBuffer(
      ...(args as ["COUNT", number]),
      "STREAMS",
      this.#key,
      this.#lastId,
    )) as StreamReply;
    if (reply === null || this.#closed) return 0;
    let read = 0;
    for (const [, entries] of reply) {
      for (const [id, fields] of entries) {
        this.#lastId = id.toString();
        read++;
        const entry = decodeEntry(this.#lastId, fields);
        if (entry === undefined) continue;
        this.#known = entry.first + entry.count - 1;
        if (entry.epoch === this.#proposal) this.#proposal = newEpoch();
        this.#epoch = entry.epoch;
        this.#onEntry?.(entry);
      }
    }
    return read;
  }
}

/** Field names as LOG_APPEND writes them: one letter each. */
const P = 0x70;
const E = 0x65;
const M = 0x6d;
const B = 0x62;
const G = 0x67;
const K = 0x6b;

/** A stream entry as LOG_APPEND wrote it; undefined when it is not one (nobody to tell: skipped). */
export function decodeEntry(id: string, fields: readonly Buffer[]): LogEntry | undefined {
  let first = Number.NaN;
  let epoch: string | undefined;
  let meta: ReturnType<typeof decodeLogMeta>;
  let frames: Buffer | undefined;
  let shares: LogShare[] = [];
  let keys: LogKey[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (name.length !== 1) continue;
    switch (name[0]) {
      case P:
        first = Number(value.toString("latin1"));
        break;
      case E:
        epoch = value.toString("latin1");
        break;
      case M:
        meta = decodeLogMeta(value);
        break;
      case B:
        frames = value;
        break;
      case G:
        shares = decodeShares(value);
        break;
      case K:
        keys = decodeKeys(value);
        break;
    }
  }
  const time = Number(id.slice(0, id.indexOf("-")));
  if (epoch === undefined || meta === undefined || frames === undefined) return undefined;
  if (!(first >= 1 && meta.count >= 1 && time >= 0)) return undefined;
  return { epoch, first, count: meta.count, time, node: meta.node, tag: meta.tag, frames, shares, keys };
}

function newEpoch(): string {
  return randomBytes(8).toString("hex");
}

function away(): EnchufeError {
  return new EnchufeError("ECLUSTER", "the cluster's shared log (Redis) is not reachable");
}

function whenReady(connection: Redis): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      connection.off("ready", done);
      connection.off("end", done);
      resolve();
    };
    connection.on("ready", done);
    connection.on("end", done);
  });
}

function nothing(): void {}
