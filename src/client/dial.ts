/** Dialing a server for the client library: plain TCP, or TLS with its failures mapped to ETLS* codes. */
import type { Socket } from "node:net";
import { normalizeHost } from "../transport/address.js";
import { dial } from "../transport/tcp.js";
import { tlsDialOptions } from "../transport/tls.js";
import { mapTlsError } from "../transport/tls-errors.js";
import type { ClientOptions } from "./options.js";

/** What dialing needs of the client's options (the greeting fetch passes the same fields). */
export type DialServerOptions = Pick<
  ClientOptions,
  "host" | "port" | "timeoutMs" | "signal" | "trace" | "tls"
>;

/** Connects to `host:port`; resolves with the socket once it is connected (and the TLS handshake done). */
export async function dialServer(options: DialServerOptions): Promise<Socket> {
  const { host, port, timeoutMs, signal, trace, tls } = options;
  try {
    return await dial({
      host,
      port,
      timeoutMs,
      signal,
      trace,
      ...(tls === undefined ? {} : tlsDialOptions(tls, normalizeHost(host))),
    });
  } catch (error) {
    throw tls === undefined ? error : mapTlsError(error, { host, port, step: "connect" });
  }
}
