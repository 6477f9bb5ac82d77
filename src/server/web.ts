/**
 * The HTTP side of the messaging port: sockets whose first bytes are `GET ` (see sniff.ts) go to a
 * node:http Server that never listens itself. `GET /ws` with a WebSocket upgrade becomes a
 * WebSocketConnection handed to the messaging handler; `/settings.json` tells the chat page its language;
 * every other path is a built web file (web-assets.ts) or 404.
 * Origin rule (cross-site WebSocket hijacking): no Origin header (a program) or the server's own
 * origin (its Host) is accepted; any other is 403 unless it matches a `wsOrigins` glob.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Lang } from "../i18n/lang.js";
import { WebSocketConnection } from "../transport/websocket-connection.js";
import { checkUpgrade, refuseUpgrade, writeUpgrade } from "../transport/websocket-handshake.js";
import { SharedFrames } from "../transport/websocket-shared.js";
import type { ConnectionInfo, WebSocketHandler } from "./options.js";
import { loadWebAssets, type WebAssets } from "./web-assets.js";

export interface WebEndpointOptions {
  readonly handler: WebSocketHandler;
  /** Origins accepted besides the server's own (`*` matches any characters). */
  readonly origins: readonly string[];
  /** A complete HTTP request must arrive within this time, else the socket is closed. */
  readonly handshakeTimeoutMs: number;
  /** The folder of built web files (manifest.json and what it names); null serves no files, only /ws. */
  readonly webRoot: string | null;
  /** The chat page's language, or null for the browser's (served as `/settings.json`). */
  readonly pageLang: Lang | null;
}

/**
 * Headers on every file served: the page may load only its own scripts and styles and talk only to its
 * own server (CSP 'self' covers ws: and wss: to the same host), never be framed (clickjacking), and the
 * browser must not guess types.
 */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

const INFO = Symbol("enchufe.http-info");
const TIMER = Symbol("enchufe.http-timer");
type HttpSocket = Socket & { [INFO]?: ConnectionInfo; [TIMER]?: NodeJS.Timeout };

