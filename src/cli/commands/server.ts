/** `enchufe server`: listens, greets, serves sessions until SIGINT/SIGTERM; `--once` is the original. */

import { Authenticator } from "../../auth/authenticator.js";
import { emptyUsersFile, loadUsersFile } from "../../auth/users.js";
import { type Lang, t } from "../../i18n/index.js";
import { redactUrl } from "../../server/bus/index.js";
import { resolveMessagingOptions } from "../../server/limits.js";
import type { LoginEvent } from "../../server/messaging.js";
import { MessagingHandler } from "../../server/messaging.js";
import type { ServerMode, ServerOptions } from "../../server/options.js";
import { CLI_SECURITY_LIMITS, SecurityPolicy } from "../../server/security.js";
import { createServer } from "../../server/server.js";
import type { ClientInfo, DisconnectReason } from "../../server/session.js";
import { formatAddress, isPublicBind } from "../../transport/address.js";
import { TlsListener } from "../../transport/tls.js";
import type { TraceEvent } from "../../transport/trace.js";
import { chosenLang, numberValue, portValue, usageError } from "../args.js";
import { CLUSTER_OPTIONS, clusterBus, workerCount } from "../cluster-options.js";
import { type DefinedCommand, defineCommand } from "../command.js";
import { type CliContext, EXIT_FAILURE, EXIT_OK } from "../context.js";
import { readCliFile } from "../files.js";
import { HISTORY_OPTIONS, openHistory } from "../history-option.js";
import { checkMonitor, type MonitorAddress, monitorAddress, startMonitor } from "../monitor-option.js";
import { answerPrimary } from "../monitor-workers.js";
import { reportError, traceLine } from "../output.js";
import { checkGreeting, lineRate, logFormat, readTls, withoutFinalNewline } from "../server-flags.js";
import { ServerLog } from "../server-log.js";
import { nextStopSignal } from "../stop-signal.js";
import { watchFile } from "../watch-file.js";
import { isWorker, type ListeningMessage, leavePrimary, runWorkers } from "../workers.js";

const OPTIONS = {
  host: { type: "string" },
  port: { type: "string", short: "p" },
  message: { type: "string" },
  "message-file": { type: "string" },
  once: { type: "boolean" },
  "greet-only": { type: "boolean" },
  "max-line": { type: "string" },
  "max-payload": { type: "string" },
  "max-pending": { type: "string" },
  "handshake-timeout": { type: "string" },
  "idle-timeout": { type: "string" },
  "line-timeout": { type: "string" },
  "max-connections": { type: "string" },
  "shutdown-timeout": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-client-ca": { type: "string" },
  users: { type: "string" },
  "require-auth": { type: "boolean" },
  "allow-plaintext-auth": { type: "boolean" },
  "max-per-ip": { type: "string" },
  "connections-per-second": { type: "string" },
  "message-rate": { type: "string" },
  "line-rate": { type: "string" },
  "log-timestamps": { type: "boolean" },
  "log-format": { type: "string" },
  "ws-origin": { type: "string", multiple: true },
  monitor: { type: "string" },
  ...CLUSTER_OPTIONS,
  ...HISTORY_OPTIONS,
} as const;

/** `enchufe server`; a worker leaves its primary once it stopped (its IPC channel would keep it alive). */
export const run: DefinedCommand = Object.assign(
  async (argv: readonly string[], ctx: CliContext) => {
    const code = await runServer(argv, ctx);
    if (isWorker()) leavePrimary(code);
    return code;
  },
  { options: OPTIONS },
);

