/** The greeting server's options: one typed interface, one set of defaults, validated once and frozen. */
import type { Server } from "node:net";
import { optionError } from "../errors.js";
import type { Lang } from "../i18n/lang.js";
import type { Connection } from "../transport/connection.js";
import type { WebSocketConnection, WebSocketKind } from "../transport/websocket-connection.js";
import { SNIFF_DEADLINE_MS } from "./sniff.js";
import { defaultWebRoot } from "./web-assets.js";

/** The original tutorial's greeting, sent as these exact UTF-8 bytes. */
export const ORIGINAL_GREETING =
  "Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!";

/** What the server does with each connection. */
export type ServerMode =
  /** The original servidor.py: one client, the greeting's exact bytes, close, stop. */
  | "once"
  /** The same for every client, and keep running. */
  | "greet-only"
  /** Greeting, then a messaging session run by the handler (greet-only when there is no handler). */
  | "session";

/** Who an accepted connection is, as the server tells its handler. */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly id: number;
  /** The server's greeting line ("\n" included), written by the handler once it admits the connection. */
  readonly greeting: Buffer;
}

/** Runs the session of each accepted connection (the messaging server plugs in here). */
export interface ConnectionHandler {
  handle(connection: Connection, info: ConnectionInfo): void;
  /** Tells every session the server is stopping and resolves once they are flushed or the deadline passed. */
  shutdown(deadlineMs: number): Promise<void>;
}

/** A handler that also serves WebSocket clients on the same port (MessagingHandler is one). */
export interface WebSocketHandler extends ConnectionHandler {
  /** The largest message a client of that subprotocol may send. */
  maxWebSocketMessageBytes(kind: WebSocketKind): number;
  /** Takes over an upgraded connection (its session kind follows `connection.kind`). */
  handleWebSocket(connection: WebSocketConnection, info: ConnectionInfo): void;
}

/** True when `handler` serves WebSocket clients too. */
export function servesWebSocket(handler: ConnectionHandler): handler is WebSocketHandler {
  return typeof (handler as Partial<WebSocketHandler>).handleWebSocket === "function";
}

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  /** The greeting (a string is sent as UTF-8). */
  readonly message: string | Uint8Array;
  readonly mode: ServerMode;
  readonly handler?: ConnectionHandler | undefined;
  readonly backlog: number;
  /** Milliseconds close() waits for sessions to flush before dropping them. */
  readonly shutdownTimeoutMs: number;
  /** Creates the listening server (a TLS server, say); plain TCP by default. */
  readonly createServer?: (() => Server) | undefined;
  /**
   * Origins allowed to open a WebSocket besides the server's own (`*` globs, matched against the whole
   * Origin or its host); a request without Origin (a program) is always accepted.
   */
  readonly wsOrigins: readonly string[];
  /** A WebSocket client must send its complete HTTP request within this many ms (0 = no limit). */
  readonly httpHandshakeTimeoutMs: number;
  /**
   * The folder of built web files served on the same port (the chat page at `/`, the browser client at
   * `/enchufe.js`): the package's own dist/web by default; null serves none (only `/ws`).
   */
  readonly webRoot: string | null;
  /**
   * The language of the chat page (`/settings.json` tells the page): "es" or "en", or null to let each
   * browser pick its user's language. The CLI sets it when --lang (or ENCHUFE_LANG) was given.
   */
  readonly pageLang: Lang | null;
  /**
   * How long a new connection on a port that also serves HTTP may stay silent before it is taken for a
   * text user and greeted (sniff.ts). A browser may open a socket and send its request later (Chromium
   * preconnects): such a socket then gets the greeting instead of an HTTP answer.
   */
  readonly sniffDeadlineMs: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = Object.freeze({
  host: "127.0.0.1",
  port: 5000,
  message: ORIGINAL_GREETING,
  mode: "session",
  backlog: 511,
  shutdownTimeoutMs: 5000,
  wsOrigins: [],
  httpHandshakeTimeoutMs: 10_000,
  webRoot: defaultWebRoot(),
  pageLang: null,
  sniffDeadlineMs: SNIFF_DEADLINE_MS,
});

const MODES: readonly ServerMode[] = ["once", "greet-only", "session"];

/** Checks a TCP port number: an integer from 0 to 65535 (0 picks a free port). */
export function checkPort(port: unknown, option = "port"): number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw optionError(option, "should be an integer >= 0 and <= 65535", port);
  }
  return port;
}

/** Fills defaults, validates every option, and freezes the result. */
export function resolveServerOptions(options: Partial<ServerOptions> = {}): ServerOptions {
  const merged: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...options };
  checkPort(merged.port);
  if (typeof merged.host !== "string" || merged.host.length === 0) {
    throw optionError("host", "should be a non-empty host name or address", merged.host);
  }
  if (!MODES.includes(merged.mode))
    throw optionError("mode", `should be one of ${MODES.join(", ")}`, merged.mode);
  if (typeof merged.message !== "string" && !(merged.message instanceof Uint8Array)) {
    throw optionError("message", "should be a string or bytes", merged.message);
  }
  // In every mode: framed clients look for their preface echo, and a NUL in the greeting breaks that.
  if (typeof merged.message === "string" ? merged.message.includes("\0") : merged.message.includes(0)) {
    throw optionError("message", "should not contain a NUL byte (0x00)", merged.message);
  }
  // In session mode the greeting is the first line of a text conversation.
  if (
    merged.mode === "session" &&
    (typeof merged.message === "string" ? merged.message.includes("\n") : merged.message.includes(0x0a))
  ) {
    throw optionError("message", "should be one line, without a line break", merged.message);
  }
  if (!Number.isInteger(merged.backlog) || merged.backlog < 1) {
    throw optionError("backlog", "should be a positive integer", merged.backlog);
  }
  if (!Number.isFinite(merged.shutdownTimeoutMs) || merged.shutdownTimeoutMs < 0) {
    throw optionError("shutdownTimeoutMs", "should be a number >= 0", merged.shutdownTimeoutMs);
  }
  if (
    !Array.isArray(merged.wsOrigins) ||
    !merged.wsOrigins.every((o) => typeof o === "string" && o.length > 0)
  ) {
    throw optionError("wsOrigins", "should be a list of non-empty origin patterns", merged.wsOrigins);
  }
  if (!Number.isFinite(merged.httpHandshakeTimeoutMs) || merged.httpHandshakeTimeoutMs < 0) {
    throw optionError("httpHandshakeTimeoutMs", "should be a number >= 0", merged.httpHandshakeTimeoutMs);
  }
  if (merged.webRoot !== null && (typeof merged.webRoot !== "string" || merged.webRoot.length === 0)) {
    throw optionError("webRoot", "should be a folder path, or null to serve no web files", merged.webRoot);
  }
  if (!Number.isFinite(merged.sniffDeadlineMs) || merged.sniffDeadlineMs < 0) {
    throw optionError("sniffDeadlineMs", "should be a number >= 0", merged.sniffDeadlineMs);
  }
  if (merged.pageLang !== null && merged.pageLang !== "es" && merged.pageLang !== "en") {
    throw optionError("pageLang", 'should be "es", "en", or null (the browser\'s language)', merged.pageLang);
  }
  return Object.freeze({ ...merged, wsOrigins: Object.freeze([...merged.wsOrigins]) });
}

/** The greeting as bytes. */
export function greetingBytes(message: string | Uint8Array): Buffer {
  return typeof message === "string" ? Buffer.from(message, "utf8") : Buffer.from(message);
}
