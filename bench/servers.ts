/**
 * The servers the bench compares, each as a launch spec: the command (no persistence, loopback only,
 * limits meant for hostile clients lifted), how it reports readiness, and the protocol the load generator
 * speaks to it. Peers that are not installed are skipped with a note.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, BUILD_DIR } from "./loadgen.js";
import { freePort, hasCommand, type StartSpec } from "./proc.js";

export type Proto = "text" | "framed" | "nats" | "resp" | "mqtt" | "jetstream";

/**
 * What a workload needs the server to be: a messaging server, a greet-and-close server, or one that
 * acknowledges publishes it keeps (ack-publish, replay, restart).
 */
export type ServerRole = "session" | "greet" | "ack" | "echo";

/**
 * ack-publish's storage settings, one per case. enchufe: the memory history, `--data DIR` (fsync once a
 * second, the default) and `--data DIR --fsync always`; JetStream: a memory stream, a file stream (fsync every
 * 2 minutes, its default) and a file stream with `sync_interval: always` (nats-server 2.10 and later).
 */
export type Durability = "memory" | "disk" | "disk-sync";

/** Thrown by a spec when the installed server cannot run the case at all: the row is skipped with a note. */
export class TargetUnsupported extends Error {}

/** Where a run's server keeps what it stores: a fresh temporary directory, and the case's durability. */
export interface StoreSpec {
  readonly directory: string;
  readonly durability: Durability;
}

export interface Target {
  /** Row name in the tables, e.g. "enchufe-framed". */
  readonly name: string;
  /** Name used by --servers (several targets may share one, e.g. enchufe-text and enchufe-framed). */
  readonly server: string;
  readonly proto: Proto;
  /** Command that must be installed (skipped with a note when missing). */
  readonly needs: string;
  /** Most simultaneous connections it can hold, when it has a hard limit of its own. */
  readonly maxConnections?: number;
  /**
   * The server answers every new connection (greeting, INFO, preface echo, CONNACK, +PONG): the load generator
   * then counts a connection as in progress until that answer, so that a burst of connects never overflows
   * the server's accept queue (which would cost one-second SYN retransmits and measure the kernel, not the server).
   */
  readonly answersOnConnect: boolean;
  /** Connects the load generator may have in progress at once (default 200). */
  readonly connectBurst?: number;
  readonly roles: readonly ServerRole[];
  /** The enchufe target this one is compared with ("vs enchufe" column). */
  readonly compareWith: string;
  /** An enchufe target's build (its checkout: this one, or ENCHUFE_BENCH_BASELINE's). */
  readonly root?: string;
  /**
   * Subscribers and idle connections speak WebSocket (enchufe.v1 for proto framed, enchufe.text for text)
   * on the same port; publishers stay on TCP. Only the WebSocket workloads (fanout-ws, idle) take these.
   */
  readonly websocket?: boolean;
  /** Needs a data directory in every run, whatever the case (JetStream: its store_dir). */
  readonly storeDir?: boolean;
  /**
   * `nodeArgs` go before the script of Node servers (enchufe's only): `--cpu-prof` for `--profile`;
   * `serverArgs` after enchufe's own flags (fanout-history's `--history 0`, `--data DIR --fsync P`);
   * `store` for the other servers that keep messages (JetStream).
   */
  spec(
    role: ServerRole,
    pin: readonly string[],
    nodeArgs?: readonly string[],
    serverArgs?: readonly string[],
    store?: StoreSpec,
  ): Promise<StartSpec>;
}

const ROOT = join(BENCH_DIR, "..");
/** The enchufe build to run: this checkout, or another built one (ENCHUFE_BENCH_ROOT=/path/to/checkout). */
const ENCHUFE_ROOT = process.env.ENCHUFE_BENCH_ROOT ?? ROOT;
/**
 * Another built checkout to run in the same bench run (ENCHUFE_BENCH_BASELINE=/path/to/checkout): its
 * enchufe targets are named `…@baseline` and run right after this build's, case by case.
 */
const BASELINE_ROOT = process.env.ENCHUFE_BENCH_BASELINE;
const NODE = process.execPath;
const ENCHUFE_LISTENING = /Listening on 127\.0\.0\.1:(\d+)/;
const NATS_LISTENING = /Listening for client connections on 127\.0\.0\.1:(\d+)/;

/**
 * `enchufe server` flags that lift limits meant for hostile clients (docs/PERFORMANCE.md): the per-address
 * connection limit and connection rate (every bench client comes from 127.0.0.1), the per-connection message
 * rate, the text flood guard (a bench publisher sends far more than 500 lines per second), and the total
 * connection limit (the idle workload holds 10,000).
 */
