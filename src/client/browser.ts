/**
 * The browser build's entry: what a page gets from `/enchufe.js` (scripts/build-web.mjs bundles it, with
 * the `buffer` and `events` packages standing in for node:buffer and node:events). The same client as
 * in Node, over WebSocket only (subprotocol enchufe.v1); without a `url` it connects to the page's own
 * server, `ws(s)://<the page's host>/ws`.
 */
import { optionError } from "../errors.js";
import type { EnchufeClient } from "./enchufe-client.js";
import { openClient } from "./open-client.js";
import { type ClientOptionsInput, resolveClientOptions } from "./options.js";
import { dialWebSocket } from "./websocket-transport.js";

export { EnchufeError, ERROR_CODES, type ErrorCode, isEnchufeError } from "../errors.js";
export { CloseReason, ErrCode, type Headers, ReplyStatus } from "../protocol/frames.js";
export { matchTopic } from "../protocol/topics.js";
export type { PubAck } from "./acks.js";
export { EnchufeClient, type Reply, type ServerInfo } from "./enchufe-client.js";
export type { TopicHistory } from "./history.js";
export type { ReconnectOptions } from "./options.js";
export type { IncomingRequest, Message, ReplayInfo, SubscribeStart, Subscription } from "./subscription.js";

/** The browser client's options: the Node client's, less what only TCP has. */
export type BrowserClientOptions = Omit<ClientOptionsInput, "host" | "port" | "tls">;

/** The page's own server's WebSocket endpoint, when there is a page. */
function sameOriginUrl(): string | undefined {
  const location = (globalThis as { location?: { protocol: string; host: string } }).location;
  if (location === undefined || !location.protocol.startsWith("http")) return undefined;
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}

/** Connects to an enchufe server over WebSocket; resolves once the handshake is done. */
export async function connect(options: BrowserClientOptions = {}): Promise<EnchufeClient> {
  const resolved = resolveClientOptions({ ...options, url: options.url ?? sameOriginUrl() });
  if (resolved.url === undefined) {
    throw optionError("url", "is required outside a web page (ws://host:port/ws)", undefined);
  }
  return openClient(resolved, dialWebSocket);
}
