/** TCP listening and dialing, with timeouts, cancellation and errors mapped to stable codes. */
import { connect, createServer, type Server, type Socket } from "node:net";
import { EnchufeError, type ErrorCode } from "../errors.js";
import { formatAddress, normalizeHost } from "./address.js";
import { abortError, type Step, stepTimeoutError } from "./step-errors.js";
import type { TraceSink } from "./trace.js";

export { abortError, type Step } from "./step-errors.js";

const SYSTEM_CODES: Readonly<Record<string, ErrorCode>> = {
  ECONNREFUSED: "ECONNREFUSED",
  EADDRINUSE: "EADDRINUSE",
  EACCES: "EACCES",
  EPERM: "EACCES",
  EADDRNOTAVAIL: "EADDRNOTAVAIL",
  ENOTFOUND: "ENOTFOUND",
  EAI_AGAIN: "ENOTFOUND",
  EAI_NONAME: "ENOTFOUND",
  ENETUNREACH: "ENETUNREACH",
  EHOSTUNREACH: "ENETUNREACH",
  ENETDOWN: "ENETUNREACH",
  ECONNRESET: "ECONNRESET",
  EPIPE: "ECONNRESET",
  ECONNABORTED: "ECONNRESET",
  ETIMEDOUT: "ETIMEDOUT",
};

/** Turns a Node socket error into an EnchufeError with a stable code and the host, port and step. */
export function mapSocketError(
  error: unknown,
  where: { host: string; port: number; step: Step },
): EnchufeError {
  if (error instanceof EnchufeError) return error;
  const systemCode = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
  const code: ErrorCode = SYSTEM_CODES[systemCode] ?? "ECLOSED";
  const address = formatAddress(where.host, where.port);
  const text = error instanceof Error ? error.message : String(error);
  return new EnchufeError(code, `${where.step} ${address} failed: ${text}`, {
    details: { host: where.host, port: where.port, address, step: where.step, system: systemCode },
    cause: error,
  });
}

/** The error for a step that did not finish within its time. */
export function timeoutError(
  where: { host: string; port: number; step: Step },
  timeoutMs: number,
): EnchufeError {
  const place = { host: where.host, port: where.port, address: formatAddress(where.host, where.port) };
  return stepTimeoutError(place, where.step, timeoutMs);
}

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly backlog?: number;
  /** Creates the server (e.g. a TLS server); plain TCP by default. */
  readonly createServer?: () => Server;
  readonly trace?: TraceSink;
}

/** Starts listening; resolves once bound, rejects with EADDRINUSE / EACCES / EADDRNOTAVAIL... */
export function listen(options: ListenOptions): Promise<Server> {
  const host = normalizeHost(options.host);
  const server = options.createServer?.() ?? createServer({ noDelay: true });
  const backlog = options.backlog ?? 511;
  options.trace?.({ step: "create", role: "server" });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.close();
      reject(mapSocketError(error, { host, port: options.port, step: "listen" }));
    };
    server.once("error", onError);
    server.listen({ host, port: options.port, backlog }, () => {
      server.off("error", onError);
      const bound = server.address();
      const address =
        bound !== null && typeof bound === "object"
          ? formatAddress(bound.address, bound.port)
          : String(bound);
      options.trace?.({ step: "bind", address });
      options.trace?.({ step: "listen", address, backlog });
      resolve(server);
    });
  });
}

export interface DialOptions {
  readonly host: string;
  readonly port: number;
  /** Gives up connecting after this many milliseconds (0 = never). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
  /** Opens the socket (e.g. tls.connect); plain TCP by default. Must return a socket that emits `connectEvent`. */
  readonly open?: (host: string, port: number) => Socket;
  /** The event that means "ready": "connect" for TCP, "secureConnect" for TLS. */
  readonly connectEvent?: string;
  readonly trace?: TraceSink;
}

/** Connects to host:port; resolves with the connected socket or rejects with a mapped EnchufeError. */
export function dial(options: DialOptions): Promise<Socket> {
  const host = normalizeHost(options.host);
  const port = options.port;
  const signal = options.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  options.trace?.({ step: "create", role: "client" });
  options.trace?.({ step: "connect", address: formatAddress(host, port) });
  const socket = options.open?.(host, port) ?? connect({ host, port, noDelay: true });
  const connectEvent = options.connectEvent ?? "connect";
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      socket.off("error", onError);
      socket.off(connectEvent, onConnect);
      signal?.removeEventListener("abort", onAbort);
    };
    const onError = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(mapSocketError(error, { host, port, step: "connect" }));
    };
    const onConnect = () => {
      cleanup();
      options.trace?.({
        step: "connected",
        local: formatAddress(socket.localAddress ?? "?", socket.localPort ?? 0),
        peer: formatAddress(socket.remoteAddress ?? host, socket.remotePort ?? port),
      });
      resolve(socket);
    };
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(abortError(signal!));
    };
    socket.once("error", onError);
    socket.once(connectEvent, onConnect);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? 0;
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        cleanup();
        socket.destroy();
        reject(timeoutError({ host, port, step: "connect" }, timeoutMs));
      }, timeoutMs);
    }
  });
}
