/**
 * `enchufe server --monitor [HOST:]PORT`: reads the option (a bare port binds 127.0.0.1, never the
 * chat port) and starts the live view beside the server (under --workers, in the primary).
 */
import { isEnchufeError } from "../errors.js";
import { type Lang, t } from "../i18n/index.js";
import type { MessagingHandler } from "../server/messaging.js";
import { createMonitor, type Monitor, type MonitorSource } from "../server/monitor/index.js";
import { formatAddress, isPublicBind } from "../transport/address.js";
import { usageError } from "./args.js";
import type { CliContext } from "./context.js";

/** Where the live view listens. */
export interface MonitorAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `--monitor` ("8222", "0.0.0.0:8222", "[::1]:8222"); undefined when not given. */
export function monitorAddress(value: string | undefined, lang: Lang): MonitorAddress | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:(\[[^\]]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(value.trim());
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || port > 65535) throw usageError(t(lang, "monitor.cli.badValue", { value }));
  const host = match[1] === undefined ? "127.0.0.1" : match[1].replace(/^\[|\]$/g, "");
  if (host === "") throw usageError(t(lang, "monitor.cli.badValue", { value }));
  return { host, port };
}

/** Refuses what --monitor cannot do: the chat port itself (0 excepted: both pick a free one). */
export function checkMonitor(monitor: MonitorAddress | undefined, chatPort: number, lang: Lang): void {
  if (monitor === undefined) return;
  if (monitor.port !== 0 && monitor.port === chatPort) {
    const suggestion = chatPort === 65535 ? chatPort - 1 : chatPort + 1;
    throw usageError(t(lang, "monitor.cli.samePort", { port: monitor.port, suggestion }));
  }
}

/**
 * Starts the live view of `handler`; resolves with it once it listens and with its address. A port in
 * use is said as --monitor's (the generic message would advise --port) and resolves undefined.
 */
export async function startMonitor(
  ctx: CliContext,
  watched: { readonly handler: MessagingHandler } | { readonly source: MonitorSource },
  where: MonitorAddress,
  lang: Lang,
): Promise<{ monitor: Monitor; address: string } | undefined> {
  const monitor = createMonitor({ ...watched, host: where.host, port: where.port, lang });
  try {
    const bound = await monitor.listen();
    if (isPublicBind(where.host))
      ctx.stderr.write(`${t(lang, "monitor.cli.publicBind", { host: where.host })}\n`);
    return { monitor, address: formatAddress(bound.address, bound.port) };
  } catch (error) {
    await monitor.close();
    if (!isEnchufeError(error, "EADDRINUSE")) throw error;
    ctx.stderr.write(`enchufe: ${t(lang, "monitor.cli.inUse", { port: where.port })}\n`);
    return undefined;
  }
}
