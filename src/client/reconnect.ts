/** Reconnection attempts: one timer at a time, backoff between attempts (options.ts), a limit on attempts. */
import { backoffDelay, type ReconnectOptions } from "./options.js";

export class Reconnector {
  readonly #reconnect: ReconnectOptions;
  readonly #random: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(reconnect: ReconnectOptions, random: () => number) {
    this.#reconnect = reconnect;
    this.#random = random;
  }

  /**
   * Calls `attempt` after each delay until it resolves true (connected, or nothing left to do); after
   * `maxAttempts` that resolved false, calls `gaveUp` with that number instead.
   */
  start(attempt: () => Promise<boolean>, gaveUp: (attempts: number) => void): void {
    this.#schedule(1, attempt, gaveUp);
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(n: number, attempt: () => Promise<boolean>, gaveUp: (attempts: number) => void): void {
    const { maxAttempts } = this.#reconnect;
    if (maxAttempts > 0 && n > maxAttempts) {
      gaveUp(maxAttempts);
      return;
    }
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void attempt().then((done) => {
          if (!done) this.#schedule(n + 1, attempt, gaveUp);
        });
      },
      backoffDelay(this.#reconnect, n, this.#random),
    );
  }
}
