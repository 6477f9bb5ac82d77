/** A framed session's subscriptions by sid (SUB, GSUB, RSUB): the checks, the router's side, the cleanup. */

import type { Permissions } from "../../auth/permissions.js";
import type { Subscriber } from "../routing/interfaces.js";
import type { Router } from "../routing/router.js";
import { subscriptionProblem } from "./answers.js";

interface Subscription {
  readonly pattern: string;
  readonly responder: boolean;
  /** The queue group (GSUB), if any. */
  readonly group: string | undefined;
}

/** What the subscriptions need of their session. */
export interface SubscribingSession extends Subscriber {
  readonly permissions: Permissions;
  err(code: number, ref: number, message: string): void;
}

export class SessionSubscriptions {
  readonly #session: SubscribingSession;
  readonly #router: Router;
  readonly #bySid = new Map<number, Subscription>();

  constructor(session: SubscribingSession, router: Router) {
    this.#session = session;
    this.#router = router;
  }

  get size(): number {
    return this.#bySid.size;
  }

  get(sid: number): object | undefined {
    return this.#bySid.get(sid);
  }

  /** Checks and adds subscription `sid`; the new subscription, or undefined when refused (ERR sent). */
  add(sid: number, pattern: string, responder: boolean, group: string | undefined): object | undefined {
    const session = this.#session;
    const problem = subscriptionProblem(session.permissions, this.#bySid, sid, pattern, group);
    if (problem !== undefined) {
      session.err(problem[0], sid, problem[1]);
      return undefined;
    }
    const subscription: Subscription = { pattern, responder, group };
    this.#bySid.set(sid, subscription);
    if (group === undefined) this.#router.subscribe(session, pattern, responder);
    else this.#router.joinGroup(session, sid, pattern, group);
    return subscription;
  }

  /** UNSUB: an unknown sid is ignored. */
  remove(sid: number): void {
    const subscription = this.#bySid.get(sid);
    if (subscription === undefined) return;
    this.#bySid.delete(sid);
    this.#leave(sid, subscription);
  }

  /** The session ends: every subscription goes. */
  leaveAll(): void {
    for (const [sid, subscription] of this.#bySid) this.#leave(sid, subscription);
    this.#bySid.clear();
  }

  #leave(sid: number, { pattern, responder, group }: Subscription): void {
    if (group === undefined) this.#router.unsubscribe(this.#session, pattern, responder);
    else this.#router.leaveGroup(this.#session, sid, pattern, group);
  }
}
