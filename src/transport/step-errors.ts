/**
 * The errors of a connection step that any transport can meet (a timeout, an abort), built without
 * node:net, so the browser build of the client can raise them too. `tcp.ts` wraps them for host:port.
 */
import { EnchufeError } from "../errors.js";

/** Which step of a connection failed: shown to users so they know what to change. */
export type Step = "listen" | "connect" | "read" | "write" | "handshake" | "request";

/** Where a connection goes: host and port, and how to print them (`127.0.0.1:5000`, a ws:// URL). */
export interface Place {
  readonly host: string;
  readonly port: number;
  readonly address: string;
}

/** The error for a step that did not finish within its time. */
export function stepTimeoutError(place: Place, step: Step, timeoutMs: number): EnchufeError {
  const { host, port, address } = place;
  return new EnchufeError("ETIMEDOUT", `${step} ${address} timed out after ${timeoutMs} ms`, {
    details: { host, port, address, step, seconds: timeoutMs / 1000 },
  });
}

/** The error for an operation cancelled through an AbortSignal. */
export function abortError(signal: AbortSignal): EnchufeError {
  return new EnchufeError("EABORTED", "The operation was aborted", { cause: signal.reason });
}
