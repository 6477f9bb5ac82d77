/**
 * The server's cluster flags: --cluster URL and its Redis options, and --workers N|auto. Checked
 * here (usage errors, exit 2) before anything starts.
 */
import { availableParallelism } from "node:os";
import { isEnchufeError } from "../errors.js";
import { type Lang, t } from "../i18n/index.js";
import {
  createBus,
  DEFAULT_REDIS_BUS_OPTIONS,
  type MessageBus,
  type RedisBusOptions,
  redactUrl,
} from "../server/bus/index.js";
import { numberValue, usageError } from "./args.js";
import { readCliFile } from "./files.js";

export const CLUSTER_OPTIONS = {
  cluster: { type: "string" },
  "cluster-password-file": { type: "string" },
  "cluster-ca": { type: "string" },
  "cluster-heartbeat": { type: "string" },
  "cluster-ttl": { type: "string" },
  "cluster-log": { type: "string" },
  workers: { type: "string" },
} as const;

type ClusterValues = {
  readonly [K in keyof typeof CLUSTER_OPTIONS]?: string | undefined;
};

/** Beats a node may miss before the others drop its users (the default TTL is 6 heartbeats). */
const BEATS_PER_TTL = 6;
const MAX_WORKERS = 256;

/** The Redis bus for --cluster, or undefined without it. Usage errors for every bad value. */
export async function clusterBus(values: ClusterValues, lang: Lang): Promise<MessageBus | undefined> {
  const url = values.cluster;
  if (url === undefined) {
    const flags = [
      "cluster-password-file",
      "cluster-ca",
      "cluster-heartbeat",
      "cluster-ttl",
      "cluster-log",
    ] as const;
    for (const flag of flags) {
      if (values[flag] !== undefined)
        throw usageError(t(lang, "cli.together", { a: `--${flag}`, b: "--cluster" }));
    }
    return undefined;
  }
  if (!isRedisUrl(url)) throw usageError(t(lang, "cluster.badUrl", { value: redactUrl(url) }));
  const heartbeatSeconds = numberValue("cluster-heartbeat", values["cluster-heartbeat"], 5, lang, {
    min: 0.05,
  });
  const ttlSeconds = numberValue(
    "cluster-ttl",
    values["cluster-ttl"],
    heartbeatSeconds * BEATS_PER_TTL,
    lang,
    { min: 0.1 },
  );
  const logMaxEntries = numberValue(
    "cluster-log",
    values["cluster-log"],
    DEFAULT_REDIS_BUS_OPTIONS.logMaxEntries,
    lang,
    {
      integer: true,
      min: 1,
    },
  );
  const options: { -readonly [K in keyof RedisBusOptions]: RedisBusOptions[K] } = {
    url,
    heartbeatMs: Math.round(heartbeatSeconds * 1000),
    nodeTtlMs: Math.round(ttlSeconds * 1000),
    logMaxEntries,
  };
  const passwordFile = values["cluster-password-file"];
  if (passwordFile !== undefined) {
    options.password = (await readCliFile(passwordFile)).toString("utf8").replace(/\r?\n$/, "");
  }
  const caFile = values["cluster-ca"];
  if (caFile !== undefined) options.tls = { ca: await readCliFile(caFile) };
  try {
    return createBus(options);
  } catch (error) {
    if (isEnchufeError(error, "EOPTION"))
      throw usageError(t(lang, "cluster.badOption", { message: error.message }));
    throw error;
  }
}

function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * The --workers count (auto = one per CPU), or undefined without the flag. Workers need --cluster
 * (otherwise each process would have rooms of its own).
 */
export function workerCount(values: ClusterValues, lang: Lang): number | undefined {
  const value = values.workers;
  if (value === undefined) return undefined;
  const count =
    value === "auto"
      ? Math.min(availableParallelism(), MAX_WORKERS)
      : /^\d{1,3}$/.test(value)
        ? Number(value)
        : 0;
  if (count < 1 || count > MAX_WORKERS) throw usageError(t(lang, "cluster.badWorkers", { value }));
  if (values.cluster === undefined) throw usageError(t(lang, "cluster.workersNeedCluster"));
  return count;
}
