/**
 * TLS for the server: a listening socket that speaks only TLS (1.2 minimum, 1.3 preferred), with an
 * optional client-certificate requirement (mutual TLS) and a secure context that can be replaced
 * while running (SIGHUP reload). A client that speaks plain text to it is told so in one plain line.
 */
import { createServer, isIP, type Server, type Socket } from "node:net";
import { Duplex } from "node:stream";
import {
  type ConnectionOptions,
  createSecureContext,
  type SecureContext,
  TLSSocket,
  connect as tlsConnect,
} from "node:tls";

/** The marker a plain-text client receives from a TLS port (the greeting client turns it into ETLSPLAIN). */
export const TLS_REQUIRED_LINE = "! TLS required: this port speaks TLS; connect with --tls\n";

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

/** A TLS server whose certificate can be swapped without dropping sessions. */
export class TlsListener {
  #context: SecureContext;
  #requireClientCert: boolean;
  readonly #handshakeTimeoutMs: number;

  constructor(options: TlsServerOptions) {
    this.#context = TlsListener.context(options);
    this.#requireClientCert = options.clientCa !== undefined;
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  }

  static context(options: TlsServerOptions): SecureContext {
    return createSecureContext({
      cert: options.cert,
      key: options.key,
      minVersion: "TLSv1.2",
      ...(options.clientCa === undefined ? {} : { ca: options.clientCa }),
    });
  }

  /** Replaces the certificate (and client CA) for new connections; existing sessions continue. */
  reload(options: TlsServerOptions): void {
    this.#context = TlsListener.context(options);
    this.#requireClientCert = options.clientCa !== undefined;
  }

  /** A net.Server that emits 'secureConnection' with each TLSSocket once its handshake succeeds. */
  createServer(): Server {
    const server = createServer({ noDelay: true });
    server.on("connection", (socket: Socket) => this.#sniff(server, socket));
    return server;
  }

  #sniff(server: Server, socket: Socket): void {
    socket.on("error", () => {});
    const timer = setTimeout(() => socket.end(TLS_REQUIRED_LINE), SNIFF_MS);
    socket.once("close", () => clearTimeout(timer));
    socket.once("data", (chunk: Buffer) => {
      clearTimeout(timer);
      if (chunk[0] !== TLS_HANDSHAKE_RECORD) socket.end(TLS_REQUIRED_LINE);
      else this.#upgrade(server, socket, chunk);
    });
  }

  /**
   * Starts TLS over `socket`, whose first bytes were already read to sniff the protocol. TLS reads
   * through a Duplex fed by the socket (wrapping the socket itself would lose the bytes already read).
   */
  #upgrade(server: Server, socket: Socket, first: Buffer): void {
    const duplex = new Duplex({
      read() {
        socket.resume();
      },
      write(chunk: Buffer, _encoding, callback) {
        socket.write(chunk, callback);
      },
      final(callback) {
        socket.end();
        callback();
      },
      destroy(error, callback) {
        socket.destroy(error ?? undefined);
        callback(error);
      },
    });
    duplex.push(first);
    socket.on("data", (chunk: Buffer) => {
      if (!duplex.push(chunk)) socket.pause();
    });
    socket.once("end", () => duplex.push(null));
    socket.once("close", () => duplex.destroy());
    const tlsSocket = new TLSSocket(duplex as unknown as Socket, {
      isServer: true,
      secureContext: this.#context,
      requestCert: this.#requireClientCert,
      rejectUnauthorized: this.#requireClientCert,
    });
    // The TLS socket sits on a stream, not a network handle: give it the peer's address.
    for (const name of [
      "remoteAddress",
      "remotePort",
      "remoteFamily",
      "localAddress",
      "localPort",
    ] as const) {
      Object.defineProperty(tlsSocket, name, { value: socket[name], configurable: true });
    }
    const timer = setTimeout(() => tlsSocket.destroy(), this.#handshakeTimeoutMs);
    tlsSocket.on("error", () => {
      clearTimeout(timer);
      tlsSocket.destroy();
    });
    tlsSocket.once("secure", () => {
      clearTimeout(timer);
      server.emit("secureConnection", tlsSocket);
    });
  }
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
