/** Turns runs into rows (medians, min–max, ratio to enchufe) and rows into Markdown tables. */
import { IDLE_SETTLE_MS, type Sample } from "./runner.js";
import type { CaseKind, WorkloadName } from "./workloads.js";

export interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export type MetricName =
  | "rate"
  | "publishRate"
  | "p50"
  | "p99"
  | "max"
  | "loss"
  | "reorder"
  | "subsWithLoss"
  | "errors"
  | "serverCpuPct"
  | "perServerCpuS"
  | "loadgenCpuPct"
  | "otherCpuPct"
  | "rssPerConnection"
  | "settledPerConnection"
  | "rss"
  | "baselineRss"
  | "connected"
  | "startMs"
  | "startCpuS"
  | "logBytes"
  | "records"
  | "kept"
  | "openMs";

export interface Row {
  readonly workload: WorkloadName;
  readonly kind: CaseKind;
  readonly label: string;
  readonly target: string;
  readonly compareWith: string;
  /** The case of the enchufe row to compare with, when not this row's own (fanout-cluster vs fanout). */
  readonly compareCase?: { readonly workload: WorkloadName; readonly label: string } | undefined;
  readonly runs: number;
  readonly failures: readonly string[];
  readonly metrics: Partial<Record<MetricName, Stat>>;
  /** Primary metric divided by the same metric of the enchufe row it is compared with. */
  ratio?: number | undefined;
}

function stat(values: readonly number[]): Stat | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

function metricsOf(sample: Sample, kind: CaseKind): Partial<Record<MetricName, number>> {
  const r = sample.result;
  if (kind === "restart") {
    const restart = sample.restart;
    if (restart === undefined) return {};
    return {
      startMs: restart.startMs,
      startCpuS: sample.serverCpuS,
      logBytes: restart.logBytes,
      records: restart.records,
      kept: restart.kept,
      openMs: restart.openMs,
      rss: sample.serverRss,
    };
  }
  if (kind === "idle") {
    const rss = sample.serverRss;
    return {
      rss,
      baselineRss: sample.baselineRss,
      rssPerConnection: r.connected > 0 ? (rss - sample.baselineRss) / r.connected : 0,
      ...(sample.settledRss === undefined || r.connected === 0
        ? {}
        : { settledPerConnection: (sample.settledRss - sample.baselineRss) / r.connected }),
      connected: r.connected,
    };
  }
  const cpuPct = r.window_s > 0 ? (100 * sample.serverCpuS) / r.window_s : 0;
  return {
    rate: r.delivered_rate,
    publishRate: r.publish_rate,
    p50: r.latency_us.p50,
    p99: r.latency_us.p99,
    max: r.latency_us.max,
    loss: r.loss,
    reorder: r.reorder,
    subsWithLoss: r.subs_with_loss,
    errors: r.errors + r.closed_by_server,
    serverCpuPct: cpuPct,
    perServerCpuS: sample.serverCpuS > 0 ? r.delivered / sample.serverCpuS : 0,
    loadgenCpuPct: r.loadgen_cpu_pct,
    // CPU used by neither the server nor the load generator (the orchestrator, the kernel's softirq time
    // not charged to them, and anything else running on the machine): high means the figures are disturbed.
    otherCpuPct:
      r.window_s > 0
        ? Math.max(0, (100 * (sample.machineCpuS - sample.serverCpuS - r.loadgen_cpu_s)) / r.window_s)
        : 0,
  };
}

/** Folds the samples of one case and target into a row. */
export function makeRow(base: Omit<Row, "metrics" | "runs" | "ratio">, samples: readonly Sample[]): Row {
  const perMetric = new Map<MetricName, number[]>();
  for (const sample of samples) {
    for (const [name, value] of Object.entries(metricsOf(sample, base.kind)) as [MetricName, number][]) {
      const list = perMetric.get(name) ?? [];
      list.push(value);
      perMetric.set(name, list);
    }
  }
  const metrics: Partial<Record<MetricName, Stat>> = {};
  for (const [name, values] of perMetric) {
    const value = stat(values);
    if (value !== undefined) metrics[name] = value;
  }
  return { ...base, runs: samples.length, metrics };
}

/** The metric the "vs enchufe" column divides. */
export function primaryMetric(kind: CaseKind): MetricName {
  if (kind === "websocket" || kind === "history" || kind === "ack") return "perServerCpuS";
  if (kind === "restart") return "startMs";
  return kind === "latency" ? "p99" : kind === "idle" ? "rssPerConnection" : "rate";
}

