/**
 * The client library's `connect()` for Node: TCP (or TLS) to host:port, or WebSocket to `url`
 * (enchufe.v1). The browser build has its own `connect()` (browser.ts), on WebSocket only.
 */
import { mapSocketError } from "../transport/tcp.js";
import type { EnchufeClient } from "./enchufe-client.js";
import { openClient } from "./open-client.js";
import { type ClientOptionsInput, resolveClientOptions } from "./options.js";
import { dialTcp } from "./tcp-transport.js";
import { dialWebSocket } from "./websocket-transport.js";

export { EnchufeClient, type Reply, type ServerInfo } from "./enchufe-client.js";

/** Connects to an enchufe server in framed mode; resolves once the handshake is done. */
export async function connect(options: ClientOptionsInput = {}): Promise<EnchufeClient> {
  const resolved = resolveClientOptions(options);
  const dial = resolved.url === undefined ? dialTcp : dialWebSocket;
  return openClient(resolved, dial, (error) =>
    mapSocketError(error, { host: resolved.host, port: resolved.port, step: "handshake" }),
  );
}
