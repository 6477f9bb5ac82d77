/**
 * The workloads, as plain data: which cases each runs, with which load generator arguments, against which
 * targets. bench/runner.ts executes them; nothing here starts a process.
 */
import type { Durability, ServerRole, Target } from "./servers.js";

export type WorkloadName =
  | "greet"
  | "fanout"
  | "fanout-ws"
  | "fanout-rate"
  | "request"
  | "idle"
  | "fanout-cluster"
  | "queue-group"
  | "fanout-history"
  | "ack-publish"
  | "replay"
  | "restart";
export const WORKLOADS: readonly WorkloadName[] = [
  "greet",
  "fanout",
  "fanout-ws",
  "fanout-rate",
  "request",
  "idle",
  "fanout-cluster",
  "queue-group",
  "fanout-history",
  "ack-publish",
  "replay",
  "restart",
];

/** Members of the queue-group workload's one group. */
const GROUP_MEMBERS = 3;

/** How long and how much: --quick and the full run differ only here. */
export interface Profile {
  readonly name: "quick" | "full";
  readonly repetitions: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly fanout: readonly { readonly subs: number; readonly size: number }[];
  readonly rateDurationS: number;
  readonly idleConnections: number;
  readonly greetConcurrency: number;
  /** replay: messages kept, then replayed (64 B each; the history keeps at most 64 MiB of records). */
  readonly replayMessages: number;
  /** restart: the log sizes in MiB (0: an empty data directory, the start-up cost alone). */
  readonly restartLogMiB: readonly number[];
}

const FULL_FANOUT = [1, 10, 100, 1000].flatMap((subs) => [64, 1024].map((size) => ({ subs, size })));

export const PROFILES: Readonly<Record<Profile["name"], Profile>> = {
  full: {
    name: "full",
    repetitions: 3,
    warmupS: 1,
    durationS: 5,
    fanout: FULL_FANOUT,
    rateDurationS: 5,
    idleConnections: 10_000,
    greetConcurrency: 32,
    replayMessages: 500_000,
    restartLogMiB: [0, 1024],
  },
  quick: {
    name: "quick",
    repetitions: 1,
    warmupS: 0.3,
    durationS: 1,
    fanout: [
      { subs: 1, size: 64 },
      { subs: 100, size: 64 },
      { subs: 1000, size: 1024 },
    ],
    rateDurationS: 1,
    idleConnections: 10_000,
    greetConcurrency: 32,
    replayMessages: 500_000,
    restartLogMiB: [0, 256],
  },
};

export type CaseKind =
  | "throughput"
  | "websocket"
  | "latency"
  | "request"
  | "greet"
  | "idle"
  | "cluster"
  | "history"
  | "ack"
  | "replay"
  | "restart";

/** `enchufe server` flags for a case; `data`: also `--data DIR`, a fresh temporary directory per run. */
export interface ServerFlags {
  readonly args: readonly string[];
  readonly data?: boolean;
}

export interface BenchCase {
  readonly workload: WorkloadName;
  readonly kind: CaseKind;
  /** Row label, e.g. "S=100 64B". */
  readonly label: string;
  readonly role: ServerRole;
  /** Subscribers or connections the case opens (checked against a target's own limit). */
  readonly connections: number;
  /** Load generator arguments, without --port and --proto. */
  readonly args: readonly string[];
  /** Upper bound for one run of the load generator, in ms. */
  readonly timeoutMs: number;
  /** The case whose enchufe row the "vs enchufe" column uses, when not this one. */
  readonly compareCase?: { readonly workload: WorkloadName; readonly label: string } | undefined;
  /** Targets that speak what this case needs. */
  readonly accepts: (target: Target) => boolean;
  /** Flags for the enchufe server (fanout-history); none by default. */
  readonly server?: ServerFlags | undefined;
  /** ack-publish: where the acknowledged publishes are kept (each target maps it to its own settings). */
  readonly durability?: Durability | undefined;
  /** restart: the size of the log to build and restart from, in MiB. */
  readonly logMiB?: number | undefined;
}

