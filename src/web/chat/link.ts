/**
 * The page's connection to the server: a WebSocket to `/ws` with the `enchufe.text` subprotocol, so the
 * page is a text user like nc and `enchufe chat` (each message one line, both ways). The session's state
 * is the CLI chat's own ChatTracker (src/chat/tracker.ts): on every (re)connection it sends the setup
 * (/lang, /nick, /join back to the room, /who). When the connection is lost the link reconnects by
 * itself with backoff, for as long as the page is open; lines typed meanwhile are sent afterwards.
 */
import { ChatTracker, type ShownLine } from "../../chat/tracker.js";
import { backoffDelay, type ReconnectOptions } from "../../client/options.js";
import type { Lang } from "../../i18n/lang.js";

/** Growing from a quarter of a second to five seconds (with jitter), without end. */
const PAGE_RECONNECT: ReconnectOptions = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 5000,
  factor: 2,
  maxAttempts: Number.POSITIVE_INFINITY,
});

/** Lines typed while disconnected; past this many the oldest are dropped. */
const MAX_QUEUED_LINES = 100;

export type LinkState =
  | { readonly kind: "connecting" }
  | { readonly kind: "connected" }
  | { readonly kind: "reconnecting"; readonly attempt: number; readonly delayMs: number }
  | { readonly kind: "left" };

export interface LinkEvents {
  /** Lines to show, in order; `setUp` when the last of them answered the setup. */
  lines(lines: readonly ShownLine[], setUp: boolean): void;
  state(state: LinkState): void;
}

export class PageLink {
  readonly #url: string;
  readonly #tracker: ChatTracker;
  readonly #events: LinkEvents;
  #socket: WebSocket | undefined;
  #open = false;
  #queued: string[] = [];
  #attempt = 0;
  /** The greeting was shown once: a reconnection's first line is skipped (unless an error). */
  #greeted = false;
  /** The next line is the connection's first: the greeting. */
  #firstLine = false;
  /** The user sent /quit: the server's close is no reason to reconnect. */
  #leaving = false;

  constructor(url: string, wanted: { nick?: string; room?: string; lang: Lang }, events: LinkEvents) {
    this.#url = url;
    this.#events = events;
    // A nickname taken by someone else (another tab) is an error to show, not the end of the page.
    this.#tracker = new ChatTracker({ ...wanted, setupErrorsRefuse: false });
  }

  /** The nickname the server confirmed (undefined for a guest). */
  get nick(): string | undefined {
    return this.#tracker.nick;
  }

  get room(): string {
    return this.#tracker.room;
  }

  /** Whether lines are sent now (else they wait for the next connection). */
  get connected(): boolean {
    return this.#open;
  }

  start(): void {
    this.#events.state({ kind: "connecting" });
    this.#dial();
  }

  /** Sends a line the user typed, or queues it while reconnecting. */
  send(line: string): void {
    if (/^\/quit\b/i.test(line.trim())) this.#leaving = true;
    if (!this.#open || this.#socket === undefined) {
      this.#queued.push(line);
      if (this.#queued.length > MAX_QUEUED_LINES) this.#queued.shift();
      return;
    }
    this.#socket.send(line);
    const shown = this.#tracker.sent(line);
    if (shown.length > 0) this.#events.lines(shown, false);
  }

  /** Sends a query of the page's own (/who, /rooms): not the user's, never queued. */
  query(line: string): boolean {
    if (!this.#open || this.#socket === undefined || this.#tracker.settingUp) return false;
    this.#socket.send(line);
    return true;
  }

  #dial(): void {
    const socket = new WebSocket(this.#url, "enchufe.text");
    this.#socket = socket;
    socket.addEventListener("open", () => this.#opened(socket));
    socket.addEventListener("message", (event: MessageEvent) => this.#message(socket, event));
    socket.addEventListener("close", () => this.#closed(socket));
  }

  #opened(socket: WebSocket): void {
    if (this.#socket !== socket) return;
    this.#open = true;
    this.#firstLine = true;
    const { lines, leftover } = this.#tracker.setup(undefined);
    if (leftover.length > 0) this.#events.lines(leftover, false);
    for (const line of lines) socket.send(line);
    const queued = this.#queued;
    this.#queued = [];
    for (const line of queued) this.send(line);
  }

  #message(socket: WebSocket, event: MessageEvent): void {
    if (this.#socket !== socket || typeof event.data !== "string") return;
    const text = event.data;
    if (this.#firstLine) {
      this.#firstLine = false;
      const greeting = !text.startsWith("! ") && !text.startsWith("* ");
      if (greeting && this.#greeted) return;
      this.#greeted ||= greeting;
    }
    const received = this.#tracker.received(text);
    this.#events.lines(received.shown, received.setUp);
    if (received.setUp) {
      this.#attempt = 0;
      this.#events.state({ kind: "connected" });
    }
  }

  #closed(socket: WebSocket): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    this.#open = false;
    if (this.#leaving) {
      this.#events.state({ kind: "left" });
      return;
    }
    this.#attempt++;
    const delayMs = backoffDelay(PAGE_RECONNECT, this.#attempt, Math.random);
    this.#events.state({ kind: "reconnecting", attempt: this.#attempt, delayMs });
    setTimeout(() => this.#dial(), delayMs);
  }
}
