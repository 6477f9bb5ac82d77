/**
 * `npm run bench [-- --quick] [--only fanout,idle] [--servers enchufe,ref,nats] [--repetitions N] [--write-doc]`
 * Runs every selected workload against every selected, installed server, prints the tables and writes
 * bench/results/latest.json (and, with --write-doc, the results section of docs/PERFORMANCE.md).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_DIR, BUILD_DIR, buildLoadgen } from "./loadgen.js";
import { describeMachine, type Machine } from "./machine.js";
import { hasCommand, ProcessRegistry } from "./proc.js";
import { newestProfile, summarizeProfile } from "./profile.js";
import { addRatios, formatCount, makeRow, type Row, renderTables } from "./report.js";
import { ClusterUnsupported, LOG_DIR, type RunContext, runOnce, type Sample } from "./runner.js";
import { selectTargets, type Target, TargetUnsupported } from "./servers.js";
import { type BenchCase, buildCases, PROFILES, WORKLOADS, type WorkloadName } from "./workloads.js";

const USAGE = `npm run bench -- [options]
  --quick               one repetition of a smaller matrix (under two minutes)
  --only LIST           workloads: ${WORKLOADS.join(",")}
  --servers LIST        servers: enchufe,ref,ncat,nats,redis,mosquitto (or enchufe-text, enchufe-framed,
                        enchufe-ws-text, enchufe-ws-framed: subscribers on WebSocket; nats-js: JetStream,
                        ack-publish only, also selected by nats)
  --publishers N        publishers in each fanout case (default 1)
  --window N            fanout messages in flight per publisher and subscriber (default: 65536 / S, 16..1000)
  --duration S          measurement window in seconds (default 5, 1 with --quick)
  --repetitions N       repetitions per case (default 3, 1 with --quick)
  --write-doc           also rewrite the results section of docs/PERFORMANCE.md
  --no-pin              do not pin the server and the load generator to cores 0 and 1
  --profile             run enchufe under node --cpu-prof and print its top self-time functions per case
Environment: ENCHUFE_BENCH_ROOT=DIR runs the enchufe build in DIR instead of this checkout;
  ENCHUFE_BENCH_BASELINE=DIR also runs the build in DIR (targets enchufe-…@baseline), case by case`;

const RESULTS_START = "<!-- bench:results:start -->";
const RESULTS_END = "<!-- bench:results:end -->";

interface Options {
  readonly quick: boolean;
  readonly only: WorkloadName[];
  readonly servers: string[] | undefined;
  readonly repetitions: number | undefined;
  readonly publishers: number;
  readonly window: number | undefined;
  readonly duration: number | undefined;
  readonly writeDoc: boolean;
  readonly pin: boolean;
  readonly profile: boolean;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean" },
      only: { type: "string" },
      servers: { type: "string" },
      repetitions: { type: "string" },
      publishers: { type: "string" },
      window: { type: "string" },
      duration: { type: "string" },
      "write-doc": { type: "boolean" },
      "no-pin": { type: "boolean" },
      profile: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) return undefined;
  const only = list(values.only) ?? [...WORKLOADS];
  for (const name of only) {
    if (!(WORKLOADS as readonly string[]).includes(name)) throw new Error(`unknown workload: ${name}`);
  }
  const repetitions = values.repetitions === undefined ? undefined : Number(values.repetitions);
  if (repetitions !== undefined && (!Number.isInteger(repetitions) || repetitions < 1 || repetitions > 20)) {
    throw new Error("--repetitions must be an integer from 1 to 20");
  }
  const publishers = Number(values.publishers ?? "1");
  if (!Number.isInteger(publishers) || publishers < 1 || publishers > 100) {
    throw new Error("--publishers must be an integer from 1 to 100");
  }
  const window = values.window === undefined ? undefined : Number(values.window);
  if (window !== undefined && (!Number.isInteger(window) || window < 1 || window > 1_000_000)) {
    throw new Error("--window must be an integer from 1 to 1000000");
  }
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration >= 0.2 && duration <= 600)) {
    throw new Error("--duration must be a number of seconds from 0.2 to 600");
  }
  return {
    publishers,
    window,
    duration,
    quick: values.quick === true,
    only: only as WorkloadName[],
    servers: list(values.servers),
    repetitions,
    writeDoc: values["write-doc"] === true,
    pin: values["no-pin"] !== true,
    profile: values.profile === true,
  };
}

function summary(sample: Sample, benchCase: BenchCase): string {
  const r = sample.result;
  const restart = sample.restart;
  if (restart !== undefined) {
    return `${restart.startMs.toFixed(0)} ms to listening, ${restart.kept} kept of ${restart.records} read (store open ${restart.openMs} ms), server CPU ${sample.serverCpuS.toFixed(2)} s`;
  }
  if (benchCase.kind === "idle") {
    const perConnection = (rss: number) => Math.round((rss - sample.baselineRss) / Math.max(1, r.connected));
    const settled =
      sample.settledRss === undefined ? "" : `, ${perConnection(sample.settledRss)} B/conn settled`;
    return `${r.connected} open, ${perConnection(sample.serverRss)} B/conn${settled}`;
  }
  const loss =
    benchCase.kind === "request" || benchCase.kind === "greet" ? "" : ` loss ${r.loss} reorder ${r.reorder}`;
  return `${formatCount(r.delivered_rate)}/s p99 ${r.latency_us.p99.toFixed(0)} µs${loss} server CPU ${sample.serverCpuS.toFixed(2)} s, loadgen ${r.loadgen_cpu_pct.toFixed(0)}%`;
}

interface Collected {
  readonly samples: Sample[];
  readonly failures: string[];
  /** The build cannot run the workload (fanout-cluster): every target of it is skipped. */
  readonly unsupported?: string | undefined;
  /** This target cannot run the case (JetStream's sync_interval before nats-server 2.10). */
  readonly skipped?: string | undefined;
}

