/**
 * The values `enchufe server` reads from its flags and files: the greeting's checks, the TLS files,
 * the log format, the text flood guard. Pure helpers of src/cli/commands/server.ts.
 */

import { type Lang, t } from "../i18n/index.js";
import type { ServerMode } from "../server/options.js";
import type { TlsServerOptions } from "../transport/tls.js";
import { usageError } from "./args.js";
import { readCliFile } from "./files.js";
import type { LogFormat } from "./server-log.js";

/** The TLS settings read from --tls-cert, --tls-key and --tls-client-ca (read again on SIGHUP). */
export async function readTls(paths: {
  cert: string;
  key: string;
  clientCa: string | undefined;
}): Promise<TlsServerOptions> {
  return {
    cert: await readCliFile(paths.cert),
    key: await readCliFile(paths.key),
    clientCa: paths.clientCa === undefined ? undefined : await readCliFile(paths.clientCa),
  };
}

/**
 * Refuses, as a usage error, a greeting the server cannot send: a NUL byte in any mode (framed
 * clients search for their preface echo, and a NUL in the greeting ends that search early) and a
 * line break in session mode (there the greeting is one text line).
 */
export function checkGreeting(message: string | Buffer, option: string, mode: ServerMode, lang: Lang): void {
  const bytes = typeof message === "string" ? Buffer.from(message, "utf8") : message;
  if (bytes.includes(0)) throw usageError(t(lang, "cli.messageNul", { option }));
  if (mode === "session" && bytes.includes(0x0a)) {
    throw usageError(t(lang, "cli.messageNewline", { option }));
  }
}

/** `bytes` without one final "\n" or "\r\n". */
export function withoutFinalNewline(bytes: Buffer): Buffer {
  if (bytes.at(-1) !== 0x0a) return bytes;
  return bytes.subarray(0, bytes.length - (bytes.at(-2) === 0x0d ? 2 : 1));
}

/** `--log-format text|json` (text by default). */
export function logFormat(value: string | undefined, lang: Lang): LogFormat {
  if (value === undefined || value === "text" || value === "json") return value ?? "text";
  throw usageError(t(lang, "log.badFormat", { value }));
}

/** `--line-rate N`: the text flood guard refills N lines per second, with a burst of 4 N (0 = off). */
export function lineRate(perSecond: number): { floodLinesPerSecond: number; floodBurstLines: number } {
  return { floodLinesPerSecond: perSecond, floodBurstLines: Math.ceil(perSecond * 4) };
}
