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
