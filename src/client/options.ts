/** The messaging client's options, defaults and reconnection backoff. */
import type { ConnectionOptions } from "node:tls";
import { optionError } from "../errors.js";
import type { TraceSink } from "../transport/trace.js";

export interface ReconnectOptions {
  /** First delay before reconnecting (ms). */
  readonly initialDelayMs: number;
  /** Largest delay between attempts (ms). */
  readonly maxDelayMs: number;
  /** Growth of the delay per failed attempt. */
  readonly factor: number;
  /** Attempts before giving up (0 = forever). */
  readonly maxAttempts: number;
}

export interface ClientOptions {
  readonly host: string;
  readonly port: number;
  /** The client's name, sent in HELLO (shown to others as the publisher when it has no nickname). */
  readonly name: string;
  /** Limit for connecting and for the handshake (ms). */
  readonly timeoutMs: number;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly token?: string | undefined;
  /** TLS options (node:tls); plain TCP when undefined. */
  readonly tls?: ConnectionOptions | undefined;
  /** Reconnect automatically after a lost connection; false to close instead. */
  readonly reconnect: ReconnectOptions | false;
  /** Publishes (and requests) kept while disconnected: most messages and bytes. Past them, EBUFFERFULL. */
  readonly maxBufferedMessages: number;
  readonly maxBufferedBytes: number;
  /** Messages a subscription queues for a consumer that does not iterate; past it, EBUFFERFULL on 'error'. */
  readonly maxQueuedMessages: number;
  /** Request timeout when a call does not give one (ms). */
  readonly requestTimeoutMs: number;
  /** Random source for backoff jitter (tests inject a fixed one). */
  readonly random: () => number;
  readonly signal?: AbortSignal | undefined;
  readonly trace?: TraceSink;
}

export const DEFAULT_RECONNECT: ReconnectOptions = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 5000,
  factor: 2,
  maxAttempts: 0,
});

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = Object.freeze({
  host: "127.0.0.1",
  port: 5000,
  name: "enchufe-client",
  timeoutMs: 10_000,
  reconnect: DEFAULT_RECONNECT,
  maxBufferedMessages: 10_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxQueuedMessages: 100_000,
  requestTimeoutMs: 5000,
  random: Math.random,
});

function positive(name: string, value: number, allowZero = false): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw optionError(name, `should be a ${allowZero ? "non-negative" : "positive"} number`, value);
  }
}

/** What callers pass: any subset of the options; `reconnect` may be partial, true (defaults) or false. */
export type ClientOptionsInput = Partial<Omit<ClientOptions, "reconnect">> & {
  reconnect?: Partial<ReconnectOptions> | boolean;
};

/** Fills defaults, validates, freezes. */
export function resolveClientOptions(options: ClientOptionsInput = {}): ClientOptions {
  const reconnect =
    options.reconnect === false
      ? false
      : { ...DEFAULT_RECONNECT, ...(options.reconnect === true ? {} : options.reconnect) };
  const merged: ClientOptions = { ...DEFAULT_CLIENT_OPTIONS, ...options, reconnect };
  if (!Number.isInteger(merged.port) || merged.port < 0 || merged.port > 65535) {
    throw optionError("port", "should be an integer >= 0 and <= 65535", merged.port);
  }
  positive("timeoutMs", merged.timeoutMs, true);
  positive("maxBufferedMessages", merged.maxBufferedMessages, true);
  positive("maxBufferedBytes", merged.maxBufferedBytes, true);
  positive("maxQueuedMessages", merged.maxQueuedMessages);
  positive("requestTimeoutMs", merged.requestTimeoutMs);
  if (reconnect !== false) {
    positive("reconnect.initialDelayMs", reconnect.initialDelayMs);
    positive("reconnect.maxDelayMs", reconnect.maxDelayMs);
    positive("reconnect.maxAttempts", reconnect.maxAttempts, true);
    if (!(reconnect.factor >= 1)) positive("reconnect.factor", Number.NaN);
  }
  return Object.freeze(merged);
}

/**
 * The delay before reconnection attempt `attempt` (1-based): exponential growth capped at maxDelayMs,
 * with "equal jitter" (half fixed, half random) so many clients restarted together do not reconnect in step.
 */
export function backoffDelay(reconnect: ReconnectOptions, attempt: number, random: () => number): number {
  const exponential = Math.min(
    reconnect.maxDelayMs,
    reconnect.initialDelayMs * reconnect.factor ** (attempt - 1),
  );
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