export const ENCHUFE_BENCH_FLAGS = [
  "--port",
  "0",
  "--lang",
  "en",
  "--max-per-ip",
  "0",
  "--connections-per-second",
  "0",
  "--message-rate",
  "0",
  "--line-rate",
  "0",
  "--max-connections",
  "0",
] as const;

const enchufeCli = (
  pin: readonly string[],
  extra: readonly string[],
  nodeArgs: readonly string[] = [],
  root = ENCHUFE_ROOT,
): StartSpec => ({
  name: "enchufe",
  argv: [
    ...pin,
    NODE,
    ...nodeArgs,
    join(root, "bin", "enchufe.js"),
    "server",
    ...ENCHUFE_BENCH_FLAGS,
    ...extra,
  ],
  ready: ENCHUFE_LISTENING,
  cwd: root,
});

/** enchufe's targets for the build in `root`; `suffix` names them apart ("@baseline"). */
function enchufeTargets(root: string, suffix: string): Target[] {
  const named = (name: string): string => `${name}${suffix}`;
  const session =
    (): Target["spec"] =>
    async (_role, pin, nodeArgs = [], serverArgs = []) =>
      enchufeCli(pin, serverArgs, nodeArgs, root);
  return [
    {
      name: named("enchufe-text"),
      answersOnConnect: true,
      server: "enchufe",
      root,
      proto: "text",
      needs: "node",
      roles: ["session", "greet"],
      compareWith: "enchufe-text",
      spec: async (role, pin, nodeArgs = [], serverArgs = []) =>
        enchufeCli(pin, role === "greet" ? ["--greet-only"] : serverArgs, nodeArgs, root),
    },
    {
      name: named("enchufe-framed"),
      answersOnConnect: true,
      server: "enchufe",
      root,
      proto: "framed",
      needs: "node",
      roles: ["session", "ack"],
      compareWith: "enchufe-framed",
      spec: session(),
    },
    {
      name: named("enchufe-ws-text"),
      answersOnConnect: true,
      server: "enchufe",
      root,
      proto: "text",
      websocket: true,
      needs: "node",
      roles: ["session"],
      compareWith: "enchufe-text",
      spec: session(),
    },
    {
      name: named("enchufe-ws-framed"),
      answersOnConnect: true,
      server: "enchufe",
      root,
      proto: "framed",
      websocket: true,
      needs: "node",
      roles: ["session"],
      compareWith: "enchufe-framed",
      spec: session(),
    },
  ];
}

/** This build's targets, each followed by the baseline build's (when ENCHUFE_BENCH_BASELINE is set). */
function allEnchufeTargets(): Target[] {
  const mine = enchufeTargets(ENCHUFE_ROOT, "");
  if (BASELINE_ROOT === undefined) return mine;
  const baseline = enchufeTargets(BASELINE_ROOT, "@baseline");
  return mine.flatMap((target, i) => [target, baseline[i]!]);
}

