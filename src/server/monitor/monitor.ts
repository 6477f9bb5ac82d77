/**
 * The live view of a server (`enchufe server --monitor`): a small node:http server beside the chat
 * port, reading a MessagingHandler's counters. Routes:
 * - `/healthz` 200 while serving, 503 while draining; `/readyz` the same (ready = accepting clients);
 * - `/varz` the counters (JSON), `/connz` one entry per connection (`?sort=FIELD&limit=N`),
 *   `/rooms` the rooms and their members, `/events` the latest connection events (`?after=SEQ`);
 * - `/metrics` the Prometheus text format; `/` the dashboard page.
 * It reads a MonitorSource: one handler (`handler`), or the primary's view of its workers (`source`),
 * where every counter is summed in /varz and carries a `worker` label in /metrics.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { optionError } from "../../errors.js";
import type { Lang } from "../../i18n/lang.js";
import { listen } from "../../transport/tcp.js";
import type { MessagingHandler } from "../messaging.js";
import type { BoundAddress } from "../server.js";
import type { ConnectionStats } from "../stats.js";
import { mergedConnections, mergedRooms, mergedVarz } from "./aggregate.js";
import { dashboardPage } from "./dashboard.js";
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from "./prometheus.js";
import { handlerSource, type MonitorSource, type NodeView } from "./source.js";

export interface MonitorOptions {
  /** The server to watch (one process); or give `source`. */
  readonly handler?: MessagingHandler;
  /** Where the views come from when not one handler (the primary under --workers). */
  readonly source?: MonitorSource;
  /** 127.0.0.1 unless told: the counters show addresses and nicknames. */
  readonly host?: string;
  /** 0 picks a free port (read it back from listen()'s answer). */
  readonly port: number;
  /** The dashboard's language (es unless told, or the handler's). */
  readonly lang?: Lang;
  /** How many recent events /events keeps (100). */
  readonly eventCapacity?: number;
}

/** The /connz fields one may sort by; numbers sort largest first, text alphabetically. */
export const CONNZ_SORT_FIELDS = [
  "id",
  "kind",
  "nick",
  "address",
  "since",
  "room",
  "subscriptions",
  "pendingBytes",
  "messagesIn",
  "messagesOut",
] as const satisfies readonly (keyof ConnectionStats)[];

type SortField = (typeof CONNZ_SORT_FIELDS)[number];

export class Monitor {
  readonly #source: MonitorSource;
  readonly #host: string;
  readonly #port: number;
  readonly #page: string;
  #server: Server | undefined;
  #bound: BoundAddress | undefined;

  constructor(options: MonitorOptions) {
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
      throw optionError("port", "should be an integer >= 0 and <= 65535", options.port);
    const source =
      options.source ??
      (options.handler === undefined ? undefined : handlerSource(options.handler, options.eventCapacity));
    if (source === undefined) throw optionError("handler", "or options.source is needed", options.handler);
    // Events are recorded from now on, even before listen(): the first clients are not missed.
    this.#source = source;
    this.#host = options.host ?? "127.0.0.1";
    this.#port = options.port;
    this.#page = dashboardPage(options.lang ?? options.handler?.options.lang ?? "es");
  }

  /** The bound address once listening. */
  get address(): BoundAddress | undefined {
    return this.#bound;
  }

