/**
 * enchufe's errors: one base class with a stable `code`, and a catalogue of every code.
 * Tell errors apart by `code`, never by message text. The library's messages are English;
 * the CLI prints a localized text for each code (see src/i18n/).
 */

/** Every error code enchufe can produce, with a one-line English description (docs/ERRORS.md mirrors it). */
export const ERROR_CODES = {
  // Connection and addresses (transport)
  ECONNREFUSED: "Nothing is listening at that address: start the server first.",
  EADDRINUSE: "The port is already in use by another program.",
  EACCES: "The operating system does not allow listening on that port.",
  EADDRNOTAVAIL: "The address does not belong to this machine.",
  ENOTFOUND: "The host name could not be resolved.",
  ENETUNREACH: "The network or host is unreachable.",
  ECONNRESET: "The peer reset the connection.",
  ETIMEDOUT: "A step (connect, read, request) did not finish in time.",
  EABORTED: "The operation was cancelled through its AbortSignal.",
  ECLOSED: "The connection closed before the operation finished.",
  // Usage and options
  EUSAGE: "The command line or options are not valid.",
  EOPTION: "An option has an invalid value.",
  EFILE: "A file could not be read or written.",
  // Greeting client
  EGREETINGTOOLARGE: "The greeting is larger than the allowed maximum.",
  // Protocol (the peer broke the rules, or a limit was exceeded)
  EPROTOCOL: "The peer sent bytes that break the enchufe protocol.",
  ETOOLARGE: "A frame or payload is larger than the announced maximum.",
  ELINETOOLONG: "A text line is longer than the allowed maximum.",
  EINVALIDTOPIC: "A topic name or subscription pattern is not valid.",
  ESLOWCONSUMER: "The client did not read fast enough and its output buffer filled up.",
  // Messaging client
  ENORESPONDERS: "No handler or responder is available for that request.",
  ENOSUCHUSER: "No client or user is connected with that nickname (a direct message).",
  EREQUESTFAILED: "The responder answered the request with an error.",
  EBUFFERFULL: "Too many publishes were buffered while disconnected.",
  ESERVERCLOSED: "The server closed the connection with a reason.",
  EWEBSOCKET:
    "The WebSocket did not open: nothing at that URL, not an enchufe server, its origin rule refused the page, or the page's CSP blocked the URL.",
  ENOWEBSOCKET: "No WebSocket class is available: use Node 22 or later, or pass one as the webSocket option.",
  // Security
  EAUTH: "Authentication failed: unknown user, wrong password or invalid token.",
  EAUTHREQUIRED: "The server requires authentication.",
  EDENIED: "The user has no permission for that action.",
  EPLAINTEXTAUTH: "Credentials are refused on an unencrypted, non-loopback connection.",
  ERATELIMIT: "Too many connections, messages or failed logins: slow down.",
  ETLSUNTRUSTED: "The server's TLS certificate is not signed by a trusted CA.",
  ETLSHOSTNAME: "The server's TLS certificate does not match the host name.",
  ETLSEXPIRED: "A TLS certificate has expired or is not yet valid.",
  ETLSPLAIN: "One side speaks TLS and the other plain TCP.",
  ETLSCLIENTCERT: "The server requires a client certificate, or refused the one given.",
  ETLS: "The TLS handshake failed.",
  EUSERS: "The users file is missing, malformed or cannot be written.",
  // Cluster
  ECLUSTER: "The cluster bus (Redis) is unreachable or failed.",
  // History store
  ESTOREFULL: "The history's disk is full or its file size limit was reached: the message was not stored.",
  ESTORE: "The history's data directory could not be read or written.",
  ESTORELOCKED: "Another running process is using the history's data directory.",
  ENOTKEPT:
    "The server delivered the message but could not keep it in its history (a full or failing disk): it was not acknowledged.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Values that describe a failure (host, port, step, limit...), used to build localized messages. */
export type ErrorDetails = Readonly<Record<string, string | number | undefined>>;

/** The one base class for every error enchufe raises on purpose. */
export class EnchufeError extends Error {
  override readonly name = "EnchufeError";
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `error` is an EnchufeError, optionally with the given code. */
export function isEnchufeError(error: unknown, code?: ErrorCode): error is EnchufeError {
  return error instanceof EnchufeError && (code === undefined || error.code === code);
}

/**
 * The one way to build an EOPTION error, in Node's "what, rule, received" form:
 * `optionError("port", "should be >= 0 and <= 65535", 70000)` gives
 * `options.port should be >= 0 and <= 65535. Received type number (70000).`
 * `details` carries `option`, `rule` and the `received` description for localized messages.
 */
export function optionError(option: string, rule: string, received: unknown): EnchufeError {
  const description = describeReceived(received);
  return new EnchufeError("EOPTION", `options.${option} ${rule}. Received ${description}.`, {
    details: { option, rule, received: description },
  });
}

/** How Node's ERR_INVALID_ARG_TYPE names a value: its type and a short rendering of it. */
function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "function") return `function ${value.name || "<anonymous>"}`;
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name === undefined || name === "" ? "type object" : `an instance of ${name}`;
  }
  if (typeof value === "string") {
    // Long strings are cut, as Node does, so a wrong multi-kilobyte value does not flood the message.
    const shown = value.length > 28 ? `${value.slice(0, 25)}...` : value;
    return `type string (${JSON.stringify(shown)})`;
  }
  return `type ${typeof value} (${String(value)})`;
}
