/** The original cliente.py as one call: connect, read the greeting, close. */
import type { ConnectionOptions } from "node:tls";
import { EnchufeError } from "../errors.js";
import { formatAddress, normalizeHost } from "../transport/address.js";
import { abortError, mapSocketError, timeoutError } from "../transport/tcp.js";
import { TLS_REQUIRED_LINE } from "../transport/tls.js";
import { mapTlsError } from "../transport/tls-errors.js";
import type { TraceSink } from "../transport/trace.js";
import { dialServer } from "./dial.js";

export interface FetchGreetingOptions {
  readonly host?: string;
  readonly port?: number;
  /** Limit for connecting and for reading, each (default 10 s; 0 = none). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
  /** Largest greeting accepted (default 64 KiB): more is EGREETINGTOOLARGE, never unbounded memory. */
  readonly maxBytes?: number;
  readonly trace?: TraceSink;
  /** TLS options (node:tls); plain TCP when undefined. */
  readonly tls?: ConnectionOptions | undefined;
}

export interface Greeting {
  /** The greeting decoded as UTF-8 (invalid sequences become U+FFFD), without its line terminator. */
  readonly text: string;
  /** The exact bytes received, without the line terminator. */
  readonly bytes: Buffer;
  /** False when the bytes were not valid UTF-8. */
  readonly validUtf8: boolean;
}

export const DEFAULT_GREETING_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_GREETING_BYTES = 64 * 1024;

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** Decodes UTF-8, replacing invalid sequences, and says whether it was valid. */
export function decodeGreeting(bytes: Uint8Array): { text: string; validUtf8: boolean } {
  try {
    return { text: strictDecoder.decode(bytes), validUtf8: true };
  } catch {
    return { text: Buffer.from(bytes).toString("utf8"), validUtf8: false };
  }
}

/**
 * Connects, reads the greeting until a newline or until the server closes, and closes.
 * Rejects with ECONNREFUSED, ETIMEDOUT (step connect or read), ENOTFOUND, ENETUNREACH, ECONNRESET,
 * EGREETINGTOOLARGE or EABORTED.
 */
export async function fetchGreeting(options: FetchGreetingOptions = {}): Promise<Greeting> {
  const host = normalizeHost(options.host ?? "127.0.0.1");
  const port = options.port ?? 5000;
  const timeoutMs = options.timeoutMs ?? DEFAULT_GREETING_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_GREETING_BYTES;
  const signal = options.signal;
  const trace = options.trace;
  const tls = options.tls;
  const socket = await dialServer({ host, port, timeoutMs, signal, trace, tls });
  const peer = formatAddress(socket.remoteAddress ?? host, socket.remotePort ?? port);

  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: EnchufeError | undefined) => {
      if (timer !== undefined) clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      if (trace !== undefined) trace({ step: "close", peer, sent: socket.bytesWritten, received: size });
      if (error === undefined) resolve(Buffer.concat(chunks, size));
      else reject(error);
    };
    const armTimer = () => {
      if (timeoutMs <= 0) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => finish(timeoutError({ host, port, step: "read" }, timeoutMs)), timeoutMs);
    };
    const onData = (chunk: Buffer) => {
      trace?.({ step: "receive", bytes: chunk.length, peer });
      const newline = chunk.indexOf(0x0a);
      const part = newline === -1 ? chunk : chunk.subarray(0, newline);
      if (size + part.length > maxBytes) {
        finish(
          new EnchufeError("EGREETINGTOOLARGE", `The greeting is larger than ${maxBytes} bytes`, {
            details: { host, port, address: formatAddress(host, port), limit: maxBytes },
          }),
        );
        return;
      }
      chunks.push(part);
      size += part.length;
      if (newline !== -1) finish(undefined);
      else armTimer();
    };
    const onEnd = () => {
      trace?.({ step: "end", peer });
      finish(undefined);
    };
    const onError = (error: Error) =>
      finish(
        tls === undefined
          ? mapSocketError(error, { host, port, step: "read" })
          : mapTlsError(error, { host, port, step: "read" }),
      );
    const onAbort = () => finish(abortError(signal!));
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
    armTimer();
  });

  const withoutCr = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
  const { text, validUtf8 } = decodeGreeting(withoutCr);
  if (tls === undefined && `${text}\n` === TLS_REQUIRED_LINE) {
    throw new EnchufeError("ETLSPLAIN", `${formatAddress(host, port)} speaks TLS`, {
      details: { host, port, address: formatAddress(host, port), message: text },
    });
  }
  return { text, bytes: withoutCr, validUtf8 };
}
