/**
 * `npm run bench [-- --quick] [--only fanout,idle] [--servers enchufe,ref,nats] [--repetitions N] [--write-doc]`
 * Runs every selected workload against every selected, installed server, prints the tables and writes
 * bench/results/latest.json (and, with --write-doc, the results section of docs/PERFORMANCE.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_DIR, BUILD_DIR, buildLoadgen } from "./loadgen.js";
import { describeMachine, type Machine } from "./machine.js";
import { hasCommand, ProcessRegistry } from "./proc.js";
import { newestProfile, summarizeProfile } from "./profile.js";
import { addRatios, formatCount, makeRow, type Row, renderTables } from "./report.js";
import { ClusterUnsupported, type RunContext, runOnce, type Sample } from "./runner.js";
import { selectTargets } from "./servers.js";
import { type BenchCase, buildCases, PROFILES, WORKLOADS, type WorkloadName } from "./workloads.js";

const USAGE = `npm run bench -- [options]
  --quick               one repetition of a smaller matrix (under two minutes)
  --only LIST           workloads: ${WORKLOADS.join(",")}
  --servers LIST        servers: enchufe,ref,ncat,nats,redis,mosquitto (or enchufe-text, enchufe-framed)
  --publishers N        publishers in each fanout case (default 1)
  --repetitions N       repetitions per case (default 3, 1 with --quick)
  --write-doc           also rewrite the results section of docs/PERFORMANCE.md
  --no-pin              do not pin the server and the load generator to cores 0 and 1
  --profile             run enchufe under node --cpu-prof and print its top self-time functions per case`;

const RESULTS_START = "<!-- bench:results:start -->";
const RESULTS_END = "<!-- bench:results:end -->";

interface Options {
  readonly quick: boolean;
  readonly only: WorkloadName[];
  readonly servers: string[] | undefined;
  readonly repetitions: number | undefined;
  readonly publishers: number;
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
  return {
    publishers,
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
  if (benchCase.kind === "idle") {
    return `${r.connected} open, ${Math.round((sample.serverRss - sample.baselineRss) / Math.max(1, r.connected))} B/conn`;
  }
  const loss =
    benchCase.kind === "request" || benchCase.kind === "greet" ? "" : ` loss ${r.loss} reorder ${r.reorder}`;
  return `${formatCount(r.delivered_rate)}/s p99 ${r.latency_us.p99.toFixed(0)} µs${loss} server CPU ${sample.serverCpuS.toFixed(2)} s, loadgen ${r.loadgen_cpu_pct.toFixed(0)}%`;
}

async function runAll(options: Options, registry: ProcessRegistry): Promise<void> {
  const profile = PROFILES[options.quick ? "quick" : "full"];
  const repetitions = options.repetitions ?? profile.repetitions;
  const loadgen = buildLoadgen();
  const { targets, notes } = selectTargets(options.servers);
  const canPin = options.pin && hasCommand("taskset") && cpus().length >= 2;
  if (!canPin) notes.push("server and load generator not pinned (no taskset, one core, or --no-pin)");
  const profileDir = options.profile ? join(BUILD_DIR, "profiles") : undefined;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const profiles: string[] = [];
  const profileTexts: string[] = [];
  const ctx: RunContext = { loadgen, registry, canPin, profileDir };
  const rows: Row[] = [];
  const started = Date.now();
  for (const benchCase of buildCases(profile, options.only, options.publishers)) {
    if (benchCase.kind === "cluster" && !hasCommand("redis-server")) {
      notes.push("fanout-cluster: skipped, redis-server (the bus) is not installed");
      continue;
    }
    let unsupported = false;
    for (const target of targets.filter(benchCase.accepts)) {
      if (target.maxConnections !== undefined && benchCase.connections > target.maxConnections) {
        notes.push(
          `${benchCase.workload} ${benchCase.label}: ${target.name} skipped (holds at most ${target.maxConnections} connections)`,
        );
        continue;
      }
      const samples: Sample[] = [];
      const failures: string[] = [];
      for (let rep = 1; rep <= repetitions && !unsupported; rep++) {
        const prefix = `[${benchCase.workload} ${benchCase.label}] ${target.name} #${rep}`;
        const runStarted = Date.now();
        try {
          const sample = await runOnce(benchCase, target, ctx);
          if (!sample.result.ok) throw new Error(sample.result.error ?? "the load generator failed");
          samples.push(sample);
          const newest = profileDir === undefined ? undefined : newestProfile(profileDir);
          if (newest !== undefined && target.server === "enchufe" && !profiles.includes(newest)) {
            profiles.push(newest);
            profileTexts.push(
              `#### ${target.name}, ${benchCase.workload} ${benchCase.label}\n\n\`\`\`\n${summarizeProfile(newest)}\n\`\`\`\n`,
            );
          }
          const took = ((Date.now() - runStarted) / 1000).toFixed(1);
          process.stderr.write(`${prefix}: ${summary(sample, benchCase)} (${took} s)\n`);
        } catch (error) {
          if (error instanceof ClusterUnsupported) {
            notes.push(`fanout-cluster: skipped, ${error.message}`);
            unsupported = true;
            break;
          }
          const reason = error instanceof Error ? error.message : String(error);
          failures.push(reason);
          process.stderr.write(`${prefix}: FAILED ${reason}\n`);
        }
      }
      if (unsupported) break;
      rows.push(
        makeRow(
          {
            workload: benchCase.workload,
            kind: benchCase.kind,
            label: benchCase.label,
            target: benchCase.kind === "cluster" ? "enchufe ×2" : target.name,
            compareWith: target.compareWith,
            compareCase: benchCase.compareCase,
            failures,
          },
          samples,
        ),
      );
    }
  }
  addRatios(rows);
  const machine = describeMachine();
  const command = `npm run bench --${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
  const tables = renderTables(rows);
  const header = describeRun(
    machine,
    command,
    profile.name,
    repetitions,
    canPin,
    (Date.now() - started) / 1000,
  );
  process.stdout.write(`\n${header}\n\n${tables}\n${notes.map((note) => `- ${note}`).join("\n")}\n`);
  if (profileTexts.length > 0) {
    process.stdout.write(`\n### CPU profiles (node --cpu-prof)\n\n${profileTexts.join("\n")}`);
  }
  const resultsDir = join(BENCH_DIR, "results");
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, "latest.json"),
    `${JSON.stringify({ date: new Date().toISOString(), command, profile: profile.name, repetitions, pinned: canPin, machine, notes, rows }, null, 2)}\n`,
  );
  if (options.writeDoc) writeDoc(`${header}\n\n${tables}\n${notes.map((note) => `- ${note}`).join("\n")}\n`);
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
