/**
 * The server side of the WebSocket opening handshake (RFC 6455 §4.2): checks an upgrade request's
 * headers, computes Sec-WebSocket-Accept, and writes the 101 answer or a one-line HTTP refusal.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import { WEBSOCKET_KINDS, type WebSocketKind } from "./websocket-connection.js";

/** The GUID every server appends to the client's key (RFC 6455 §1.3). */
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** A key is 16 random bytes in base64. */
const KEY_PATTERN = /^[A-Za-z0-9+/]{22}==$/;

/** Sec-WebSocket-Accept for a client's Sec-WebSocket-Key. */
export function webSocketAccept(key: string): string {
  return createHash("sha1")
    .update(key + WEBSOCKET_GUID)
    .digest("base64");
}

/** An upgrade request that can be accepted (its key and subprotocol), or why not (status, one line). */
export type UpgradeCheck =
  | { readonly ok: true; readonly key: string; readonly kind: WebSocketKind }
  | { readonly ok: false; readonly status: number; readonly message: string };

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(",") : (value ?? "")).trim();
}

/** Checks Upgrade, Sec-WebSocket-Key, Sec-WebSocket-Version (13) and the subprotocol. */
export function checkUpgrade(headers: IncomingHttpHeaders): UpgradeCheck {
  if (header(headers, "upgrade").toLowerCase() !== "websocket") {
    return { ok: false, status: 400, message: "this endpoint speaks WebSocket: send Upgrade: websocket" };
  }
  const key = header(headers, "sec-websocket-key");
  if (!KEY_PATTERN.test(key)) {
    return { ok: false, status: 400, message: "missing or invalid Sec-WebSocket-Key (16 bytes in base64)" };
  }
  if (header(headers, "sec-websocket-version") !== "13") {
    return { ok: false, status: 400, message: "unsupported Sec-WebSocket-Version: use 13 (RFC 6455)" };
  }
  const asked = header(headers, "sec-websocket-protocol")
    .split(",")
    .map((name) => name.trim());
  const kind = WEBSOCKET_KINDS.find((name) => asked.includes(name));
  if (kind === undefined) {
    return {
      ok: false,
      status: 400,
      message: `ask for a subprotocol in Sec-WebSocket-Protocol: ${WEBSOCKET_KINDS.join(" or ")}`,
    };
  }
  return { ok: true, key, kind };
}

/** Writes the 101 Switching Protocols answer with the accept key and the chosen subprotocol. */
export function writeUpgrade(socket: Socket, key: string, kind: WebSocketKind): void {
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${webSocketAccept(key)}\r\nSec-WebSocket-Protocol: ${kind}\r\n\r\n`,
  );
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
};

/** Answers with `status` and a one-line plain-text body, then closes the socket. */
export function refuseUpgrade(socket: Socket, status: number, message: string): void {
  const body = `${message}\n`;
  const extra = status === 400 ? "Sec-WebSocket-Version: 13\r\n" : "";
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}
