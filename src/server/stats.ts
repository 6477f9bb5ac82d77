/**
 * The handler's counters for the live view (/varz, /connz, /metrics, text mode's /stats). The hot path
 * only adds to numbers: bytes on the `Stats` object (once per read, once per write), messages on the
 * session itself (SessionCounters); everything else (connections now, rooms, sums) is computed when a
 * snapshot is asked for, which is rare.
 */

import { readFileSync } from "node:fs";
import type { BusState } from "./bus/index.js";
import type { HistoryView } from "./routing/history-types.js";

/** Why a session ended (session.ts's DisconnectReason; a string here, so that neither imports the other). */
export type DisconnectReason = string;

/** What carries a connection: "websocket" for either subprotocol, else the session's mode. */
export type ConnectionKind = "text" | "framed" | "websocket";

export const CONNECTION_KINDS: readonly ConnectionKind[] = ["text", "framed", "websocket"];

/** The cluster as the handler last heard of it; "single" without a bus. */
export type ClusterState = "single" | BusState;

/** Why a new connection was not admitted. */
export type RejectReason = "shutdown" | "full" | "too-many" | "too-fast";

/** What a session counts about itself (a couple of numbers per connection). */
export interface SessionCounters {
  readonly id: string;
  readonly kind: ConnectionKind;
  readonly nick: string;
  readonly user: string | undefined;
  readonly address: string | undefined;
  readonly port: number | undefined;
  /** Date.now() when the connection was accepted. */
  readonly since: number;
  readonly room: string | undefined;
  readonly subscriptionCount: number;
  readonly pendingBytes: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
}

/** One connection in /connz. */
export interface ConnectionStats {
  readonly id: string;
  readonly kind: ConnectionKind;
  readonly nick: string;
  readonly user: string | null;
  readonly address: string | null;
  readonly port: number | null;
  /** ISO time the connection was accepted. */
  readonly since: string;
  readonly room: string | null;
  readonly subscriptions: number;
  readonly pendingBytes: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
}

/** A frozen snapshot of the whole server (`handler.stats()`, /varz). */
export interface StatsSnapshot {
  readonly version: string;
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly draining: boolean;
  readonly connections: {
    readonly now: Readonly<Record<ConnectionKind, number>>;
    readonly total: Readonly<Record<ConnectionKind, number>>;
  };
  readonly messages: { readonly in: number; readonly out: number };
  readonly bytes: { readonly in: number; readonly out: number };
  readonly slowConsumers: number;
  readonly authFailures: number;
  /** Connections cut off by a rate limit (framed message rate) or the text flood guard. */
  readonly rateLimited: number;
  readonly disconnects: Readonly<Record<DisconnectReason, number>>;
  readonly rejected: Readonly<Partial<Record<RejectReason, number>>>;
  readonly rooms: number;
  readonly subscriptions: number;
  readonly cluster: ClusterState;
  /** What the history keeps (under --workers each worker keeps the same: /varz shows one). */
  readonly history: HistoryView;
}

/** What a snapshot reads besides the counters (the handler gives it). */
export interface StatsSources {
  readonly sessions: Iterable<SessionCounters>;
  readonly history: HistoryView;
  readonly rooms: number;
  readonly subscriptions: number;
  readonly draining: boolean;
}

/** The server's counters; owned by MessagingHandler, one per handler. */
export class Stats {
  readonly startedAt = Date.now();
  readonly version = packageVersion();
  /** Bytes read from clients (added once per read). */
  bytesIn = 0;
  /** Bytes written to clients (added once per write). */
  bytesOut = 0;
  /** Messages of sessions that closed (the open ones count on themselves). */
  #closedIn = 0;
  #closedOut = 0;
  readonly #total: Record<ConnectionKind, number> = { text: 0, framed: 0, websocket: 0 };
  readonly #disconnects: Record<DisconnectReason, number> = {};
  readonly #rejected: Partial<Record<RejectReason, number>> = {};
  #authFailures = 0;
  cluster: ClusterState = "single";

  /** A connection was accepted (as `kind`). */
  connected(kind: ConnectionKind): void {
    this.#total[kind]++;
  }

  /** A connection accepted as `from` turned out to be `to` (text → framed on its first byte). */
  changedKind(from: ConnectionKind, to: ConnectionKind): void {
    this.#total[from]--;
    this.#total[to]++;
  }

  /** A session closed: its messages join the closed totals. */
  disconnected(session: SessionCounters, reason: DisconnectReason): void {
    this.#closedIn += session.messagesIn;
    this.#closedOut += session.messagesOut;
    this.#disconnects[reason] = (this.#disconnects[reason] ?? 0) + 1;
  }

  rejected(reason: RejectReason): void {
    this.#rejected[reason] = (this.#rejected[reason] ?? 0) + 1;
  }

  authFailed(): void {
    this.#authFailures++;
  }

  /** Everything at once, frozen. */
  snapshot(sources: StatsSources): StatsSnapshot {
    const now = { text: 0, framed: 0, websocket: 0 };
    let messagesIn = this.#closedIn;
    let messagesOut = this.#closedOut;
    for (const session of sources.sessions) {
      now[session.kind]++;
      messagesIn += session.messagesIn;
      messagesOut += session.messagesOut;
    }
    const disconnects = this.#disconnects;
    return deepFreeze({
      version: this.version,
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      draining: sources.draining,
      connections: { now, total: { ...this.#total } },
      messages: { in: messagesIn, out: messagesOut },
      bytes: { in: this.bytesIn, out: this.bytesOut },
      slowConsumers: disconnects["slow-consumer"] ?? 0,
      authFailures: this.#authFailures,
      rateLimited: (disconnects["rate-limit"] ?? 0) + (disconnects.flood ?? 0),
      disconnects: { ...disconnects },
      rejected: { ...this.#rejected },
      rooms: sources.rooms,
      subscriptions: sources.subscriptions,
      cluster: this.cluster,
      history: sources.history,
    });
  }
}

/** One session as /connz shows it. */
export function connectionStats(session: SessionCounters): ConnectionStats {
  return Object.freeze({
    id: session.id,
    kind: session.kind,
    nick: session.nick,
    user: session.user ?? null,
    address: session.address ?? null,
    port: session.port ?? null,
    since: new Date(session.since).toISOString(),
    room: session.room ?? null,
    subscriptions: session.subscriptionCount,
    pendingBytes: session.pendingBytes,
    messagesIn: session.messagesIn,
    messagesOut: session.messagesOut,
  });
}

/** enchufe's version, from its package.json (dist/server/ and src/server/ are both two levels down). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
