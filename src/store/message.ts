/** A message as the history keeps it (both record codecs read and write it). */
import type { Headers } from "../protocol/wire.js";

/** One published message as the history keeps it. */
export interface StoredMessage {
  /** Its place in the server-wide sequence, from 1, never reused within an epoch. */
  readonly position: number;
  /** When it was appended, in ms since 1970; never less than the message before it. */
  readonly time: number;
  readonly topic: string;
  /** The publisher's nickname or client id ("" when unknown). */
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Uint8Array;
}