/** Runs one case against one target `repetitions` times; stops early when the build cannot run the case. */
async function repeat(
  benchCase: BenchCase,
  target: Target,
  repetitions: number,
  ctx: RunContext,
  onProfile: (name: string, path: string) => void,
): Promise<Collected> {
  const samples: Sample[] = [];
  const failures: string[] = [];
  for (let rep = 1; rep <= repetitions; rep++) {
    const prefix = `[${benchCase.workload} ${benchCase.label}] ${target.name} #${rep}`;
    const runStarted = Date.now();
    try {
      const sample = await runOnce(benchCase, target, ctx);
      if (!sample.result.ok) throw new Error(sample.result.error ?? "the load generator failed");
      samples.push(sample);
      const newest = ctx.profileDir === undefined ? undefined : newestProfile(ctx.profileDir);
      if (newest !== undefined && target.server === "enchufe") onProfile(prefix, newest);
      const took = ((Date.now() - runStarted) / 1000).toFixed(1);
      process.stderr.write(`${prefix}: ${summary(sample, benchCase)} (${took} s)\n`);
    } catch (error) {
      if (error instanceof ClusterUnsupported) return { samples, failures, unsupported: error.message };
      if (error instanceof TargetUnsupported) return { samples, failures, skipped: error.message };
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(reason);
      process.stderr.write(`${prefix}: FAILED ${reason}\n`);
    }
  }
  return { samples, failures };
}

/** Rows where something other than the server and the load generator used a lot of CPU. */
function busyNote(rows: readonly Row[]): string | undefined {
  const busy = rows.filter((row) => (row.metrics.otherCpuPct?.max ?? 0) > 25);
  if (busy.length === 0) return undefined;
  return `the machine was busy during ${busy.length} of ${rows.length} rows (other CPU above 25 % of a core): those figures are disturbed; run again on a quiet machine`;
}

