/**
 * The server's counters in the Prometheus text exposition format (version 0.0.4): `enchufe_*` names,
 * one `# HELP` and one `# TYPE` line per family, counters ending in `_total`, label values escaped.
 * Pure: a snapshot goes in, text comes out.
 */
import { CONNECTION_KINDS, type StatsSnapshot } from "../stats.js";

/** The Content-Type of the text format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly help: string;
  readonly samples: readonly (readonly [Labels, number])[];
}

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escaped: backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`;
}

function families(stats: StatsSnapshot): Family[] {
  const one = (value: number): (readonly [Labels, number])[] => [[{}, value]];
  const byKind = (counts: Readonly<Record<string, number>>) =>
    CONNECTION_KINDS.map((kind) => [{ kind }, counts[kind] ?? 0] as const);
  const byReason = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts).map(([reason, count]) => [{ reason }, count] as const);
  return [
    {
      name: "enchufe_info",
      type: "gauge",
      help: "Always 1; the labels say the version and the cluster state.",
      samples: [[{ version: stats.version, cluster: stats.cluster }, 1]],
    },
    {
      name: "enchufe_history_messages",
      type: "gauge",
      help: "Messages the history keeps now (labels: its epoch, and whether the cluster shares it).",
      samples: [
        [{ epoch: stats.history.epoch, shared: String(stats.history.shared) }, stats.history.messages],
      ],
    },
    {
      name: "enchufe_history_bytes",
      type: "gauge",
      help: "Bytes of the messages the history keeps now.",
      samples: one(stats.history.bytes),
    },
    {
      name: "enchufe_history_position",
      type: "gauge",
      help: "The newest position kept and written (it grows with every kept message).",
      samples: one(stats.history.position),
    },
    {
      name: "enchufe_uptime_seconds",
      type: "gauge",
      help: "Seconds since the server started.",
      samples: one(stats.uptimeSeconds),
    },
    {
      name: "enchufe_draining",
      type: "gauge",
      help: "1 while the server shuts down, 0 while it serves.",
      samples: one(stats.draining ? 1 : 0),
    },
    {
      name: "enchufe_connections",
      type: "gauge",
      help: "Connections open now, by kind.",
      samples: byKind(stats.connections.now),
    },
    {
      name: "enchufe_connections_total",
      type: "counter",
      help: "Connections accepted since the start, by kind.",
      samples: byKind(stats.connections.total),
    },
    {
      name: "enchufe_messages_received_total",
      type: "counter",
      help: "Messages received from clients (publishes, room lines, private messages, requests).",
      samples: one(stats.messages.in),
    },
    {
      name: "enchufe_messages_sent_total",
      type: "counter",
      help: "Messages delivered to clients.",
      samples: one(stats.messages.out),
    },
    {
      name: "enchufe_received_bytes_total",
      type: "counter",
      help: "Bytes read from clients.",
      samples: one(stats.bytes.in),
    },
    {
      name: "enchufe_sent_bytes_total",
      type: "counter",
      help: "Bytes written to clients.",
      samples: one(stats.bytes.out),
    },
    {
      name: "enchufe_slow_consumers_total",
      type: "counter",
      help: "Clients cut off because they did not read their output (--max-pending).",
      samples: one(stats.slowConsumers),
    },
    {
      name: "enchufe_auth_failures_total",
      type: "counter",
      help: "Failed logins (password, token or certificate).",
      samples: one(stats.authFailures),
    },
    {
      name: "enchufe_rate_limited_total",
      type: "counter",
      help: "Clients cut off by the message rate limit or the text flood guard.",
      samples: one(stats.rateLimited),
    },
    {
      name: "enchufe_disconnects_total",
      type: "counter",
      help: "Connections closed, by reason.",
      samples: byReason(stats.disconnects),
    },
    {
      name: "enchufe_rejected_total",
      type: "counter",
      help: "Connections refused at admission, by reason.",
      samples: byReason(stats.rejected),
    },
    {
      name: "enchufe_rooms",
      type: "gauge",
      help: "Rooms with people on this node.",
      samples: one(stats.rooms),
    },
    {
      name: "enchufe_subscriptions",
      type: "gauge",
      help: "Subscriptions of programs on this node.",
      samples: one(stats.subscriptions),
    },
  ];
}

/** One process's counters; `worker` (under --workers) becomes a label on each of its samples. */
export interface LabelledStats {
  readonly worker: string | undefined;
  readonly stats: StatsSnapshot;
}

/**
 * The whole exposition: every family once, with its HELP and TYPE lines, then the samples of every
 * process (labelled `worker` when given), and a final newline.
 */
export function renderMetrics(stats: StatsSnapshot | readonly LabelledStats[]): string {
  const views: readonly LabelledStats[] = Array.isArray(stats)
    ? stats
    : [{ worker: undefined, stats: stats as StatsSnapshot }];
  const perView = views.map((view) => ({ worker: view.worker, families: families(view.stats) }));
  const lines: string[] = [];
  const template = perView[0]?.families ?? [];
  template.forEach((family, index) => {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const view of perView) {
      for (const [labels, value] of view.families[index]?.samples ?? []) {
        const all = view.worker === undefined ? labels : { ...labels, worker: view.worker };
        lines.push(`${family.name}${formatLabels(all)} ${formatValue(value)}`);
      }
    }
  });
  return `${lines.join("\n")}\n`;
}
