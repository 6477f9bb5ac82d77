import type {
  BusEvents,
  BusState,
  Headers,
  IncomingRequest,
  PresenceChange,
} from "../../src/server/bus/bus.js";

/** Records everything a bus reports, and lets a test wait until a condition holds (checked on each event). */
export class Recorder implements BusEvents {
  readonly published: Array<{ topic: string; frame: Buffer }> = [];
  readonly directs: Array<{ nick: string; frame: Buffer }> = [];
  readonly requests: IncomingRequest[] = [];
  readonly replies: Array<{ token: string; status: number; headers: Headers; payload: Buffer }> = [];
  readonly presence: PresenceChange[] = [];
  readonly states: BusState[] = [];
  #waiters = new Set<() => void>();

  onPublish(topic: string, frame: Buffer): void {
    this.published.push({ topic, frame });
    this.notify();
  }
  onDirect(nick: string, frame: Buffer): void {
    this.directs.push({ nick, frame });
    this.notify();
  }
  onRequest(req: IncomingRequest): void {
    this.requests.push(req);
    this.notify();
  }
  onReply(token: string, status: number, headers: Headers, payload: Buffer): void {
    this.replies.push({ token, status, headers, payload });
    this.notify();
  }
  onPresence(change: PresenceChange): void {
    this.presence.push(change);
    this.notify();
  }
  onState(state: BusState): void {
    this.states.push(state);
    this.notify();
  }

  protected notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Resolves when `check()` is true (tested now and after every event); rejects after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}
