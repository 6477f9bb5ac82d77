/**
 * The handler's clocks, one timer each for every connection (never a timer per connection):
 * - idle: silent clients are pinged (framed) and closed after idleTimeoutMs; the sweep runs at a
 *   twentieth of the ping interval, so a PING is never more than 5% late;
 * - line timeout: a text line begun and not ended within lineTimeoutMs closes its session (slowloris);
 * - cluster grace: a connection that has sent nothing is made known to the other nodes after the grace
 *   (its first byte does it sooner, unless that byte makes it a program).
 */
import { pingIntervalMs, type ResolvedMessagingOptions } from "./limits.js";
import type { Session } from "./session.js";
import type { TextSession } from "./text/text-session.js";

function sweepIdle(watch: Watch): void {
  watch.sweepIdle();
}

function sweepLines(watch: Watch): void {
  watch.sweepLines();
}

function endGrace(watch: Watch): void {
  watch.endGrace();
}

export class Watch {
  readonly #options: ResolvedMessagingOptions;
  readonly #graceMs: number;
  #sessions: ReadonlySet<Session> | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  /** Text sessions with a partial line (removed once it ends or they close). */
  readonly #partial = new Set<TextSession>();
  #lineTimer: NodeJS.Timeout | undefined;
  /** New text sessions in arrival order, not yet known to the other nodes. */
  #fresh: TextSession[] = [];
  #freshHead = 0;
  #graceTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ResolvedMessagingOptions, graceMs: number) {
    this.#options = options;
    this.#graceMs = graceMs;
  }

  /** A new connection (its session is in `sessions`, the handler's live set). */
  arrived(session: TextSession, sessions: ReadonlySet<Session>): void {
    if (this.#stopped) return;
    this.watchIdle(sessions);
    this.#fresh.push(session);
    if (this.#graceTimer === undefined) this.#scheduleGrace(this.#graceMs);
  }

  /** Idle checks run over `sessions` (the handler's live set) once any session exists. */
  watchIdle(sessions: ReadonlySet<Session>): void {
    if (this.#stopped) return;
    this.#sessions = sessions;
    if (this.#options.idleTimeoutMs > 0 && this.#idleTimer === undefined) {
      const every = Math.max(5, Math.min(1000, Math.floor(pingIntervalMs(this.#options) / 20)));
      this.#idleTimer = setInterval(sweepIdle, every, this);
      this.#idleTimer.unref();
    }
  }

  lineStarted(session: TextSession): void {
    if (this.#stopped || this.#options.lineTimeoutMs <= 0) return;
    this.#partial.add(session);
    if (this.#lineTimer === undefined) {
      const every = Math.max(10, Math.min(1000, Math.floor(this.#options.lineTimeoutMs / 10)));
      this.#lineTimer = setInterval(sweepLines, every, this);
      this.#lineTimer.unref();
    }
  }

  sweepIdle(): void {
    const sessions = this.#sessions;
    if (sessions === undefined) return;
    const now = Date.now();
    const idle = this.#options.idleTimeoutMs;
    const ping = pingIntervalMs(this.#options);
    for (const session of sessions) session.checkIdle(now, idle, ping);
  }

  sweepLines(): void {
    const now = Date.now();
    for (const session of this.#partial) {
      if (!session.isOpen || session.partialSince === 0) this.#partial.delete(session);
      else session.checkLine(now);
    }
    if (this.#partial.size === 0 && this.#lineTimer !== undefined) {
      clearInterval(this.#lineTimer);
      this.#lineTimer = undefined;
    }
  }

  endGrace(): void {
    this.#graceTimer = undefined;
    const now = Date.now();
    const fresh = this.#fresh;
    while (this.#freshHead < fresh.length) {
      const session = fresh[this.#freshHead]!;
      if (session.isOpen && !session.started) {
        const wait = session.lastSeen + this.#graceMs - now;
        if (wait > 0) {
          this.#scheduleGrace(wait);
          break;
        }
        session.becomeKnown();
      }
      this.#freshHead++;
    }
    if (this.#freshHead >= fresh.length) {
      this.#fresh = [];
      this.#freshHead = 0;
    }
  }

  #scheduleGrace(ms: number): void {
    this.#graceTimer = setTimeout(endGrace, ms, this);
    this.#graceTimer.unref();
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of [this.#idleTimer, this.#lineTimer, this.#graceTimer]) clearTimeout(timer);
    this.#idleTimer = this.#lineTimer = this.#graceTimer = undefined;
    this.#partial.clear();
    this.#fresh = [];
  }
}