/** ack-publish's cases (and replay's first two): each durability with its enchufe flags (servers.ts maps JetStream's). */
export const ACK_MODES: readonly {
  readonly durability: Durability;
  readonly name: string;
  readonly server: ServerFlags;
}[] = [
  { durability: "memory", name: "memory", server: { args: [] } },
  { durability: "disk", name: "disk, default fsync", server: { args: [], data: true } },
  {
    durability: "disk-sync",
    name: "disk, fsync always",
    server: { args: ["--fsync", "always"], data: true },
  },
];
const ACK_INFLIGHT = [1, 64];
const ACK_SIZE = 64;
/** replay's --history: more than the messages it keeps, so that only the 64 MiB bound could drop any. */
const REPLAY_HISTORY = 10_000_000;

/** The history settings fanout-history compares, each against `off` on the same build, in one run. */
export const HISTORY_MODES: readonly { readonly name: string; readonly server: ServerFlags }[] = [
  { name: "history off", server: { args: ["--history", "0"] } },
  { name: "memory", server: { args: [] } },
  { name: "disk fsync never", server: { args: ["--fsync", "never"], data: true } },
  { name: "disk fsync 1000", server: { args: ["--fsync", "1000"], data: true } },
  { name: "disk fsync always", server: { args: ["--fsync", "always"], data: true } },
];
const HISTORY_FANOUT = [1, 100];
const HISTORY_SIZE = 64;

const RATE_SUBS = 100;
const WS_SUBS = 100;
const WS_SIZE = 64;
const RATE_PER_S = 1000;

function timing(profile: Profile, durationS = profile.durationS): string[] {
  return ["--warmup", String(profile.warmupS), "--duration", String(durationS)];
}

/** Knobs for `fanout` beyond the profile. */
export interface FanoutTuning {
  /** Publishers per case (> 1: in the line protocols publishers are room members and get each other's messages). */
  readonly publishers: number;
  /** Messages in flight per publisher and subscriber; undefined = the load generator's default. */
  readonly window?: number | undefined;
}

