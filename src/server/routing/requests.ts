/**
 * Request routing: a server handler first, then one local responder in turn that keeps up (round robin,
 * skipping one whose pending output is at `skipSlowBytes`, as queue groups do), then another node through
 * the remote half (which also takes the request when every local responder is behind; with no other node,
 * the least loaded local one gets it), else NO_RESPONDERS. One pending table holds every request waiting for an
 * answer, local or remote (an entry per request, nats.js's muxsubscription style, reused once answered), by
 * its numeric token (protocol/tokens.ts: no string per request); their timeouts share one timer (deadlines.ts).
 */
import {
  type Headers,
  type PayloadSource,
  PlainRecord,
  payloadOf,
  ReplyStatus,
} from "../../protocol/frames.js";
import { SubscriptionIndex } from "../../protocol/subscriptions.js";
import { tokenOf, tokenText } from "../../protocol/tokens.js";
import type { RequestHandler, RequestResult } from "../handlers.js";
import { type Deadline, Deadlines } from "./deadlines.js";
import type { RemoteHalf, Requester, Subscriber } from "./interfaces.js";

/** Finds the server-side handler of a request name (HandlerRegistry). */
export interface HandlerLookup {
  get(name: string): RequestHandler | undefined;
  /** Grows whenever a handler is set or deleted (what get() answers may have changed). */
  readonly changes: number;
}

export interface RequestOptions {
  readonly defaultTimeoutMs: number;
  readonly maxTimeoutMs: number;
  /** A responder with this much output pending is passed over while another keeps up. */
  readonly skipSlowBytes: number;
  /** The clock of the deadlines (Date.now by default; the router's reads it once per chunk). */
  readonly now?: () => number;
}

const EMPTY_HEADERS: Headers = [];
/** Tokens count up to this (a small integer to V8) and start again at 1: far more than can wait at once. */
const LAST_TOKEN = 0x3fffffff;
/** Slots of the pending table's ring (a power of two): the requests answered in about the order they came. */
const RING_SLOTS = 4096;
const EMPTY_PAYLOAD = new Uint8Array(0);

/**
 * One request waiting for its answer, its own deadline entry. `responder` undefined: another node has it.
 * Answered in order, an entry is reused for a later request (Requests.#free): no object per request then.
 */
class PendingRequest implements Deadline {
  token: number;
  requester: Requester;
  reqId: number;
  /** Set again when no other node took it and a local responder that was behind gets it after all. */
  responder: Subscriber | undefined;
  at = 0;
  live = false;

  constructor(token: number, requester: Requester, reqId: number, responder: Subscriber | undefined) {
    this.token = token;
    this.requester = requester;
    this.reqId = reqId;
    this.responder = responder;
  }
}

/** Answered entries kept for reuse at most. */
const FREE_ENTRIES = 256;