export const TARGETS: readonly Target[] = [
  ...allEnchufeTargets(),
  {
    name: "ref",
    answersOnConnect: false,
    server: "ref",
    proto: "text",
    needs: "node",
    roles: ["session", "greet"],
    compareWith: "enchufe-text",
    spec: async (role, pin) => ({
      name: "ref",
      argv: [...pin, NODE, join(BENCH_DIR, "ref-server.mjs"), role === "greet" ? "greet" : "broadcast", "0"],
      ready: /listening 127\.0\.0\.1:(\d+)/,
    }),
  },
  {
    // The Node limit of a round trip: RESP ECHO answered by node:net, no framing of ours (request, server echo).
    name: "ref-echo",
    answersOnConnect: false,
    server: "ref",
    proto: "resp",
    needs: "node",
    roles: ["echo"],
    compareWith: "enchufe-framed",
    spec: async (_role, pin) => ({
      name: "ref-echo",
      argv: [...pin, NODE, join(BENCH_DIR, "ref-server.mjs"), "echo", "0"],
      ready: /listening 127\.0\.0\.1:(\d+)/,
    }),
  },
  {
    name: "ncat",
    answersOnConnect: false,
    server: "ncat",
    proto: "text",
    needs: "ncat",
    // ncat --chat multiplexes with select(): at most FD_SETSIZE (1024) descriptors.
    maxConnections: 1000,
    // A burst of connects overflows its accept queue, and an accepted socket that was already reset makes it
    // quit ("getpeername failed"): connect one at a time.
    connectBurst: 1,
    roles: ["session"],
    compareWith: "enchufe-text",
    spec: async (_role, pin) => {
      const port = await freePort();
      return {
        name: "ncat",
        argv: [...pin, "ncat", "--chat", "-l", "127.0.0.1", String(port), "--max-conns", "20000"],
        ready: port,
      };
    },
  },
  {
    name: "nats",
    answersOnConnect: true,
    server: "nats",
    proto: "nats",
    needs: "nats-server",
    roles: ["session"],
    compareWith: "enchufe-framed",
    spec: async (_role, pin) => ({
      name: "nats",
      argv: [...pin, "nats-server", "-a", "127.0.0.1", "-p", "-1"],
      ready: NATS_LISTENING,
    }),
  },
  {
    // JetStream for ack-publish only (proto jetstream: publishes with a reply inbox, acked by the stream).
    name: "nats-js",
    answersOnConnect: true,
    server: "nats",
    proto: "jetstream",
    needs: "nats-server",
    roles: ["ack"],
    compareWith: "enchufe-framed",
    storeDir: true,
    spec: async (_role, pin, _nodeArgs, _serverArgs, store) => {
      if (store === undefined) throw new Error("nats-js needs a store directory");
      const config = join(store.directory, "nats-server.conf");
      // sync_interval: always (fsync on every write) exists from nats-server 2.10; older ones refuse the file.
      const sync = store.durability === "disk-sync" ? ["  sync_interval: always"] : [];
      writeFileSync(
        config,
        [
          "host: 127.0.0.1",
          "port: -1",
          "jetstream {",
          `  store_dir: ${JSON.stringify(join(store.directory, "jetstream"))}`,
          ...sync,
          "}",
          "",
        ].join("\n"),
      );
      if (sync.length > 0) {
        const check = spawnSync("nats-server", ["-t", "-c", config], { encoding: "utf8" });
        const said = `${check.stdout}${check.stderr}`;
        if (check.status !== 0 && said.includes("sync_interval")) {
          throw new TargetUnsupported("this nats-server has no sync_interval option (it came with 2.10)");
        }
      }
      return { name: "nats-js", argv: [...pin, "nats-server", "-c", config], ready: NATS_LISTENING };
    },
  },
  {
    name: "redis",
    answersOnConnect: true,
    server: "redis",
    proto: "resp",
    needs: "redis-server",
    roles: ["session"],
    compareWith: "enchufe-framed",
    spec: async (_role, pin) => {
      const port = await freePort();
      return {
        name: "redis",
        argv: [
          ...pin,
          "redis-server",
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--maxclients",
          "20000",
          "--daemonize",
          "no",
        ],
        ready: port,
      };
    },
  },
  {
    name: "mosquitto",
    answersOnConnect: true,
    server: "mosquitto",
    proto: "mqtt",
    needs: "mosquitto",
    roles: ["session"],
    compareWith: "enchufe-framed",
    spec: async (_role, pin) => {
      const port = await freePort();
      const config = join(BUILD_DIR, `mosquitto-${port}.conf`);
      // No persistence; no per-client queue limits (QoS 0 messages beyond them would be dropped).
      writeFileSync(
        config,
        [
          `listener ${port} 127.0.0.1`,
          "allow_anonymous true",
          "persistence false",
          "max_connections -1",
          "max_queued_messages 0",
          "max_inflight_messages 0",
          "",
        ].join("\n"),
      );
      return { name: "mosquitto", argv: [...pin, "mosquitto", "-c", config], ready: port };
    },
  },
];

/** Targets selected by --servers (names of servers or targets) and installed; notes for the others. */
export function selectTargets(wanted: readonly string[] | undefined): {
  targets: Target[];
  notes: string[];
} {
  const notes: string[] = [];
  const targets: Target[] = [];
  for (const target of TARGETS) {
    // `--servers enchufe-text` also selects enchufe-text@baseline.
    const name = target.name.replace(/@baseline$/, "");
    if (wanted !== undefined && !wanted.includes(target.server) && !wanted.includes(name)) continue;
    if (!hasCommand(target.needs)) {
      notes.push(
        `${target.name}: skipped, \`${target.needs}\` is not installed (scripts/install-bench-deps.sh)`,
      );
      continue;
    }
    targets.push(target);
  }
  return { targets, notes };
}

/** Two enchufe servers sharing a Redis bus, for fanout-cluster (`--cluster`, being built on another branch). */
export function enchufeClusterSpec(
  pin: readonly string[],
  redisPort: number,
  index: number,
  nodeArgs: readonly string[] = [],
  root = ENCHUFE_ROOT,
): StartSpec {
  return {
    ...enchufeCli(pin, ["--cluster", `redis://127.0.0.1:${redisPort}`], nodeArgs, root),
    name: `enchufe-node${index}`,
  };
}

/** A private redis-server for the cluster bus (no persistence). */
export async function redisBusSpec(pin: readonly string[]): Promise<StartSpec> {
  const redis = TARGETS.find((target) => target.name === "redis");
  if (redis === undefined) throw new Error("no redis target");
  return { ...(await redis.spec("session", pin)), name: "redis-bus" };
}