/** Every case of the selected workloads, in run order. */
export function buildCases(
  profile: Profile,
  only: readonly WorkloadName[],
  tuning: FanoutTuning = { publishers: 1 },
): BenchCase[] {
  const { publishers, window } = tuning;
  const cases: BenchCase[] = [];
  // connect (at most 30 s) + sync (20 s) + drain (10 s) + the windows, and a margin
  const budget = (seconds: number) => Math.round((seconds + 70) * 1000);
  // The WebSocket targets (subscribers on WebSocket) run only where a case says so.
  const messaging = (target: Target) => target.roles.includes("session") && target.websocket !== true;
  const enchufe = (target: Target) => target.server === "enchufe";
  // A baseline build's target (`name@baseline`) runs wherever the target it is the twin of runs.
  const framed = (target: Target) => target.name.replace(/@baseline$/, "") === "enchufe-framed";
  if (only.includes("greet")) {
    cases.push({
      workload: "greet",
      kind: "greet",
      label: `${profile.greetConcurrency} concurrent`,
      role: "greet",
      connections: profile.greetConcurrency,
      args: ["--mode", "greet", "--conns", String(profile.greetConcurrency), ...timing(profile)],
      timeoutMs: budget(profile.warmupS + profile.durationS),
      accepts: (target) => target.roles.includes("greet"),
    });
  }
  if (only.includes("fanout")) {
    for (const { subs, size } of profile.fanout) {
      cases.push({
        workload: "fanout",
        kind: "throughput",
        label: publishers === 1 ? `S=${subs} ${size}B` : `S=${subs} P=${publishers} ${size}B`,
        role: "session",
        connections: subs + publishers,
        args: [
          "--mode",
          "fanout",
          "--subs",
          String(subs),
          "--pubs",
          String(publishers),
          "--size",
          String(size),
          ...(window === undefined ? [] : ["--window", String(window)]),
          ...timing(profile),
        ],
        timeoutMs: budget(profile.warmupS + profile.durationS),
        accepts: messaging,
      });
    }
  }
  if (only.includes("fanout-ws")) {
    // S WebSocket subscribers against S TCP subscribers, each subprotocol with its TCP protocol, in one run;
    // the ratio is per server CPU-second (the WebSocket row over its TCP row).
    cases.push({
      workload: "fanout-ws",
      kind: "websocket",
      label: `S=${WS_SUBS} ${WS_SIZE}B`,
      role: "session",
      connections: WS_SUBS + 1,
      args: [
        "--mode",
        "fanout",
        "--subs",
        String(WS_SUBS),
        "--pubs",
        "1",
        "--size",
        String(WS_SIZE),
        ...timing(profile),
      ],
      timeoutMs: budget(profile.warmupS + profile.durationS),
      accepts: enchufe,
    });
  }
  if (only.includes("fanout-rate")) {
    cases.push({
      workload: "fanout-rate",
      kind: "latency",
      label: `S=${RATE_SUBS} 64B ${RATE_PER_S}/s`,
      role: "session",
      connections: RATE_SUBS + 1,
      args: [
        "--mode",
        "fanout",
        "--subs",
        String(RATE_SUBS),
        "--pubs",
        "1",
        "--size",
        "64",
        "--rate",
        String(RATE_PER_S),
        "--window",
        "100000",
        ...timing(profile, profile.rateDurationS),
      ],
      timeoutMs: budget(profile.warmupS + profile.rateDurationS),
      accepts: messaging,
    });
  }
  if (only.includes("request")) {
    for (const via of ["server", "responder"] as const) {
      for (const inflight of [1, 64]) {
        cases.push({
          workload: "request",
          kind: "request",
          label: `${inflight === 1 ? "1 in flight" : `${inflight} pipelined`}, ${via === "server" ? "server echo" : "via a responder"}`,
          role: "session",
          connections: via === "server" ? 1 : 2,
          args: [
            ...["--mode", "request", "--inflight", String(inflight), "--size", "64"],
            ...(via === "responder" ? ["--responder", "1"] : []),
            ...timing(profile),
          ],
          timeoutMs: budget(profile.warmupS + profile.durationS),
          // Server echo: enchufe's built-in `echo` handler, redis ECHO. Via a responder: a second connection of
          // the load generator answers (enchufe REQ -> REQMSG -> RESPOND -> REPLY; NATS request-reply with an inbox).
          // Not the WebSocket targets: the load generator's requests are TCP only (`--ws` is fanout and idle).
          // ref-echo (the Node limit: node:net answering RESP ECHO) for the server's echo only.
          accepts: (target) =>
            target.websocket !== true &&
            (via === "server"
              ? target.proto === "framed" || target.proto === "resp"
              : target.proto === "framed" || target.proto === "nats"),
        });
      }
    }
  }
  if (only.includes("idle")) {
    cases.push({
      workload: "idle",
      kind: "idle",
      label: `${profile.idleConnections} connections`,
      role: "session",
      connections: profile.idleConnections,
      args: ["--mode", "idle", "--conns", String(profile.idleConnections), "--hold", "60"],
      timeoutMs: 90_000,
      // One enchufe row for TCP: an idle connection is a text user until it sends its first byte. WebSocket:
      // an enchufe.text user, and an enchufe.v1 client after its HELLO (a framed session).
      accepts: (target) => (messaging(target) && !framed(target)) || target.websocket === true,
    });
  }
  if (only.includes("queue-group")) {
    // Deliveries per server CPU-second where each message is work for one member, not a copy for each.
    cases.push({
      workload: "queue-group",
      kind: "throughput",
      label: `${GROUP_MEMBERS} members 64B`,
      role: "session",
      connections: GROUP_MEMBERS + 1,
      args: [
        ...["--mode", "fanout", "--subs", String(GROUP_MEMBERS), "--pubs", "1", "--size", "64"],
        ...["--group", "workers"],
        ...timing(profile),
      ],
      timeoutMs: budget(profile.warmupS + profile.durationS),
      accepts: (target) =>
        (target.proto === "framed" || target.proto === "nats") && target.websocket !== true,
    });
  }
  if (only.includes("fanout-history")) {
    // The cost of the history (docs/HISTORY.md §9): each setting against history off, per server CPU-second.
    for (const subs of HISTORY_FANOUT) {
      const base = `S=${subs} ${HISTORY_SIZE}B`;
      for (const mode of HISTORY_MODES) {
        cases.push({
          workload: "fanout-history",
          kind: "history",
          label: `${base}, ${mode.name}`,
          compareCase: { workload: "fanout-history", label: `${base}, ${HISTORY_MODES[0]!.name}` },
          role: "session",
          connections: subs + 1,
          args: [
            ...["--mode", "fanout", "--subs", String(subs), "--pubs", "1", "--size", String(HISTORY_SIZE)],
            ...(window === undefined ? [] : ["--window", String(window)]),
            ...timing(profile),
          ],
          timeoutMs: budget(profile.warmupS + profile.durationS),
          accepts: (target) => enchufe(target) && target.websocket !== true,
          server: mode.server,
        });
      }
    }
  }
  if (only.includes("ack-publish")) {
    // Acknowledged publishes: enchufe APUB -> PUBACK against a JetStream publish -> ack, same storage.
    for (const inflight of ACK_INFLIGHT) {
      for (const mode of ACK_MODES) {
        cases.push({
          workload: "ack-publish",
          kind: "ack",
          label: `${inflight} in flight, ${mode.name}`,
          role: "ack",
          connections: 1,
          args: [
            ...["--mode", "apub", "--inflight", String(inflight), "--size", String(ACK_SIZE)],
            // JetStream's stream storage (enchufe's comes from its flags)
            ...["--storage", mode.durability === "memory" ? "memory" : "file"],
            ...timing(profile),
          ],
          timeoutMs: budget(profile.warmupS + profile.durationS),
          accepts: (target) => target.roles.includes("ack"),
          server: mode.server,
          durability: mode.durability,
        });
      }
    }
  }
  if (only.includes("replay")) {
    // A v2 subscriber's RSUB from position 1 over the messages kept, until REPLAYED.
    for (const mode of ACK_MODES.slice(0, 2)) {
      cases.push({
        workload: "replay",
        kind: "replay",
        label: `${profile.replayMessages} × 64B, ${mode.name}`,
        compareCase:
          mode.durability === "memory"
            ? undefined
            : { workload: "replay", label: `${profile.replayMessages} × 64B, memory` },
        role: "ack",
        connections: 2,
        args: ["--mode", "replay", "--count", String(profile.replayMessages), "--size", "64"],
        timeoutMs: 1_300_000,
        accepts: framed,
        server: { ...mode.server, args: [...mode.server.args, "--history", String(REPLAY_HISTORY)] },
      });
    }
  }
  if (only.includes("restart")) {
    // `enchufe server --data DIR` from spawn to its listening line, over a log built with the store API.
    for (const logMiB of profile.restartLogMiB) {
      cases.push({
        workload: "restart",
        kind: "restart",
        label: logMiB === 0 ? "empty data directory" : `${logMiB} MiB log`,
        role: "ack",
        connections: 0,
        args: [],
        timeoutMs: 300_000,
        accepts: framed,
        server: { args: [], data: true },
        logMiB,
      });
    }
  }
  if (only.includes("fanout-cluster")) {
    cases.push({
      workload: "fanout-cluster",
      kind: "cluster",
      label: "S=100 64B, 2 nodes",
      compareCase: { workload: "fanout", label: "S=100 64B" },
      role: "session",
      connections: 101,
      args: ["--mode", "fanout", "--subs", "100", "--pubs", "1", "--size", "64", ...timing(profile)],
      timeoutMs: budget(profile.warmupS + profile.durationS),
      accepts: framed,
    });
  }
  return cases;
}