export class Requests {
  readonly #handlers: HandlerLookup;
  readonly #remote: RemoteHalf;
  readonly #options: RequestOptions;
  readonly #responders = new SubscriptionIndex<Subscriber>();
  /**
   * The pending table: request `token` in slot `token % RING_SLOTS` of the ring, moved to the overflow map
   * when a newer token needs its slot while it still waits (slow responders, long timeouts): a lookup is
   * an array read, no hashing.
   */
  readonly #ring: (PendingRequest | undefined)[] = new Array<PendingRequest | undefined>(RING_SLOTS).fill(
    undefined,
  );
  readonly #overflow = new Map<number, PendingRequest>();
  /** Every pending request's timeout, on one timer: TIMEOUT when it passes. */
  readonly #deadlines: Deadlines<PendingRequest>;
  /** Entries no table, deadline or caller holds any more (answered, dropped by the deadlines at once). */
  readonly #free: PendingRequest[] = [];
  #tokens = 0;
  #rotation = 0;
  /**
   * The responders of the last name routed, in match()'s order: requests repeat a name, so the index is
   * asked once per name, not per request. Forgotten whenever a responder comes or goes.
   */
  #matchedName: string | undefined;
  #matched: readonly Subscriber[] = [];
  /** The handler of the last name routed (or undefined: none), as of the registry's `changes` count. */
  #handledName: string | undefined;
  #handled: RequestHandler | undefined;
  #handledAt = -1;

  constructor(handlers: HandlerLookup, remote: RemoteHalf, options: RequestOptions) {
    this.#handlers = handlers;
    this.#remote = remote;
    this.#options = options;
    this.#deadlines = new Deadlines<PendingRequest>(
      (pending) => this.settle(pending.token, ReplyStatus.TIMEOUT, EMPTY_HEADERS, EMPTY_PAYLOAD, undefined),
      options.now,
    );
  }

  addResponder(pattern: string, responder: Subscriber): void {
    this.#responders.add(pattern, responder);
    this.#matchedName = undefined;
  }

  removeResponder(pattern: string, responder: Subscriber): void {
    this.#responders.remove(pattern, responder);
    this.#matchedName = undefined;
  }

  /** The handler of `name`, if any: the registry is asked once per name while it does not change. */
  #handlerOf(name: string): RequestHandler | undefined {
    const changes = this.#handlers.changes;
    if (name !== this.#handledName || changes !== this.#handledAt) {
      this.#handled = this.#handlers.get(name);
      this.#handledName = name;
      this.#handledAt = changes;
    }
    return this.#handled;
  }

  /** The responders whose patterns match `name`, in the index's order (read at once, never kept). */
  #respondersOf(name: string): readonly Subscriber[] {
    if (name !== this.#matchedName) {
      this.#matched = [...this.#responders.match(name)];
      this.#matchedName = name;
    }
    return this.#matched;
  }

  route(
    requester: Requester,
    reqId: number,
    name: string,
    timeoutMs: number,
    headers: Headers,
    payload: PayloadSource,
  ): void {
    const handler = this.#handlerOf(name);
    if (handler !== undefined) {
      runHandler(handler, requester, reqId, name, headers, payloadOf(payload));
      return;
    }
    const wait =
      timeoutMs > 0 ? Math.min(timeoutMs, this.#options.maxTimeoutMs) : this.#options.defaultTimeoutMs;
    const responders = this.#respondersOf(name);
    // A request from another node stays here: that node chose this one.
    const chosen = responders.length === 0 ? undefined : this.#inTurn(responders, requester.remote === true);
    if (chosen !== undefined) {
      const token = this.#open(requester, reqId, chosen, wait);
      chosen.deliverRequest(token, name, requester.nick, headers, payload);
      return;
    }
    if (requester.remote === true) {
      requester.reply(reqId, ReplyStatus.NO_RESPONDERS, EMPTY_HEADERS, EMPTY_PAYLOAD);
      return;
    }
    const token = this.#open(requester, reqId, undefined, wait);
    const behind = responders.length > 0;
    // Kept past this call: the bytes, never a record read in place.
    const bytes = payloadOf(payload);
    this.#remote.request(tokenText(token), name, requester.nick, headers, bytes).then(
      (routed) => routed || this.#notRouted(token, behind, name, headers, bytes),
      () => this.#notRouted(token, behind, name, headers, bytes),
    );
  }

  /**
   * No other node took the request: NO_RESPONDERS, or (`behind`: every local responder was behind) the
   * least loaded local responder after all, under the same deadline.
   */
  #notRouted(token: number, behind: boolean, name: string, headers: Headers, payload: Uint8Array): void {
    const pending = this.#pending(token);
    if (pending === undefined) return;
    const responders = behind ? this.#respondersOf(name) : [];
    const responder = responders.length > 0 ? this.#inTurn(responders, true) : undefined;
    if (responder === undefined) {
      this.settle(token, ReplyStatus.NO_RESPONDERS, EMPTY_HEADERS, EMPTY_PAYLOAD, undefined);
      return;
    }
    pending.responder = responder;
    responder.deliverRequest(token, name, pending.requester.nick, headers, payload);
  }

  /**
   * The next responder in turn that is open and keeps up; with `anyOpen`, when none keeps up, the least
   * loaded open one. Undefined when there is none.
   */
  #inTurn(responders: readonly Subscriber[], anyOpen: boolean): Subscriber | undefined {
    const count = responders.length;
    const start = this.#rotation++ % count;
    let wrapped: Subscriber | undefined;
    let least: Subscriber | undefined;
    for (let index = 0; index < count; index++) {
      const responder = responders[index]!;
      if (!responder.isOpen) continue;
      if (responder.pendingBytes < this.#options.skipSlowBytes) {
        if (index >= start) return responder;
        wrapped ??= responder;
      } else if (least === undefined || responder.pendingBytes < least.pendingBytes) least = responder;
    }
    return wrapped ?? (anyOpen ? least : undefined);
  }

  #open(requester: Requester, reqId: number, responder: Subscriber | undefined, waitMs: number): number {
    let token = this.#tokens;
    do token = token === LAST_TOKEN ? 1 : token + 1;
    while (this.#pending(token) !== undefined);
    this.#tokens = token;
    let pending = this.#free.pop();
    if (pending === undefined) pending = new PendingRequest(token, requester, reqId, responder);
    else {
      pending.token = token;
      pending.requester = requester;
      pending.reqId = reqId;
      pending.responder = responder;
    }
    const slot = token & (RING_SLOTS - 1);
    const older = this.#ring[slot];
    if (older !== undefined) this.#overflow.set(older.token, older);
    this.#ring[slot] = pending;
    this.#deadlines.add(pending, waitMs);
    return token;
  }

  /** The request waiting under `token`, if any. */
  #pending(token: number): PendingRequest | undefined {
    if (token < 1) return undefined;
    const pending = this.#ring[token & (RING_SLOTS - 1)];
    if (pending !== undefined && pending.token === token) return pending;
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(token);
  }

  #forget(pending: PendingRequest): void {
    const slot = pending.token & (RING_SLOTS - 1);
    if (this.#ring[slot] === pending) this.#ring[slot] = undefined;
    else this.#overflow.delete(pending.token);
  }

  /** settle() for a token's text (a reply from another node): -1 when it is no token of ours. */
  settleText(token: string, status: number, headers: Headers, payload: Uint8Array): boolean {
    return this.settle(tokenOf(token), status, headers, payload, undefined);
  }

  /**
   * Answers the request `token`: from its responder (`by`), from another node or a timer (`by`
   * undefined). False when the token is unknown, expired or not that responder's. A plain RESPOND read in
   * place (its record as `payload`) goes to a requester that copies from it when it can (Requester.replyFrom).
   */
  settle(
    token: number,
    status: number,
    headers: Headers,
    payload: PayloadSource,
    by: Subscriber | undefined,
  ): boolean {
    const pending = this.#take(token, by);
    if (pending === undefined) return false;
    const { requester, reqId } = pending;
    this.#release(pending);
    if (payload instanceof PlainRecord && requester.replyFrom !== undefined)
      requester.replyFrom(reqId, status, payload);
    else requester.reply(reqId, status, headers, payloadOf(payload));
    return true;
  }

  /** The request `token` waits no more, if it waited (for `by`, when given): out of the table and the deadlines. */
  #take(token: number, by: Subscriber | undefined): PendingRequest | undefined {
    const pending = this.#pending(token);
    if (pending === undefined || (by !== undefined && pending.responder !== by)) return undefined;
    this.#forget(pending);
    return pending;
  }

  /** `pending`'s deadline is cancelled; an entry no FIFO holds any more is kept for reuse (read it before). */
  #release(pending: PendingRequest): void {
    if (this.#deadlines.cancel(pending) && this.#free.length < FREE_ENTRIES) this.#free.push(pending);
  }

  /** A responder left: its unanswered requests are answered NO_RESPONDERS at once, not at their timeout. */
  responderGone(responder: Subscriber): void {
    const gone: PendingRequest[] = [];
    for (const pending of this.#ring) if (pending?.responder === responder) gone.push(pending);
    for (const pending of this.#overflow.values()) if (pending.responder === responder) gone.push(pending);
    for (const pending of gone)
      this.settle(pending.token, ReplyStatus.NO_RESPONDERS, EMPTY_HEADERS, EMPTY_PAYLOAD, responder);
  }

  /** Stops the request timer and forgets every request (shutdown). */
  clear(): void {
    this.#deadlines.clear();
    this.#ring.fill(undefined);
    this.#overflow.clear();
  }
}

function runHandler(
  handler: RequestHandler,
  requester: Requester,
  reqId: number,
  name: string,
  headers: Headers,
  payload: Uint8Array,
): void {
  let result: RequestResult | PromiseLike<RequestResult>;
  try {
    result = handler({ name, from: requester.nick, headers, payload });
  } catch (error) {
    requester.reply(reqId, ReplyStatus.HANDLER_ERROR, EMPTY_HEADERS, errorPayload(error));
    return;
  }
  if (typeof result === "string" || result instanceof Uint8Array || !isThenable(result)) {
    requester.reply(reqId, ReplyStatus.OK, EMPTY_HEADERS, toBytes(result));
    return;
  }
  // Async handlers are rare (not the hot path): a closure per request is acceptable here.
  result.then(
    (value) => requester.reply(reqId, ReplyStatus.OK, EMPTY_HEADERS, toBytes(value)),
    (error: unknown) => requester.reply(reqId, ReplyStatus.HANDLER_ERROR, EMPTY_HEADERS, errorPayload(error)),
  );
}

function isThenable(value: unknown): value is PromiseLike<RequestResult> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

function toBytes(value: RequestResult): Uint8Array {
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

function errorPayload(error: unknown): Uint8Array {
  return Buffer.from(error instanceof Error ? error.message : String(error), "utf8");
}