/** Fills each row's ratio against the enchufe row of the same case it is compared with. */
export function addRatios(rows: Row[]): void {
  for (const row of rows) {
    const { workload, label } = row.compareCase ?? row;
    const sameCase = rows.filter((other) => other.workload === workload && other.label === label);
    // Fall back to another enchufe row of the case (idle has one enchufe row for every peer).
    const reference =
      sameCase.find((other) => other.target === row.compareWith) ??
      sameCase.find((other) => other !== row && other.target.startsWith("enchufe"));
    const metric = primaryMetric(row.kind);
    const mine = row.metrics[metric]?.median;
    const theirs = reference?.metrics[metric]?.median;
    row.ratio = mine !== undefined && theirs !== undefined && theirs > 0 ? mine / theirs : undefined;
  }
}

// ---- formatting ----

export function formatCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e7 ? 1 : 2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e4 ? 0 : 1)}k`;
  return value.toFixed(value >= 100 || Number.isInteger(value) ? 0 : 1);
}

export function formatMicros(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(us >= 1e4 ? 0 : 1)} ms`;
  return `${us.toFixed(0)} µs`;
}

export function formatMillis(ms: number): string {
  return formatMicros(ms * 1000);
}

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

type Formatter = (value: number) => string;

function cell(row: Row, metric: MetricName, format: Formatter, range = false): string {
  const value = row.metrics[metric];
  if (value === undefined) return "–";
  if (!range || row.runs < 2) return format(value.median);
  return `${format(value.median)} (${format(value.min)}–${format(value.max)})`;
}

const percent: Formatter = (value) => `${value.toFixed(0)}%`;

interface Column {
  readonly title: string;
  readonly render: (row: Row) => string;
}

function columns(kind: CaseKind): Column[] {
  const ratio: Column = {
    title:
      kind === "latency"
        ? "p99 vs enchufe"
        : kind === "websocket"
          ? "per CPU-s vs TCP"
          : kind === "history"
            ? "per CPU-s vs history off"
            : kind === "ack"
              ? "per CPU-s vs enchufe"
              : kind === "replay"
                ? "vs memory"
                : "vs enchufe",
    render: (row) => (row.ratio === undefined ? "–" : `${row.ratio.toFixed(2)}×`),
  };
  const latency: Column[] = [
    { title: "p50", render: (row) => cell(row, "p50", formatMicros) },
    { title: "p99", render: (row) => cell(row, "p99", formatMicros, kind === "latency") },
    { title: "max", render: (row) => cell(row, "max", formatMicros) },
  ];
  const cpu: Column[] = [
    { title: "server CPU", render: (row) => cell(row, "serverCpuPct", percent) },
    { title: "per server CPU-s", render: (row) => cell(row, "perServerCpuS", formatCount) },
    { title: "loadgen CPU", render: (row) => cell(row, "loadgenCpuPct", percent) },
    { title: "other CPU", render: (row) => cell(row, "otherCpuPct", percent) },
  ];
  const rate = (title: string): Column => ({
    title,
    render: (row) => cell(row, "rate", formatCount, true),
  });
  switch (kind) {
    case "throughput":
    case "cluster":
      return [
        rate("delivered/s"),
        ratio,
        { title: "publish/s", render: (row) => cell(row, "publishRate", formatCount) },
        ...latency,
        { title: "loss", render: (row) => cell(row, "loss", formatCount) },
        { title: "reorder", render: (row) => cell(row, "reorder", formatCount) },
        ...cpu,
      ];
    case "websocket":
    case "history":
      return [
        { title: "per server CPU-s", render: (row) => cell(row, "perServerCpuS", formatCount, true) },
        ratio,
        rate("delivered/s"),
        { title: "publish/s", render: (row) => cell(row, "publishRate", formatCount) },
        ...latency,
        { title: "loss", render: (row) => cell(row, "loss", formatCount) },
        ...cpu.filter((column) => column.title !== "per server CPU-s"),
      ];
    case "latency":
      return [
        ...latency,
        ratio,
        rate("delivered/s"),
        { title: "loss", render: (row) => cell(row, "loss", formatCount) },
        { title: "reorder", render: (row) => cell(row, "reorder", formatCount) },
        ...cpu,
      ];
    case "request":
      return [rate("round trips/s"), ratio, ...latency, ...cpu];
    case "ack":
      return [
        { title: "per server CPU-s", render: (row) => cell(row, "perServerCpuS", formatCount, true) },
        ratio,
        rate("acks/s"),
        ...latency,
        { title: "not acked", render: (row) => cell(row, "loss", formatCount) },
        ...cpu.filter((column) => column.title !== "per server CPU-s"),
      ];
    case "replay":
      return [
        rate("replayed/s"),
        ratio,
        { title: "not replayed", render: (row) => cell(row, "loss", formatCount) },
        ...cpu,
      ];
    case "restart":
      return [
        { title: "start to listening", render: (row) => cell(row, "startMs", formatMillis, true) },
        { title: "log on disk", render: (row) => cell(row, "logBytes", formatBytes) },
        { title: "records read", render: (row) => cell(row, "records", formatCount) },
        { title: "kept", render: (row) => cell(row, "kept", formatCount) },
        { title: "store open (its line)", render: (row) => cell(row, "openMs", formatMillis) },
        { title: "server CPU", render: (row) => cell(row, "startCpuS", (value) => `${value.toFixed(2)} s`) },
        { title: "RSS", render: (row) => cell(row, "rss", formatBytes) },
      ];
    case "greet":
      return [
        rate("connections/s"),
        ratio,
        ...latency,
        { title: "errors", render: (row) => cell(row, "errors", formatCount) },
        ...cpu,
      ];
    case "idle":
      return [
        { title: "RSS per connection", render: (row) => cell(row, "rssPerConnection", formatBytes, true) },
        ratio,
        {
          title: `after ${IDLE_SETTLE_MS / 1000} s quiet`,
          render: (row) => cell(row, "settledPerConnection", formatBytes, true),
        },
        { title: "RSS, all open", render: (row) => cell(row, "rss", formatBytes) },
        { title: "RSS at start", render: (row) => cell(row, "baselineRss", formatBytes) },
        { title: "connected", render: (row) => cell(row, "connected", formatCount) },
      ];
  }
}