const runServer = defineCommand({
  options: OPTIONS,
  help: "help.server",
  helpParams: (lang) => ({
    extra:
      t(lang, "help.serverLimits") +
      t(lang, "help.tlsServer") +
      t(lang, "help.webServer") +
      t(lang, "help.history") +
      t(lang, "help.serverCluster") +
      t(lang, "help.serverMonitor"),
  }),
  run: async ({ values, lang, debug }, ctx) => {
    if (values.once === true && values["greet-only"] === true) {
      throw usageError(t(lang, "cli.conflict", { a: "--once", b: "--greet-only" }));
    }
    if (values.message !== undefined && values["message-file"] !== undefined) {
      throw usageError(t(lang, "cli.conflict", { a: "--message", b: "--message-file" }));
    }
    const certPath = values["tls-cert"];
    const keyPath = values["tls-key"];
    if ((certPath === undefined) !== (keyPath === undefined)) {
      throw usageError(t(lang, "cli.together", { a: "--tls-cert", b: "--tls-key" }));
    }
    if (values["tls-client-ca"] !== undefined && certPath === undefined) {
      throw usageError(t(lang, "cli.together", { a: "--tls-client-ca", b: "--tls-cert" }));
    }
    const tlsPaths =
      certPath === undefined || keyPath === undefined
        ? undefined
        : { cert: certPath, key: keyPath, clientCa: values["tls-client-ca"] };
    const handshakeSeconds = numberValue("handshake-timeout", values["handshake-timeout"], 10, lang);
    const tls =
      tlsPaths === undefined
        ? undefined
        : new TlsListener({ ...(await readTls(tlsPaths)), handshakeTimeoutMs: handshakeSeconds * 1000 });
    if (
      values["require-auth"] === true &&
      values.users === undefined &&
      values["tls-client-ca"] === undefined
    ) {
      throw usageError(t(lang, "cli.together", { a: "--require-auth", b: "--users" }));
    }
    const usersPath = values.users;
    const authenticator =
      usersPath === undefined
        ? undefined
        : new Authenticator((await loadUsersFile(usersPath)) ?? emptyUsersFile());
    const reloadUsers = async () => {
      if (authenticator !== undefined && usersPath !== undefined) {
        authenticator.reload((await loadUsersFile(usersPath)) ?? emptyUsersFile());
      }
    };
    const reload = async () => {
      if (tls !== undefined && tlsPaths !== undefined) tls.reload(await readTls(tlsPaths));
      await reloadUsers();
    };
    // A users file that changes (`enchufe user add|token|...` while the server runs) is read again at once.
    const stopWatching =
      usersPath === undefined
        ? undefined
        : watchFile(usersPath, () => {
            reloadUsers().then(
              () => ctx.stderr.write(`${t(lang, "log.usersReloaded")}\n`),
              (error: unknown) => reportError(ctx, lang, error, false),
            );
          });
    const security = new SecurityPolicy({
      authenticator,
      requireAuth: values["require-auth"] === true,
      allowPlaintextAuth: values["allow-plaintext-auth"] === true,
      maxConnectionsPerAddress: numberValue(
        "max-per-ip",
        values["max-per-ip"],
        CLI_SECURITY_LIMITS.maxConnectionsPerAddress,
        lang,
        { integer: true },
      ),
      connectionsPerSecond: numberValue(
        "connections-per-second",
        values["connections-per-second"],
        CLI_SECURITY_LIMITS.connectionsPerSecond,
        lang,
      ),
      connectionBurst: 0,
      messagesPerSecond: numberValue(
        "message-rate",
        values["message-rate"],
        CLI_SECURITY_LIMITS.messagesPerSecond,
        lang,
      ),
      messageBurst: 0,
    });
    const authenticated = authenticator !== undefined && values["require-auth"] === true;
    const mode: ServerMode =
      values.once === true ? "once" : values["greet-only"] === true ? "greet-only" : "session";
    if (values.cluster !== undefined && mode !== "session") {
      throw usageError(
        t(lang, "cli.conflict", { a: "--cluster", b: mode === "once" ? "--once" : "--greet-only" }),
      );
    }
    const fromFile =
      values["message-file"] === undefined ? undefined : await readCliFile(values["message-file"]);
    // In session mode the greeting is one line: the newline every editor ends a file with is not part of it.
    const message =
      fromFile === undefined ? values.message : mode === "session" ? withoutFinalNewline(fromFile) : fromFile;
    // Checked before any worker starts, so a bad greeting is one usage error, not one per worker.
    if (message !== undefined) {
      checkGreeting(
        message,
        values["message-file"] === undefined ? "--message" : "--message-file",
        mode,
        lang,
      );
    }
    const workers = workerCount(values, lang);
    const monitorAt = monitorAddress(values.monitor, lang);
    if (monitorAt !== undefined && mode !== "session") throw usageError(t(lang, "monitor.cli.modeConflict"));
    checkMonitor(monitorAt, portValue(values.port, 5000, lang), lang);
    const bus = await clusterBus(values, lang);
    const log = new ServerLog(ctx.stdout, lang, {
      timestamps: values["log-timestamps"] === true,
      format: logFormat(values["log-format"], lang),
    });
    const listening = { tls: tls !== undefined, auth: values["require-auth"] === true };
    if (workers !== undefined && !isWorker())
      return await runWorkers(ctx, lang, workers, log, listening, monitorAt);
    const int = { integer: true };
    const shutdownTimeoutMs = numberValue("shutdown-timeout", values["shutdown-timeout"], 5, lang) * 1000;
    const options: Partial<ServerOptions> = {
      host: values.host ?? "127.0.0.1",
      port: portValue(values.port, 5000, lang),
      mode,
      shutdownTimeoutMs,
      wsOrigins: values["ws-origin"] ?? [],
      httpHandshakeTimeoutMs: handshakeSeconds * 1000,
      // The web page speaks --lang when it was given, else each browser's language.
      pageLang: chosenLang(values.lang, ctx.env, lang) ?? null,
      ...(message === undefined ? {} : { message }),
      ...(tls === undefined ? {} : { createServer: () => tls.createServer() }),
    };
    if (mode === "session") {
      const defaults = resolveMessagingOptions();
      const history = await openHistory(values, lang, ctx);
      const messaging = resolveMessagingOptions({
        lang,
        security,
        maxLineBytes: numberValue("max-line", values["max-line"], defaults.maxLineBytes, lang, {
          ...int,
          min: 16,
        }),
        maxPayloadBytes: numberValue(
          "max-payload",
          values["max-payload"],
          defaults.maxPayloadBytes,
          lang,
          int,
        ),
        maxPendingBytes: numberValue(
          "max-pending",
          values["max-pending"],
          defaults.maxPendingBytes,
          lang,
          int,
        ),
        handshakeTimeoutMs:
          numberValue(
            "handshake-timeout",
            values["handshake-timeout"],
            defaults.handshakeTimeoutMs / 1000,
            lang,
          ) * 1000,
        idleTimeoutMs:
          numberValue("idle-timeout", values["idle-timeout"], defaults.idleTimeoutMs / 1000, lang) * 1000,
        lineTimeoutMs:
          numberValue("line-timeout", values["line-timeout"], defaults.lineTimeoutMs / 1000, lang) * 1000,
        maxConnections: numberValue(
          "max-connections",
          values["max-connections"],
          defaults.maxConnections,
          lang,
          int,
        ),
        ...lineRate(numberValue("line-rate", values["line-rate"], defaults.floodLinesPerSecond, lang)),
        bus,
        history: history.store,
        joinReplay: history.joinReplay,
      });
      const handler = new MessagingHandler(messaging);
      history.watch(handler);
      handler.on("disconnect", (info: ClientInfo, reason: DisconnectReason) => log.disconnect(info, reason));
      handler.on("login", (event: LoginEvent) => log.login(event));
      // A bug of ours while serving one client: that client was dropped, the server goes on; say so.
      handler.on("clientError", (info: ClientInfo, error: unknown) => {
        const address = formatAddress(info.remoteAddress ?? "?", info.remotePort ?? 0);
        ctx.stderr.write(`${t(lang, "cli.clientError", { nick: info.nick, address })}\n`);
        if (debug) ctx.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      });
      handler.on("cluster", (state: string) => {
        if (state === "down" || state === "resynced") ctx.stderr.write(`${t(lang, `cluster.${state}`)}\n`);
      });
      await handler.start();
      // Under --workers the primary serves the live view; this worker answers it over IPC.
      const stopAnswering = monitorAt !== undefined && isWorker() ? answerPrimary(handler) : undefined;
      if (bus !== undefined && values.cluster !== undefined) {
        ctx.stderr.write(
          `${t(lang, "cluster.joined", { url: redactUrl(values.cluster), node: bus.nodeId })}\n`,
        );
      }
      try {
        return await serve(
          ctx,
          lang,
          { ...options, handler },
          values.trace === true,
          reload,
          authenticated,
          log,
          listening,
          monitorAt === undefined || isWorker() ? undefined : { handler, where: monitorAt },
        );
      } finally {
        stopAnswering?.();
        stopWatching?.();
        await history.close();
      }
    }
    try {
      return await serve(ctx, lang, options, values.trace === true, reload, authenticated, log, listening);
    } finally {
      stopWatching?.();
    }
  },
});

