/**
 * Request handlers that live in the server (answered without any client): the built-in `echo` and
 * `time`, and the registry where a program adds its own with `handleRequest(name, fn)`.
 */
import { EnchufeError } from "../errors.js";
import type { Headers } from "../protocol/frames.js";
import { topicProblem } from "../protocol/topics.js";

/** A request as a server handler sees it. `payload` may be a view into a socket chunk: copy it to keep it. */
export interface IncomingRequest {
  readonly name: string;
  /** Nickname of the client that asked. */
  readonly from: string;
  readonly headers: Headers;
  readonly payload: Uint8Array;
}

/** What a handler answers: the reply payload (a string is sent as UTF-8), now or later. Throwing replies HANDLER_ERROR. */
export type RequestResult = Uint8Array | string;
export type RequestHandler = (request: IncomingRequest) => RequestResult | PromiseLike<RequestResult>;

/** `echo`: answers the request's own payload. */
export function echoHandler(request: IncomingRequest): RequestResult {
  return request.payload;
}

/** `time`: answers the server's current time in ISO 8601 (UTC), e.g. 2026-11-25T02:30:00.000Z. */
export function timeHandler(): RequestResult {
  return new Date().toISOString();
}

/** Request names are topics (so responders can subscribe to them with wildcards). */
export class HandlerRegistry {
  readonly #handlers = new Map<string, RequestHandler>();
  /** Counts set() and delete() calls: a lookup cached under an older count is stale. */
  changes = 0;

  constructor(builtIns = true) {
    if (builtIns) {
      this.#handlers.set("echo", echoHandler);
      this.#handlers.set("time", timeHandler);
    }
  }

  /** Registers (or replaces) the handler for `name`. Throws EINVALIDTOPIC for a name that is not a topic. */
  set(name: string, handler: RequestHandler): void {
    const problem = topicProblem(name, false);
    if (problem !== undefined) {
      throw new EnchufeError("EINVALIDTOPIC", `Request name '${name}' ${problem}.`, {
        details: { topic: name },
      });
    }
    this.#handlers.set(name, handler);
    this.changes++;
  }

  delete(name: string): boolean {
    this.changes++;
    return this.#handlers.delete(name);
  }

  get(name: string): RequestHandler | undefined {
    return this.#handlers.get(name);
  }

  names(): string[] {
    return [...this.#handlers.keys()].sort();
  }
}
