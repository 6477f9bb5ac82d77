/** Starting a client: the first connection, whose failure is the caller's (no reconnection for it). */
import { EnchufeError } from "../errors.js";
import { EnchufeClient } from "./enchufe-client.js";
import type { ClientOptions } from "./options.js";
import type { Dial } from "./transport.js";

/**
 * Starts a client on the transport `dial` opens; resolves once the handshake is done. An error that is
 * not an EnchufeError goes through `mapError` when given (the caller knows its transport's errors).
 */
export async function openClient(
  options: ClientOptions,
  dial: Dial,
  mapError: (error: unknown) => EnchufeError = (error) => {
    throw error;
  },
): Promise<EnchufeClient> {
  const client = new EnchufeClient(options, dial);
  try {
    await client.start();
  } catch (error) {
    await client.close();
    throw error instanceof EnchufeError ? error : mapError(error);
  }
  return client;
}
