/** The messaging client's options, defaults and reconnection backoff. */
import type { ConnectionOptions } from "node:tls";
import { optionError } from "../errors.js";
import type { TraceSink } from "../transport/trace.js";
import type { WebSocketConstructor } from "./websocket-like.js";

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
  /**
   * A WebSocket URL (`ws://host:port/ws`, `wss://…`): connect over WebSocket (subprotocol enchufe.v1)
   * instead of TCP. host and port are then the URL's; credentials go in user/password/token, never in it.
   */
  readonly url?: string | undefined;
  /** The WebSocket class to use with `url` (e.g. the ws package on Node 20); globalThis.WebSocket by default. */
  readonly webSocket?: WebSocketConstructor | undefined;
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

/** A URL as error messages may show it: any user:password@ replaced, so a secret is never echoed. */
function redactUrl(url: URL): string {
  if (url.username === "" && url.password === "") return url.href;
  return `${url.protocol}//***@${url.host}${url.pathname}${url.search}`;
}

/** The server's host and port as a WebSocket URL names them; conflicting options fail here, at start. */
function webSocketPlace(options: ClientOptionsInput, text: unknown): { host: string; port: number } {
  const url = typeof text === "string" && URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== "ws:" && url.protocol !== "wss:")) {
    throw optionError("url", "should be a ws:// or wss:// URL such as ws://127.0.0.1:5000/ws", text);
  }
  if (url.username !== "" || url.password !== "") {
    throw optionError(
      "url",
      "should not carry credentials (user:password@): pass user and password, or token, which go in the first message",
      redactUrl(url),
    );
  }
  if (options.host !== undefined || options.port !== undefined) {
    throw optionError("url", "cannot be combined with host or port: the URL names the server", url.href);
  }
  if (options.tls !== undefined) {
    throw optionError(
      "tls",
      "applies to TCP only: a wss:// URL is encrypted by the WebSocket itself",
      options.tls,
    );
  }
  if (options.webSocket !== undefined && typeof options.webSocket !== "function") {
    throw optionError("webSocket", "should be a WebSocket class (constructor)", options.webSocket);
  }
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === "" ? (url.protocol === "wss:" ? 443 : 80) : Number(url.port);
  return { host, port };
}

/** Fills defaults, validates, freezes. */
export function resolveClientOptions(options: ClientOptionsInput = {}): ClientOptions {
  const reconnect =
    options.reconnect === false
      ? false
      : { ...DEFAULT_RECONNECT, ...(options.reconnect === true ? {} : options.reconnect) };
  if (options.url === undefined && options.webSocket !== undefined) {
    throw optionError("webSocket", "is used only with url (a ws:// or wss:// URL)", options.webSocket);
  }
  const place = options.url === undefined ? {} : webSocketPlace(options, options.url);
  const merged: ClientOptions = { ...DEFAULT_CLIENT_OPTIONS, ...options, ...place, reconnect };
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
