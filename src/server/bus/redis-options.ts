/** The Redis bus's options: the interface, its defaults and their validation at the boundary. */
import type { ConnectionOptions } from "node:tls";
import type { RedisOptions } from "ioredis";
import { optionError } from "../../errors.js";

/** Options of the Redis bus. Only `url` is required. */
export interface RedisBusOptions {
  /** `redis://host:port` or `rediss://host:port` (TLS); may carry `user:password@`. */
  readonly url: string;
  /** Redis password (overrides one in the URL). */
  readonly password?: string;
  /** TLS to Redis: `true` for defaults, or Node TLS options (ca, servername...). `rediss://` implies it. */
  readonly tls?: boolean | ConnectionOptions;
  /** How often this node refreshes its alive key and reaps dead nodes. */
  readonly heartbeatMs?: number;
  /** How long a silent node stays in presence; at least twice heartbeatMs. */
  readonly nodeTtlMs?: number;
  /** Prefix of every key and channel, so several clusters can share one Redis. */
  readonly prefix?: string;
  /** This node's id; by default host-pid-random. */
  readonly nodeId?: string;
  /** Time allowed for the first connection. */
  readonly connectTimeoutMs?: number;
  /** Upper bound of the reconnect backoff while Redis is away. */
  readonly reconnectMaxMs?: number;
  /**
   * Entries (batches) the shared log keeps, about (XADD MAXLEN ~): what a node that starts, or a client
   * that resumes on another node, can still get from it (docs/HISTORY.md §10).
   */
  readonly logMaxEntries?: number;
}

export const DEFAULT_REDIS_BUS_OPTIONS = {
  heartbeatMs: 5000,
  nodeTtlMs: 30000,
  prefix: "enchufe",
  connectTimeoutMs: 5000,
  reconnectMaxMs: 2000,
  logMaxEntries: 100_000,
} as const;

export type ResolvedOptions = Required<Omit<RedisBusOptions, "password" | "tls" | "nodeId">> &
  Pick<RedisBusOptions, "password" | "tls">;

const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
const NODE_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

export function resolveOptions(options: RedisBusOptions): ResolvedOptions {
  const resolved = { ...DEFAULT_REDIS_BUS_OPTIONS, ...options };
  let url: URL;
  try {
    url = new URL(resolved.url);
  } catch {
    throw optionError("url", "should be redis://HOST:PORT or rediss://HOST:PORT", resolved.url);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw optionError("url", "should start with redis:// or rediss://", redactUrl(resolved.url));
  }
  for (const name of ["heartbeatMs", "connectTimeoutMs", "reconnectMaxMs", "logMaxEntries"] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value <= 0)
      throw optionError(name, "should be a positive integer", value);
  }
  if (!Number.isInteger(resolved.nodeTtlMs) || resolved.nodeTtlMs < 2 * resolved.heartbeatMs) {
    throw optionError(
      "nodeTtlMs",
      `should be an integer >= 2 * heartbeatMs (${2 * resolved.heartbeatMs})`,
      resolved.nodeTtlMs,
    );
  }
  if (!PREFIX.test(resolved.prefix))
    throw optionError("prefix", "should be 1-64 of [A-Za-z0-9_.:-]", resolved.prefix);
  return Object.freeze(resolved);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(
    /\/\/([^@/]*)@/,
    (_whole, auth: string) => `//${auth.includes(":") ? `${auth.split(":")[0]}:***` : auth}@`,
  );
}

/** Throws EOPTION unless `nodeId` can name this node's keys and channels. */
export function checkNodeId(nodeId: string): void {
  if (!NODE_ID.test(nodeId)) throw optionError("nodeId", "should be 1-100 of [A-Za-z0-9_.:-]", nodeId);
}

/** ioredis's options for one of the bus's connections; it reconnects (with backoff) while `retrying()`. */
export function connectionOptions(resolved: ResolvedOptions, retrying: () => boolean): RedisOptions {
  const { password, tls, connectTimeoutMs, reconnectMaxMs } = resolved;
  const options: RedisOptions = {
    lazyConnect: true,
    // Nothing waits for Redis: while it is away, commands fail at once and publishes are dropped.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResubscribe: false, // the bus resubscribes from its own state when it registers again
    connectTimeout: connectTimeoutMs,
    retryStrategy: (times: number) =>
      retrying()
        ? Math.min(50 * 2 ** Math.min(times, 10), reconnectMaxMs) + Math.floor(Math.random() * 50)
        : null,
  };
  if (password !== undefined) options.password = password;
  if (tls !== undefined && tls !== false) options.tls = tls === true ? {} : tls;
  return options;
}