const TITLES: Record<WorkloadName, string> = {
  greet: "greet: connect, read the greeting, server closes (connect-to-close latency)",
  fanout: "fanout: 1 publisher as fast as the window allows, S subscribers in one room",
  "fanout-ws":
    "fanout-ws: S WebSocket subscribers (enchufe-ws-*) against S TCP subscribers, 1 TCP publisher; ratio per server CPU-second",
  "fanout-rate": "fanout at a fixed rate: latency from the payload's timestamp",
  request:
    "request: round trips, answered by the server (enchufe `echo` handler, redis ECHO) or by a responder client (enchufe, NATS)",
  idle: "idle: connections open and silent; server RSS over its baseline",
  "fanout-cluster": "fanout-cluster: two enchufe nodes on a Redis bus, subscribers alternating",
  "fanout-history":
    "fanout-history: fanout with the history off, in memory (the default) and on disk (--data, each --fsync); ratio per server CPU-second against history off, same build",
  "ack-publish":
    "ack-publish: acknowledged publishes, 64 B, 1 in flight and 64 pipelined (enchufe APUB -> PUBACK, JetStream publish -> ack); ratio per server CPU-second against enchufe, same storage",
  replay:
    "replay: a version-2 subscriber's RSUB from position 1 over the kept messages, timed until REPLAYED (the fill is not timed)",
  restart:
    "restart: `enchufe server --data DIR` over a log built with the store API, from spawn to its listening line (page cache warm: the log was just written)",
  "queue-group":
    "queue-group: 1 publisher, the subscribers in one queue group (enchufe GSUB, NATS queue subscription): each message to one of them",
};

/** Markdown tables, one per workload, in the order the rows came. */
export function renderTables(rows: readonly Row[]): string {
  const out: string[] = [];
  const workloads = [...new Set(rows.map((row) => row.workload))];
  for (const workload of workloads) {
    const mine = rows.filter((row) => row.workload === workload);
    const kind = mine[0]?.kind ?? "throughput";
    const cols = columns(kind);
    out.push(`### ${TITLES[workload]}`, "");
    out.push(`| case | server | ${cols.map((col) => col.title).join(" | ")} |`);
    out.push(`| --- | --- | ${cols.map(() => "---").join(" | ")} |`);
    for (const row of mine) {
      const values =
        row.runs === 0
          ? [`failed: ${row.failures.join("; ").slice(0, 160).replaceAll("|", "/").replaceAll("\n", " ")}`]
          : cols.map((col) => col.render(row));
      const failed = row.failures.length > 0 && row.runs > 0 ? ` (${row.failures.length} failed)` : "";
      out.push(`| ${row.label} | ${row.target}${failed} | ${values.join(" | ")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}