async function serve(
  ctx: CliContext,
  lang: Lang,
  options: Partial<ServerOptions>,
  trace: boolean,
  reload: () => Promise<void>,
  authenticated: boolean,
  log: ServerLog,
  listening: { tls: boolean; auth: boolean },
  live?: { handler: MessagingHandler; where: MonitorAddress },
): Promise<number> {
  const server = createServer(options);
  const host = server.options.host;
  const missing = [
    ...(options.createServer === undefined ? ["TLS"] : []),
    ...(authenticated ? [] : [t(lang, "cli.authWord")]),
  ];
  if (isPublicBind(host) && missing.length > 0) {
    ctx.stderr.write(`${t(lang, "cli.publicBind", { host, missing: missing.join(" / ") })}\n`);
  }
  const onHangup = () => {
    reload().then(
      () => ctx.stderr.write(`${t(lang, "cli.reloaded")}\n`),
      (error: unknown) => reportError(ctx, lang, error, false),
    );
  };
  process.on("SIGHUP", onHangup);
  // A trace line and a log line keep the order of their events: the log's waiting lines go first.
  if (trace)
    server.on("trace", (event: TraceEvent) => {
      log.flush();
      ctx.stderr.write(`${traceLine(lang, event)}\n`);
    });
  server.on("connection", (info: { address: string }) => log.connection(info.address));
  const worker = isWorker();
  const stop = nextStopSignal(worker);
  const bound = await server.listen();
  const address = formatAddress(bound.address, bound.port);
  if (worker) {
    // The primary prints the listening lines once, when every worker listens.
    process.send?.({ type: "enchufe:listening", address } satisfies ListeningMessage);
  } else {
    log.listening(address, listening.tls, listening.auth);
  }
  let monitor: Awaited<ReturnType<typeof startMonitor>>;
  try {
    monitor =
      live === undefined ? undefined : await startMonitor(ctx, { handler: live.handler }, live.where, lang);
  } finally {
    if (live !== undefined && monitor === undefined) {
      process.off("SIGHUP", onHangup);
      await server.close();
    }
  }
  if (live !== undefined && monitor === undefined) return EXIT_FAILURE;
  if (monitor !== undefined)
    ctx.stderr.write(`${t(lang, "monitor.cli.listening", { address: monitor.address })}\n`);
  if (server.options.mode === "once") {
    const done = new Promise<string>((resolve) => server.once("done", () => resolve("done")));
    const how = await Promise.race([done, stop]);
    if (how !== "done") ctx.stderr.write(`${t(lang, "cli.stopping", { signal: how })}\n`);
    process.off("SIGHUP", onHangup);
    await server.close();
    return EXIT_OK;
  }
  const signal = await stop;
  process.off("SIGHUP", onHangup);
  if (!worker) ctx.stderr.write(`${t(lang, "cli.stopping", { signal })}\n`);
  // The live view answers 503 on /healthz while the server drains, and closes after it.
  await server.close();
  await monitor?.monitor.close();
  if (!worker) ctx.stderr.write(`${t(lang, "cli.stopped")}\n`);
  return EXIT_OK;
}