async function runAll(options: Options, registry: ProcessRegistry): Promise<void> {
  const base = PROFILES[options.quick ? "quick" : "full"];
  const profile =
    options.duration === undefined
      ? base
      : { ...base, durationS: options.duration, rateDurationS: options.duration };
  const repetitions = options.repetitions ?? profile.repetitions;
  const loadgen = buildLoadgen();
  rmSync(LOG_DIR, { recursive: true, force: true });
  const { targets, notes } = selectTargets(options.servers);
  const canPin = options.pin && hasCommand("taskset") && cpus().length >= 2;
  if (!canPin) notes.push("server and load generator not pinned (no taskset, one core, or --no-pin)");
  const profileDir = options.profile ? join(BUILD_DIR, "profiles") : undefined;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const profiles = new Map<string, string>();
  const onProfile = (name: string, path: string) => {
    if (![...profiles.values()].includes(path)) profiles.set(name, path);
  };
  const ctx: RunContext = { loadgen, registry, canPin, profileDir };
  const rows: Row[] = [];
  const started = Date.now();
  for (const benchCase of buildCases(profile, options.only, {
    publishers: options.publishers,
    window: options.window,
  })) {
    if (benchCase.kind === "cluster" && !hasCommand("redis-server")) {
      notes.push("fanout-cluster: skipped, redis-server (the bus) is not installed");
      continue;
    }
    for (const target of targets.filter(benchCase.accepts)) {
      if (target.maxConnections !== undefined && benchCase.connections > target.maxConnections) {
        notes.push(
          `${benchCase.workload} ${benchCase.label}: ${target.name} skipped (holds at most ${target.maxConnections} connections)`,
        );
        continue;
      }
      const { samples, failures, unsupported, skipped } = await repeat(
        benchCase,
        target,
        repetitions,
        ctx,
        onProfile,
      );
      if (unsupported !== undefined) {
        notes.push(`${benchCase.workload}: skipped, ${unsupported}`);
        break;
      }
      if (skipped !== undefined) {
        notes.push(`${benchCase.workload} ${benchCase.label}: ${target.name} skipped, ${skipped}`);
        continue;
      }
      const row = makeRow(
        {
          workload: benchCase.workload,
          kind: benchCase.kind,
          label: benchCase.label,
          target:
            benchCase.kind === "cluster"
              ? `enchufe ×2${target.name.endsWith("@baseline") ? "@baseline" : ""}`
              : target.name,
          // fanout-history: each row against history off on the same build.
          compareWith: benchCase.kind === "history" ? target.name : target.compareWith,
          compareCase: benchCase.compareCase,
          failures,
        },
        samples,
      );
      rows.push(row);
    }
  }
  addRatios(rows);
  const busy = busyNote(rows);
  if (busy !== undefined) notes.push(busy);
  const machine = describeMachine();
  const args = process.argv.slice(2);
  const command = `npm run bench --${args.length > 0 ? ` ${args.join(" ")}` : ""}`;
  const seconds = (Date.now() - started) / 1000;
  const header = describeRun(machine, command, profile.name, repetitions, canPin, seconds);
  const section = `${header}\n\n${renderTables(rows)}\n${notes.map((note) => `- ${note}`).join("\n")}\n`;
  process.stdout.write(`\n${section}`);
  if (profiles.size > 0) {
    const texts = [...profiles].map(
      ([name, path]) => `#### ${name}\n\n\`\`\`\n${summarizeProfile(path)}\n\`\`\`\n`,
    );
    process.stdout.write(`\n### CPU profiles (node --cpu-prof)\n\n${texts.join("\n")}`);
  }
  const resultsDir = join(BENCH_DIR, "results");
  mkdirSync(resultsDir, { recursive: true });
  const record = {
    date: new Date().toISOString(),
    command,
    profile: profile.name,
    repetitions,
    pinned: canPin,
  };
  writeFileSync(
    join(resultsDir, "latest.json"),
    `${JSON.stringify({ ...record, seconds, machine, notes, rows }, null, 2)}\n`,
  );
  if (options.writeDoc) writeDoc(section);
}

function describeRun(
  machine: Machine,
  command: string,
  profile: string,
  repetitions: number,
  pinned: boolean,
  seconds: number,
): string {
  const peers = Object.entries(machine.versions)
    .map(([name, version]) => `${name}: ${version}`)
    .join("; ");
  return [
    `Run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, \`${command}\` (${profile}, ${repetitions} repetition${repetitions === 1 ? "" : "s"}: median, and min–max when more than one; ${seconds.toFixed(0)} s)`,
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, ${machine.kernel}, Node ${machine.node}; ${pinned ? "server on core 0, load generator on core 1 (taskset)" : "not pinned"}`,
    `Versions: ${peers}`,
  ].join("\n\n");
}

function writeDoc(section: string): void {
  const path = join(BENCH_DIR, "..", "docs", "PERFORMANCE.md");
  const doc = readFileSync(path, "utf8");
  const start = doc.indexOf(RESULTS_START);
  const end = doc.indexOf(RESULTS_END);
  if (start < 0 || end < start)
    throw new Error(`docs/PERFORMANCE.md has no ${RESULTS_START} … ${RESULTS_END}`);
  const updated = `${doc.slice(0, start + RESULTS_START.length)}\n${section}\n${doc.slice(end)}`;
  writeFileSync(path, updated);
}

async function main(): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const registry = new ProcessRegistry();
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`bench: ${signal}, stopping the servers and the load generator\n`);
    registry.stopAll(1000).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await runAll(options, registry);
    return 0;
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await registry.stopAll();
  }
}

process.exitCode = await main();
