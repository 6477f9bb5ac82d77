/** Turns the connection flags every client command shares (address, timeout, TLS) into client options. */
import type { Socket } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { connect, type EnchufeClient } from "../client/client.js";
import type { Lang } from "../i18n/index.js";
import { t } from "../i18n/index.js";
import { dial } from "../transport/tcp.js";
import { tlsDialOptions } from "../transport/tls.js";
import { mapTlsError } from "../transport/tls-errors.js";
import type { TraceEvent } from "../transport/trace.js";
import { numberValue, type ParsedOptions, portValue, usageError } from "./args.js";
import type { CliContext } from "./context.js";
import { readCliFile } from "./files.js";
import { traceLine } from "./output.js";
import { readSecret } from "./prompt.js";

/** Options of every command that connects to a server. */
export const CONNECTION_OPTIONS = {
  host: { type: "string" },
  port: { type: "string", short: "p" },
  timeout: { type: "string" },
  tls: { type: "boolean" },
  ca: { type: "string" },
  servername: { type: "string" },
  cert: { type: "string" },
  key: { type: "string" },
  insecure: { type: "boolean" },
  user: { type: "string", short: "u" },
  "password-file": { type: "string" },
  token: { type: "string" },
} as const;

export interface CliConnection {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly tls: ConnectionOptions | undefined;
  readonly trace: ((event: TraceEvent) => void) | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly token: string | undefined;
}

/** Where to connect when no flag says: ENCHUFE_URL, then ENCHUFE_HOST / ENCHUFE_PORT over it. */
interface EnvAddress {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly tls: boolean;
}

function envValue(env: NodeJS.ProcessEnv, name: string, lang: Lang): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === "") throw usageError(t(lang, "env.empty", { name }));
  return value.trim();
}

function envPort(name: string, value: string, lang: Lang): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) throw usageError(t(lang, "env.badPort", { name, value }));
  return port;
}

/** `enchufe://host:port` (plain) or `enchufes://host:port` (TLS); the port defaults to 5000. */
function parseEnchufeUrl(value: string, lang: Lang): EnvAddress {
  const bad = () => usageError(t(lang, "env.badUrl", { name: "ENCHUFE_URL", value }));
  const match = /^(enchufes?):\/\/(\[[0-9A-Fa-f:.]+\]|[^:/?#@[\]\s]+)(?::(\d{1,5}))?\/?$/.exec(value);
  if (match === null) throw bad();
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && port > 65535) throw bad();
  return { host: match[2]!.replace(/^\[(.*)\]$/, "$1"), port, tls: match[1] === "enchufes" };
}

/** The address the environment gives (flags win over it); an invalid value is a usage error naming it. */
export function envAddress(env: NodeJS.ProcessEnv, lang: Lang): EnvAddress {
  const url = envValue(env, "ENCHUFE_URL", lang);
  const base: EnvAddress =
    url === undefined ? { host: undefined, port: undefined, tls: false } : parseEnchufeUrl(url, lang);
  const host = envValue(env, "ENCHUFE_HOST", lang);
  const port = envValue(env, "ENCHUFE_PORT", lang);
  return {
    host: host ?? base.host,
    port: port === undefined ? base.port : envPort("ENCHUFE_PORT", port, lang),
    tls: base.tls,
  };
}

/**
 * Connection settings from the flags, then ENCHUFE_URL / ENCHUFE_HOST / ENCHUFE_PORT; any TLS flag
 * (or an enchufes:// URL) implies --tls. `--insecure` warns loudly.
 */
export async function connectionFrom(
  values: ParsedOptions<typeof CONNECTION_OPTIONS> & { trace?: boolean | undefined },
  ctx: CliContext,
  lang: Lang,
): Promise<CliConnection> {
  const env = envAddress(ctx.env, lang);
  const wantsTls =
    (env.tls && values.host === undefined) ||
    values.tls === true ||
    values.ca !== undefined ||
    values.servername !== undefined ||
    values.cert !== undefined ||
    values.insecure === true;
  let tls: ConnectionOptions | undefined;
  if (wantsTls) {
    tls = {
      ...(values.ca === undefined ? {} : { ca: await readCliFile(values.ca) }),
      ...(values.servername === undefined ? {} : { servername: values.servername }),
      ...(values.cert === undefined ? {} : { cert: await readCliFile(values.cert) }),
      ...(values.key === undefined ? {} : { key: await readCliFile(values.key) }),
      ...(values.insecure === true ? { rejectUnauthorized: false } : {}),
    };
    if (values.insecure === true) ctx.stderr.write(`${t(lang, "cli.insecure")}\n`);
  }
  const password =
    values.user === undefined
      ? undefined
      : await readSecret(ctx, values["password-file"], t(lang, "user.prompt", { name: values.user }));
  return {
    user: values.user,
    password,
    token: values.token,
    host: values.host ?? env.host ?? "127.0.0.1",
    port: portValue(values.port, env.port ?? 5000, lang),
    timeoutMs: numberValue("timeout", values.timeout, 10, lang) * 1000,
    tls,
    trace:
      values.trace === true
        ? (event: TraceEvent) => ctx.stderr.write(`${traceLine(lang, event)}\n`)
        : undefined,
  };
}

/** Opens a plain or TLS socket to the server (for text-mode commands such as chat). */
export async function dialServer(connection: CliConnection): Promise<Socket> {
  const { host, port, timeoutMs, tls, trace } = connection;
  try {
    return await dial({
      host,
      port,
      timeoutMs,
      trace,
      ...(tls === undefined ? {} : tlsDialOptions(tls, host)),
    });
  } catch (error) {
    throw tls === undefined ? error : mapTlsError(error, { host, port, step: "connect" });
  }
}

/**
 * Connects as `name` for a long-running command (sub, reply): it reconnects by itself, and says on
 * stderr when the connection is lost and when it is back.
 */
export async function connectLongRunning(
  values: ParsedOptions<typeof CONNECTION_OPTIONS> & { trace?: boolean | undefined },
  ctx: CliContext,
  lang: Lang,
  name: string,
): Promise<EnchufeClient> {
  const client = await connect({ ...(await connectionFrom(values, ctx, lang)), name });
  client.on("disconnected", () => ctx.stderr.write(`${t(lang, "cli.reconnecting")}\n`));
  client.on("reconnected", () => ctx.stderr.write(`${t(lang, "cli.reconnected")}\n`));
  return client;
}

/**
 * Connects once as `name`, without reconnecting (a one-shot command fails rather than waits), runs
 * `use` and closes. An `error` event seen meanwhile is thrown once `use` is done, so the command fails.
 */
export async function withOneShotClient<T>(
  connection: CliConnection,
  name: string,
  use: (client: EnchufeClient) => Promise<T>,
): Promise<T> {
  const client = await connect({ ...connection, name, reconnect: false });
  let failure: unknown;
  client.on("error", (error: unknown) => {
    failure ??= error;
  });
  try {
    const result = await use(client);
    if (failure !== undefined) throw failure;
    return result;
  } finally {
    await client.close();
  }
}
