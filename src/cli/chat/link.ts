/**
 * The chat's connection to the server, in text mode: it sends the session's setup (ChatTracker:
 * /login, /nick, /join, /who), and when the connection is lost it says so and reconnects with
 * backoff, sending the setup again so the user is back in their room with their nickname.
 * Only the first two characters of a server line are read (docs/PROTOCOL.md §6.1): a `! ` line
 * before the setup is answered means the session was refused (wrong login, login required,
 * nickname taken, server full), and the chat ends with 1.
 */
import type { Socket } from "node:net";
import { ChatTracker, type ShownLine } from "../../chat/tracker.js";
import { backoffDelay, type ReconnectOptions } from "../../client/options.js";
import { LineDecoder } from "../../protocol/lines.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { type CliConnection, dialServer } from "../connection.js";
import { EXIT_FAILURE, EXIT_OK } from "../context.js";

/** A few attempts, growing from a quarter of a second to a few seconds (with jitter). */
export const CHAT_RECONNECT: ReconnectOptions = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 4000,
  factor: 2,
  maxAttempts: 6,
});

/** Lines typed while disconnected, sent after the next setup; past this many the oldest are dropped. */
const MAX_QUEUED_LINES = 100;

/** A status event, for stderr. */
export type LinkStatus =
  | { readonly kind: "lost" }
  | {
      readonly kind: "reconnecting";
      readonly delayMs: number;
      readonly attempt: number;
      readonly max: number;
    }
  | { readonly kind: "reconnected"; readonly room: string }
  | { readonly kind: "gaveUp"; readonly max: number }
  | { readonly kind: "noReconnect" }
  | { readonly kind: "refused"; readonly line: string };

/** What the link tells the command. */
export interface LinkHandlers {
  /** Lines to show, in order. */
  readonly lines: (lines: readonly ShownLine[]) => void;
  readonly status: (event: LinkStatus) => void;
}

/** The chat session's connection, kept across reconnections. */
export class ChatLink {
  readonly #options: CliConnection;
  readonly #handlers: LinkHandlers;
  readonly #reconnect: ReconnectOptions | false;
  readonly #tracker: ChatTracker;
  #socket: Socket | undefined;
  #queued: string[] = [];
  #reconnected = false;
  /** A reconnection's first line, the greeting already shown once, is skipped (unless an error). */
  #skipGreeting = false;
  #leaving = false;
  #timer: NodeJS.Timeout | undefined;
  #finish: (code: number) => void = () => {};
  /** Resolves with the exit code once the session is over. */
  readonly done: Promise<number>;

  constructor(
    options: CliConnection,
    wanted: {
      readonly nick?: string | undefined;
      readonly room?: string | undefined;
      readonly lang?: string | undefined;
    },
    reconnect: ReconnectOptions | false,
    handlers: LinkHandlers,
  ) {
    this.#options = options;
    this.#handlers = handlers;
    this.#reconnect = reconnect;
    this.#tracker = new ChatTracker({ ...wanted, user: options.user });
    this.done = new Promise((resolve) => {
      this.#finish = (code) => {
        this.#finish = () => {};
        clearTimeout(this.#timer);
        this.#socket?.destroy();
        resolve(code);
      };
    });
  }

  /** Connects the first time; a failure here is thrown (the command reports it). */
  async start(): Promise<void> {
    this.#attach(await dialServer(this.#options));
  }

  /** Sends a line the user typed (queued while reconnecting); `/quit` makes the server's close expected. */
  send(line: string): void {
    if (/^\/quit\b/i.test(line.trim())) this.#leaving = true;
    if (this.#socket === undefined) {
      this.#queued.push(line);
      if (this.#queued.length > MAX_QUEUED_LINES) this.#queued.shift();
      return;
    }
    this.#socket.write(`${line}\n`);
    this.#show(this.#tracker.sent(line));
  }

  /** Leaves: sends /quit and ends when the server closes, or after `waitMs` at most. */
  leave(waitMs: number): void {
    this.#leaving = true;
    if (this.#socket === undefined) {
      this.#finish(EXIT_OK);
      return;
    }
    this.#socket.write("/quit\n");
    if (Number.isFinite(waitMs)) {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#finish(EXIT_OK), waitMs);
    }
  }

  /** Ends now with `code`, without waiting for the server (standard output is gone). */
  stop(code: number): void {
    this.#leaving = true;
    this.#socket?.write("/quit\n");
    this.#finish(code);
  }

  #show(lines: readonly ShownLine[]): void {
    if (lines.length > 0) this.#handlers.lines(lines);
  }

  #attach(socket: Socket): void {
    socket.setNoDelay(true);
    this.#socket = socket;
    const decoder = new LineDecoder({ maxLineBytes: 1024 * 1024 });
    socket.on("data", (chunk: Buffer) => this.#data(socket, decoder, chunk));
    socket.on("error", () => {});
    socket.once("close", () => this.#closed(socket));
    const { lines, leftover } = this.#tracker.setup(this.#options.password);
    this.#show(leftover);
    socket.write(`${lines.join("\n")}\n`);
    const queued = this.#queued;
    this.#queued = [];
    for (const line of queued) this.send(line);
  }

  /** Every complete line of a chunk, shown together (one redraw of the input line). */
  #data(socket: Socket, decoder: LineDecoder, chunk: Buffer): void {
    decoder.push(chunk);
    const shown: ShownLine[] = [];
    for (;;) {
      let line: Buffer | undefined;
      try {
        line = decoder.next();
      } catch {
        socket.destroy();
        break;
      }
      if (line === undefined) break;
      const text = sanitizeLine(line);
      if (this.#skipGreeting) {
        this.#skipGreeting = false;
        if (!text.startsWith("! ") && !text.startsWith("* ")) continue;
      }
      const received = this.#tracker.received(text);
      if (received.refused) {
        this.#show(shown);
        this.#handlers.status({ kind: "refused", line: text });
        this.#leaving = true;
        this.#finish(EXIT_FAILURE);
        return;
      }
      shown.push(...received.shown);
      if (received.setUp && this.#reconnected) {
        this.#reconnected = false;
        this.#show(shown.splice(0));
        this.#handlers.status({ kind: "reconnected", room: this.#tracker.room });
      }
    }
    this.#show(shown);
  }

  #closed(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    if (this.#leaving) {
      this.#finish(EXIT_OK);
      return;
    }
    this.#handlers.status({ kind: "lost" });
    if (this.#reconnect === false) {
      this.#handlers.status({ kind: "noReconnect" });
      this.#finish(EXIT_FAILURE);
      return;
    }
    this.#retry(1, this.#reconnect);
  }

  #retry(attempt: number, reconnect: ReconnectOptions): void {
    if (attempt > reconnect.maxAttempts) {
      this.#handlers.status({ kind: "gaveUp", max: reconnect.maxAttempts });
      this.#finish(EXIT_FAILURE);
      return;
    }
    const delayMs = backoffDelay(reconnect, attempt, Math.random);
    this.#handlers.status({ kind: "reconnecting", delayMs, attempt, max: reconnect.maxAttempts });
    this.#timer = setTimeout(() => {
      dialServer(this.#options).then(
        (socket) => {
          if (this.#leaving) {
            socket.destroy();
            return;
          }
          this.#reconnected = true;
          this.#skipGreeting = true;
          this.#attach(socket);
        },
        () => {
          if (!this.#leaving) this.#retry(attempt + 1, reconnect);
        },
      );
    }, delayMs);
  }
}
