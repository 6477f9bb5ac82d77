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
import { numberValue, type ParsedOptions, portValue } from "./args.js";
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

/** Connection settings from the flags; any TLS flag implies --tls. `--insecure` warns loudly. */
export async function connectionFrom(
  values: ParsedOptions<typeof CONNECTION_OPTIONS> & { trace?: boolean | undefined },
  ctx: CliContext,
  lang: Lang,
): Promise<CliConnection> {
  const wantsTls =
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
    host: values.host ?? "127.0.0.1",
    port: portValue(values.port, 5000, lang),
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