  /** Starts listening; rejects with EADDRINUSE, EACCES, EADDRNOTAVAIL or ENOTFOUND. */
  async listen(): Promise<BoundAddress> {
    if (this.#server !== undefined) throw optionError("monitor", "is already listening", "listen()");
    const server = createServer((request, response) => this.#serve(request, response));
    // A dashboard's keep-alive polling must not hold close() for long.
    server.keepAliveTimeout = 2000;
    await listen({ host: this.#host, port: this.#port, createServer: () => server });
    this.#server = server;
    const bound = server.address();
    if (bound === null || typeof bound !== "object")
      throw optionError("monitor", "is not a TCP server", bound);
    this.#bound = Object.freeze({ address: bound.address, port: bound.port, family: bound.family });
    return this.#bound;
  }

  /** Stops listening and closes open HTTP connections; stops recording events. */
  close(): Promise<void> {
    this.#source.close();
    const server = this.#server;
    if (server === undefined) return Promise.resolve();
    this.#server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  #serve(request: IncomingMessage, response: ServerResponse): void {
    // Parsed by hand: new URL("//varz", base) would read "varz" as a host name.
    const target = request.url ?? "/";
    const queryAt = target.indexOf("?");
    const pathname = (queryAt === -1 ? target : target.slice(0, queryAt)).replace(/\/{2,}/g, "/");
    const query = new URLSearchParams(queryAt === -1 ? "" : target.slice(queryAt + 1));
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("Allow", "GET, HEAD");
      send(response, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
      return;
    }
    const source = this.#source;
    switch (pathname) {
      case "/":
        send(response, 200, "text/html; charset=utf-8", this.#page);
        return;
      case "/healthz":
      case "/readyz": {
        const draining = source.draining;
        send(response, draining ? 503 : 200, "text/plain; charset=utf-8", draining ? "draining\n" : "ok\n");
        return;
      }
      case "/events":
        sendJson(response, 200, source.events(Number(query.get("after")) || 0));
        return;
      case "/varz":
      case "/connz":
      case "/rooms":
      case "/metrics":
        source.views().then(
          (views) => this.#fromViews(pathname, views, query, response),
          () => send(response, 503, "text/plain; charset=utf-8", "the server's counters are unavailable\n"),
        );
        return;
      default:
        send(response, 404, "text/plain; charset=utf-8", "not found: try / /healthz /varz /connz /metrics\n");
    }
  }

  #fromViews(
    path: string,
    views: readonly NodeView[],
    query: URLSearchParams,
    response: ServerResponse,
  ): void {
    if (views.length === 0) {
      send(response, 503, "text/plain; charset=utf-8", "no worker answered\n");
      return;
    }
    if (path === "/varz") sendJson(response, 200, mergedVarz(views, this.#source.draining));
    else if (path === "/rooms") sendJson(response, 200, mergedRooms(views));
    else if (path === "/metrics") send(response, 200, PROMETHEUS_CONTENT_TYPE, renderMetrics(views));
    else connz(mergedConnections(views), query, response);
  }
}

function connz(all: ConnectionStats[], query: URLSearchParams, response: ServerResponse): void {
  const sort = query.get("sort");
  const limitText = query.get("limit");
  if (sort !== null && !(CONNZ_SORT_FIELDS as readonly string[]).includes(sort)) {
    sendJson(response, 400, {
      error: `sort should be one of ${CONNZ_SORT_FIELDS.join(", ")}; received '${sort}'`,
    });
    return;
  }
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    sendJson(response, 400, { error: `limit should be an integer >= 0; received '${limitText}'` });
    return;
  }
  let connections = sort === null ? all : sortBy(all, sort as SortField);
  const total = connections.length;
  if (limit !== undefined) connections = connections.slice(0, limit);
  sendJson(response, 200, { now: new Date().toISOString(), total, connections });
}

/** Numbers largest first (who pends most, who talks most); text in alphabetical order; ids numerically. */
function sortBy(connections: ConnectionStats[], field: SortField): ConnectionStats[] {
  return [...connections].sort((a, b) => {
    const x = a[field];
    const y = b[field];
    if (typeof x === "number" && typeof y === "number") return y - x;
    if (field === "id") return Number(x) - Number(y) || String(x).localeCompare(String(y));
    return String(x ?? "").localeCompare(String(y ?? ""));
  });
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  response.end(response.req.method === "HEAD" ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, "application/json; charset=utf-8", `${JSON.stringify(value)}\n`);
}

/** Creates the live view of `handler` (not yet listening): call `listen()`. */
export function createMonitor(options: MonitorOptions): Monitor {
  return new Monitor(options);
}
