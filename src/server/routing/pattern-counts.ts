/**
 * How many local subscriptions (or responders) each pattern has: the other nodes hear of a pattern when
 * its first one comes and when its last one goes (RemoteHalf.subscribed), never of each one.
 */
import type { RemoteHalf } from "./interfaces.js";

export class PatternCounts {
  readonly #counts = new Map<string, number>();
  readonly #remote: RemoteHalf;
  readonly #responder: boolean;

  constructor(remote: RemoteHalf, responder: boolean) {
    this.#remote = remote;
    this.#responder = responder;
  }

  /** One subscription to `pattern` more (`on`) or less. */
  change(pattern: string, on: boolean): void {
    const count = (this.#counts.get(pattern) ?? 0) + (on ? 1 : -1);
    if (count > 0) this.#counts.set(pattern, count);
    else this.#counts.delete(pattern);
    if ((on && count === 1) || (!on && count === 0)) this.#remote.subscribed(pattern, this.#responder, on);
  }
}
