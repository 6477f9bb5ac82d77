/**
 * Acknowledged publishes (APUB → PUBACK, docs/PROTOCOL.md §2.5): every one is kept, frame and promise,
 * until its PUBACK, and sent again after a reconnect with the same id, so the server's dedupe window makes
 * it published once end to end. Bounded like the offline buffer: past the limits, EBUFFERFULL.
 */
import { EnchufeError } from "../errors.js";
import { ErrCode, encodeFrame, type FrameOf, type Headers, PubAckStatus } from "../protocol/frames.js";
import { errFrameError } from "./server-errors.js";

/** What the server said of an acknowledged publish. */
export interface PubAck {
  /** The message's position in the history (0 when the server keeps none: `--history 0`). */
  readonly position: number;
  /** True when the server had it already (a resend after a reconnect): it was published once. */
  readonly duplicate: boolean;
}

interface Pending {
  readonly frame: Buffer;
  /** Sent on a connection (then resent after a reconnect); false while it waits in the offline buffer. */
  sent: boolean;
  readonly resolve: (ack: PubAck) => void;
  readonly reject: (error: EnchufeError) => void;
  readonly cleanup: () => void;
}

/** A random id prefix per client: every anonymous client is one user for the server's dedupe window. */
function randomPrefix(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}

export class AckTable {
  readonly #pending = new Map<string, Pending>();
  readonly #waiters: Array<() => void> = [];
  readonly #prefix = randomPrefix();
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  #next = 1;
  #bytes = 0;

  constructor(maxMessages: number, maxBytes: number) {
    this.#maxMessages = maxMessages;
    this.#maxBytes = maxBytes;
  }

  /** Publishes waiting for their PUBACK. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Keeps an APUB to `topic` and returns its frame and the promise of its PUBACK; `sent` says whether it
   * goes out now. Throws EBUFFERFULL past the limits. `signal` gives up waiting (EABORTED): the message
   * may still be published once.
   */
  add(
    topic: string,
    headers: Headers,
    payload: Uint8Array,
    sent: boolean,
    signal: AbortSignal | undefined,
  ): { id: string; frame: Buffer; acked: Promise<PubAck> } {
    const id = `${this.#prefix}:${this.#next++}`;
    const frame = encodeFrame({ type: "APUB", id, topic, headers, payload });
    if (this.#pending.size >= this.#maxMessages || this.#bytes + frame.length > this.#maxBytes) {
      throw new EnchufeError("EBUFFERFULL", "Too many publishes waiting for their acknowledgement", {
        details: { limit: `${this.#maxMessages} / ${this.#maxBytes} bytes` },
      });
    }
    if (signal?.aborted === true) throw abortedError(topic);
    const acked = new Promise<PubAck>((resolve, reject) => {
      const onAbort = () => this.#settle(id, undefined, abortedError(topic));
      signal?.addEventListener("abort", onAbort, { once: true });
      const cleanup = () => signal?.removeEventListener("abort", onAbort);
      this.#pending.set(id, { frame, sent, resolve, reject, cleanup });
    });
    this.#bytes += frame.length;
    return { id, frame, acked };
  }

  /** The publish `id` could not be sent or kept (a full offline buffer, a closed client): it fails. */
  fail(id: string, error: EnchufeError): void {
    this.#settle(id, undefined, error);
  }

  /** A PUBACK: settles its publish (an unknown id is one given up on: ignored). */
  onPubAck(frame: FrameOf<"PUBACK">): void {
    if (frame.status === PubAckStatus.ERROR) {
      const notKept = frame.code === ErrCode.STORE_FULL || frame.code === ErrCode.STORE_ERROR;
      const error = notKept
        ? new EnchufeError(
            "ENOTKEPT",
            `The server delivered the message but did not keep it: ${frame.message}`,
            {
              details: { message: frame.message, serverCode: frame.code },
            },
          )
        : errFrameError({ type: "ERR", code: frame.code, ref: 0, message: frame.message });
      this.#settle(frame.id, undefined, error);
      return;
    }
    this.#settle(frame.id, { position: frame.position, duplicate: frame.status === PubAckStatus.DUPLICATE });
  }

  /** The frames sent on a lost connection, oldest first, to send again first on the next one. */
  resend(): Buffer[] {
    const frames: Buffer[] = [];
    for (const pending of this.#pending.values()) {
      if (pending.sent) frames.push(pending.frame);
    }
    return frames;
  }

  /** Everything kept now goes out on the new connection (the offline buffer sends the rest). */
  markSent(): void {
    for (const pending of this.#pending.values()) pending.sent = true;
  }

  /** The client closed: every publish still waiting fails with `error`. */
  failAll(error: EnchufeError): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, undefined, error);
  }

  /** Settles when every publish waiting now has its answer (drain). */
  settled(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
    });
  }

  #settle(id: string, ack: PubAck | undefined, error?: EnchufeError): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    this.#bytes -= pending.frame.length;
    pending.cleanup();
    if (error !== undefined) pending.reject(error);
    else pending.resolve(ack!);
    if (this.#pending.size === 0) for (const waiter of this.#waiters.splice(0)) waiter();
  }
}

function abortedError(topic: string): EnchufeError {
  return new EnchufeError("EABORTED", `Stopped waiting for the acknowledgement of a publish to ${topic}`, {
    details: { topic },
  });
}
