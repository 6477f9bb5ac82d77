/**
 * Request multiplexing: every request in flight is one PendingRequest in one Map keyed by its id
 * (the nats.js muxsubscription shape). A REPLY, an ERR naming the id, the client's timer, the caller's
 * AbortSignal or a lost connection settles it, exactly once, through `settle()`.
 */
import { EnchufeError } from "../errors.js";
import { encodeFrame, type FrameOf, type Headers, ReplyStatus } from "../protocol/frames.js";
import { toBytes } from "./arguments.js";
import { replyError } from "./server-errors.js";
import type { IncomingRequest } from "./subscription.js";

const EMPTY: Headers = [];

/**
 * A REQMSG as a responder sees it: `respond()` answers once, through `write` (which drops the RESPOND
 * when the connection the request came on is gone: after a reconnection the token is void).
 */
export function incomingRequest(frame: FrameOf<"REQMSG">, write: (respond: Buffer) => void): IncomingRequest {
  let answered = false;
  return {
    name: frame.name,
    from: frame.from,
    headers: frame.headers,
    payload: frame.payload,
    respond: (payload, options = {}) => {
      if (answered) return;
      answered = true;
      write(
        encodeFrame({
          type: "RESPOND",
          token: frame.token,
          status: options.status ?? ReplyStatus.OK,
          headers: options.headers ?? EMPTY,
          payload: toBytes(payload),
        }),
      );
    },
  };
}

/** A reply to a request. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly payload: Uint8Array;
}

/** The client keeps its own timer a little longer than the server's, so the server's TIMEOUT reply wins. */
const CLIENT_TIMER_SLACK_MS = 250;

/** One request in flight: its id, name, timer, abort listener and the promise's two ends. */
export class PendingRequest {
  readonly reqId: number;
  readonly name: string;
  readonly promise: Promise<Reply>;
  readonly #table: RequestTable;
  readonly #signal: AbortSignal | undefined;
  readonly #timer: NodeJS.Timeout;
  #resolve!: (reply: Reply) => void;
  #reject!: (error: EnchufeError) => void;

  /** How long the server was asked to wait for an answer (the TIMEOUT reply's message says it). */
  readonly timeoutMs: number;

  constructor(table: RequestTable, reqId: number, name: string, timeoutMs: number, signal?: AbortSignal) {
    this.#table = table;
    this.reqId = reqId;
    this.name = name;
    this.timeoutMs = timeoutMs;
    this.#signal = signal;
    this.promise = new Promise<Reply>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#timer = setTimeout(() => this.#onTimeout(timeoutMs), timeoutMs + CLIENT_TIMER_SLACK_MS);
    signal?.addEventListener("abort", this, { once: true });
  }

  /** Ends the request with a reply or an error, once; later calls do nothing. */
  settle(outcome: Reply | EnchufeError): void {
    if (!this.#table.forget(this)) return;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener("abort", this);
    if (outcome instanceof EnchufeError) this.#reject(outcome);
    else this.#resolve(outcome);
  }

  /** The AbortSignal's listener (an object listener: no closure per request). */
  handleEvent(): void {
    this.settle(new EnchufeError("EABORTED", "The request was aborted", { details: { name: this.name } }));
  }

  #onTimeout(timeoutMs: number): void {
    this.settle(
      new EnchufeError("ETIMEDOUT", `Request ${this.name} timed out after ${timeoutMs} ms`, {
        details: { name: this.name, step: "request", address: this.name, seconds: timeoutMs / 1000 },
      }),
    );
  }
}

/** The pending table: request id to PendingRequest. */
export class RequestTable {
  readonly #pending = new Map<number, PendingRequest>();

  /** Starts tracking a request with id `reqId` (unique among the client's requests and subscriptions). */
  add(reqId: number, name: string, timeoutMs: number, signal?: AbortSignal): PendingRequest {
    const request = new PendingRequest(this, reqId, name, timeoutMs, signal);
    this.#pending.set(reqId, request);
    return request;
  }

  get(reqId: number): PendingRequest | undefined {
    return this.#pending.get(reqId);
  }

  /** @internal Called by PendingRequest.settle(): false when it was settled already. */
  forget(request: PendingRequest): boolean {
    if (this.#pending.get(request.reqId) !== request) return false;
    this.#pending.delete(request.reqId);
    return true;
  }

  /** Settles the request a REPLY answers; a REPLY for an unknown id (settled already) is ignored. */
  onReply(frame: FrameOf<"REPLY">): void {
    const request = this.#pending.get(frame.reqId);
    if (request === undefined) return;
    request.settle(
      frame.status === ReplyStatus.OK
        ? { status: frame.status, headers: frame.headers, payload: frame.payload }
        : replyError(frame, request.name, request.timeoutMs),
    );
  }

  /** Rejects every request in flight (they may or may not have been processed: at most once). */
  failAll(error: EnchufeError): void {
    for (const request of [...this.#pending.values()]) request.settle(error);
  }

  /** The promises of the requests in flight, for drain(). */
  inflight(): Promise<Reply>[] {
    return [...this.#pending.values()].map((request) => request.promise);
  }
}
