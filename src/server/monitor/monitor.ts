/**
 * The live view of a server (`enchufe server --monitor`): a small node:http server beside the chat
 * port, reading a MessagingHandler's counters. Routes:
 * - `/healthz` 200 while serving, 503 while draining; `/readyz` the same (ready = accepting clients);
 * - `/varz` the counters (JSON), `/connz` one entry per connection (`?sort=FIELD&limit=N`),
 *   `/rooms` the rooms and their members, `/events` the latest connection events (`?after=SEQ`);
 * - `/metrics` the Prometheus text format; `/` the dashboard page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { optionError } from "../../errors.js";
import type { Lang } from "../../i18n/lang.js";
import { listen } from "../../transport/tcp.js";
import type { MessagingHandler } from "../messaging.js";
import type { BoundAddress } from "../server.js";
import type { ConnectionStats } from "../stats.js";
import { dashboardPage } from "./dashboard.js";
import { EventRing } from "./events.js";
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from "./prometheus.js";

export interface MonitorOptions {
  readonly handler: MessagingHandler;
  /** 127.0.0.1 unless told: the counters show addresses and nicknames. */
  readonly host?: string;
  /** 0 picks a free port (read it back from listen()'s answer). */
  readonly port: number;
  /** The dashboard's language. */
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
  readonly #handler: MessagingHandler;
  readonly #host: string;
  readonly #port: number;
  readonly #page: string;
  readonly #events: EventRing;
  readonly #unfollow: () => void;
  #server: Server | undefined;
  #bound: BoundAddress | undefined;

  constructor(options: MonitorOptions) {
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
      throw optionError("port", "should be an integer >= 0 and <= 65535", options.port);
    this.#handler = options.handler;
    this.#host = options.host ?? "127.0.0.1";
    this.#port = options.port;
    this.#page = dashboardPage(options.lang ?? options.handler.options.lang);
    this.#events = new EventRing(options.eventCapacity);
    // Events are recorded from now on, even before listen(): the first clients are not missed.
    this.#unfollow = this.#events.follow(options.handler);
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
    this.#unfollow();
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
    const pathname = queryAt === -1 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? "" : target.slice(queryAt + 1));
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("Allow", "GET, HEAD");
      send(response, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
      return;
    }
    const handler = this.#handler;
    switch (pathname.replace(/\/{2,}/g, "/")) {
      case "/":
        send(response, 200, "text/html; charset=utf-8", this.#page);
        return;
      case "/healthz":
      case "/readyz": {
        const draining = handler.draining;
        send(response, draining ? 503 : 200, "text/plain; charset=utf-8", draining ? "draining\n" : "ok\n");
        return;
      }
      case "/varz":
        sendJson(response, 200, handler.stats());
        return;
      case "/connz":
        this.#connz(query, response);
        return;
      case "/rooms":
        sendJson(response, 200, handler.listRooms());
        return;
      case "/events":
        sendJson(response, 200, this.#events.list(Number(query.get("after")) || 0));
        return;
      case "/metrics":
        send(response, 200, PROMETHEUS_CONTENT_TYPE, renderMetrics(handler.stats()));
        return;
      default:
        send(response, 404, "text/plain; charset=utf-8", `not found: try / /healthz /varz /connz /metrics\n`);
    }
  }

  #connz(query: URLSearchParams, response: ServerResponse): void {
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
    let connections = this.#handler.connections();
    if (sort !== null) connections = sortBy(connections, sort as SortField);
    const total = connections.length;
    if (limit !== undefined) connections = connections.slice(0, limit);
    sendJson(response, 200, { now: new Date().toISOString(), total, connections });
  }
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