/** Compiles `*` globs (every other character literal, case-insensitive). */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const regexps = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
          .join(".*")}$`,
        "i",
      ),
  );
  return (origin) => {
    const host = origin.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
    return regexps.some((regexp) => regexp.test(origin) || regexp.test(host));
  };
}

/** True when the Origin is absent, the server's own (same host as the Host header), or allowed. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: (origin: string) => boolean,
): boolean {
  if (origin === undefined) return true;
  const originHost = origin.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").toLowerCase();
  if (host !== undefined && originHost === host.toLowerCase()) return true;
  return allowed(origin);
}

/** A short text answer that closes the connection. */
function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "text/plain; charset=utf-8",
    connection: "close",
  });
  response.end(`${text}\n`);
}

function expireHandshake(socket: Socket): void {
  socket.destroy();
}

function clearHandshake(this: HttpSocket): void {
  clearTimeout(this[TIMER]);
}

export class WebEndpoint {
  readonly #options: WebEndpointOptions;
  readonly #http: Server;
  readonly #allowed: (origin: string) => boolean;
  /** Sockets still in their HTTP exchange (closed on close()). */
  readonly #pending = new Set<Socket>();
  /** Deliveries' WebSocket frames, built once for all of this endpoint's connections. */
  readonly #shared = new SharedFrames();
  /** The built web files, read on the first request. */
  #assets: WebAssets | undefined;
  /** `/settings.json`: what the page asks before it connects (built once). */
  readonly #settings: Buffer;

  constructor(options: WebEndpointOptions) {
    this.#options = options;
    this.#allowed = originMatcher(options.origins);
    this.#settings = Buffer.from(`${JSON.stringify({ lang: options.pageLang })}\n`, "utf8");
    this.#http = createServer({ maxHeaderSize: 16 * 1024 });
    this.#http.on("upgrade", (request: IncomingMessage, socket: Socket, head: Buffer) =>
      this.#upgrade(request, socket, head),
    );
    this.#http.on("request", (request: IncomingMessage, response: ServerResponse) =>
      this.#request(request, response),
    );
    this.#http.on("clientError", (_error: Error, socket: Socket) =>
      refuseUpgrade(socket, 400, "bad HTTP request"),
    );
  }

  /** Serves `socket`, whose first bytes (`first`) were already read: they are put back for the parser. */
  accept(socket: Socket, first: Buffer, info: ConnectionInfo): void {
    const tracked = socket as HttpSocket;
    tracked[INFO] = info;
    this.#pending.add(socket);
    socket.once("close", () => this.#pending.delete(socket));
    if (this.#options.handshakeTimeoutMs > 0) {
      tracked[TIMER] = setTimeout(expireHandshake, this.#options.handshakeTimeoutMs, socket);
      tracked[TIMER].unref();
      socket.once("close", clearHandshake);
    }
    socket.pause();
    socket.unshift(first);
    this.#http.emit("connection", socket);
    socket.resume();
  }

  /** Drops the sockets still in their HTTP exchange (the server is stopping). */
  close(): void {
    for (const socket of this.#pending) socket.destroy();
  }

  #request(request: IncomingMessage, response: ServerResponse): void {
    clearTimeout((request.socket as HttpSocket)[TIMER]);
    const path = (request.url ?? "").split("?")[0]!;
    if (path === "/ws") {
      plain(response, 400, "this endpoint speaks WebSocket: send Upgrade: websocket");
      return;
    }
    if (path === "/settings.json") {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
        "content-length": this.#settings.length,
        connection: "close",
      });
      response.end(request.method === "HEAD" ? undefined : this.#settings);
      return;
    }
    const assets = this.#webAssets();
    const asset = assets.ok ? assets.files.get(path) : undefined;
    if (asset === undefined) {
      plain(response, 404, assets.ok ? `not found: ${path}` : `not found: ${assets.reason}`);
      return;
    }
    const headers = {
      ...SECURITY_HEADERS,
      "content-type": asset.type,
      // The files are public: another site's page may import /enchufe.js (a module script from another
      // origin needs CORS). Its WebSocket still needs --ws-origin.
      "access-control-allow-origin": "*",
      "cache-control": "no-cache",
      etag: asset.etag,
      connection: "close",
    };
    if (request.headers["if-none-match"] === asset.etag) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    response.writeHead(200, { ...headers, "content-length": asset.body.length });
    response.end(request.method === "HEAD" ? undefined : asset.body);
  }

  #webAssets(): WebAssets {
    const root = this.#options.webRoot;
    this.#assets ??=
      root === null ? { ok: false, reason: "this server serves no web files" } : loadWebAssets(root);
    return this.#assets;
  }

  #upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const tracked = socket as HttpSocket;
    clearTimeout(tracked[TIMER]);
    this.#pending.delete(socket);
    const info = tracked[INFO];
    if (info === undefined || (request.url ?? "").split("?")[0] !== "/ws") {
      refuseUpgrade(socket, 404, "not found: the WebSocket endpoint is /ws");
      return;
    }
    const origin = request.headers.origin;
    if (!originAllowed(origin, request.headers.host, this.#allowed)) {
      refuseUpgrade(
        socket,
        403,
        `origin ${origin} is not allowed: start the server with --ws-origin to allow it`,
      );
      return;
    }
    const check = checkUpgrade(request.headers);
    if (!check.ok) {
      refuseUpgrade(socket, check.status, check.message);
      return;
    }
    writeUpgrade(socket, check.key, check.kind);
    const handler = this.#options.handler;
    const connection = new WebSocketConnection(
      socket,
      {
        kind: check.kind,
        maxMessageBytes: handler.maxWebSocketMessageBytes(check.kind),
        shared: this.#shared,
      },
      head,
    );
    handler.handleWebSocket(connection, info);
    connection.start();
  }
}
