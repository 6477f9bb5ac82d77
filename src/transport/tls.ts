/**
 * TLS for the server: a listening socket that speaks only TLS (1.2 minimum, 1.3 preferred), with an
 * optional client-certificate requirement (mutual TLS) and a secure context that can be replaced
 * while running (SIGHUP reload). A client that speaks plain text to it is told so in one plain line.
 */
import { createServer, isIP, type Server, type Socket } from "node:net";
import {
  type ConnectionOptions,
  createServer as createTlsServer,
  type SecureContextOptions,
  TLSSocket,
  type Server as TlsServer,
  connect as tlsConnect,
} from "node:tls";

/** The marker a plain-text client receives from a TLS port (the greeting client turns it into ETLSPLAIN). */
export const TLS_REQUIRED_LINE =
  "! TLS obligatorio: este puerto solo habla TLS, conéctate con --tls / TLS required: this port speaks TLS; connect with --tls\n";

/** How long a silent client may wait before we conclude it is a plain-text client waiting for a greeting. */
const SNIFF_MS = 1000;
const TLS_HANDSHAKE_RECORD = 0x16;

export interface TlsServerOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** PEM of the CA whose client certificates are required (mutual TLS); none when undefined. */
  readonly clientCa?: string | Buffer | undefined;
  /** Time allowed for the TLS handshake (ms). */
  readonly handshakeTimeoutMs?: number;
}

/**
 * A TLS server whose certificate can be swapped without dropping sessions. The raw socket's first
 * bytes are read to tell TLS from plain text, then put back (unshift) and the socket handed to a
 * node:tls Server, which reads them first: Node's own handshake, client-certificate verification
 * (`authorized`) and handshake timeout, on the socket's own handle (no stream in between).
 */
export class TlsListener {
  readonly #tls: TlsServer;

  constructor(options: TlsServerOptions) {
    this.#tls = createTlsServer({
      ...TlsListener.contextOptions(options),
      requestCert: options.clientCa !== undefined,
      rejectUnauthorized: options.clientCa !== undefined,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    });
    // A failed handshake (bad or missing client certificate, timeout, garbage): that socket is closed.
    this.#tls.on("tlsClientError", destroyFailed);
  }

  static contextOptions(options: TlsServerOptions): SecureContextOptions {
    return {
      cert: options.cert,
      key: options.key,
      minVersion: "TLSv1.2",
      ...(options.clientCa === undefined ? {} : { ca: options.clientCa }),
    };
  }

  /** Replaces the certificate (and client CA) for new connections; existing sessions continue. */
  reload(options: TlsServerOptions): void {
    this.#tls.setSecureContext(TlsListener.contextOptions(options));
    const mutual = options.clientCa !== undefined;
    // Read by node:tls for every new connection.
    Object.assign(this.#tls, { requestCert: mutual, rejectUnauthorized: mutual });
  }

  /** A net.Server that emits 'secureConnection' with each TLSSocket once its handshake succeeds. */
  createServer(): Server {
    const server = createServer({ noDelay: true });
    this.#tls.on("secureConnection", (socket: TLSSocket) => server.emit("secureConnection", socket));
    server.on("connection", (socket: Socket) => this.#sniff(socket));
    return server;
  }

  #sniff(socket: Socket): void {
    socket.on("error", () => {});
    const timer = setTimeout(() => socket.end(TLS_REQUIRED_LINE), SNIFF_MS);
    socket.once("close", () => clearTimeout(timer));
    socket.once("data", (chunk: Buffer) => {
      clearTimeout(timer);
      if (chunk[0] !== TLS_HANDSHAKE_RECORD) {
        socket.end(TLS_REQUIRED_LINE);
        return;
      }
      // node:tls reads what the socket already buffered before its own handle.
      socket.pause();
      socket.unshift(chunk);
      this.#tls.emit("connection", socket);
    });
  }
}

function destroyFailed(_error: Error, socket: TLSSocket): void {
  socket.destroy();
}

/** The user a client certificate names (its subject CN), when the certificate was verified. */
export function clientCertificateUser(socket: Socket): string | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

/** Dial options that open a TLS connection (verifying the server unless `rejectUnauthorized: false`). */
export function tlsDialOptions(
  tls: ConnectionOptions,
  host: string,
): { open: (h: string, p: number) => Socket; connectEvent: string } {
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  return {
    open: (h, p) =>
      tlsConnect({
        ...tls,
        host: h,
        port: p,
        ...(servername === undefined ? {} : { servername }),
        minVersion: "TLSv1.2",
      }),
    connectEvent: "secureConnect",
  };
}
