/**
 * The chat's connection to the server, in text mode: it sends the session's setup (/login, /nick,
 * /join, then /who, which shows who is there), tracks the nickname and room the server confirmed,
 * and when the connection is lost it says so and reconnects with backoff, sending the setup again
 * so the user is back in their room with their nickname.
 *
 * Only the first two characters of a server line are read (docs/PROTOCOL.md §6.1): `! ` is an error,
 * `* ` a notice. A notice confirms a /nick or /join when it ends with the name that was asked for, so
 * tracking works whatever the server's language. Any `! ` before the setup's /who is answered means the
 * session was refused (wrong login, login required, nickname taken, server full): the chat ends with 1.
 */
import type { Socket } from "node:net";
import { backoffDelay, type ReconnectOptions } from "../../client/options.js";
import { LineDecoder } from "../../protocol/lines.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { CliConnection } from "../connection.js";
import { dialServer } from "../connection.js";
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

/** What the link tells the command: lines to show, and status for stderr. */
export interface LinkHandlers {
  /** Server lines to show (sanitized), in order. */
  readonly lines: (lines: readonly string[]) => void;
  /** A status event for stderr. */
  readonly status: (event: LinkStatus) => void;
}

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

interface Awaited {
  readonly kind: "nick" | "join" | "login" | "who";
  readonly value: string;
}

/** The chat session's connection, kept alive across reconnections. */
export class ChatLink {
  readonly #options: CliConnection;
  readonly #handlers: LinkHandlers;
  readonly #reconnect: ReconnectOptions | false;
  #socket: Socket | undefined;
  #nick: string | undefined;
  #nickConfirmed = false;
  #room: string;
  /** Whether --room was given (then /join is part of the setup even for general). */
  readonly #wantsRoom: boolean;
  /** Confirmations awaited, in the order the commands were sent. */
  #awaited: Awaited[] = [];
  #queued: string[] = [];
  #reconnected = false;
  #leaving = false;
  #timer: NodeJS.Timeout | undefined;
  #finish: (code: number) => void = () => {};
  /** Resolves with the exit code once the session is over. */
  readonly done: Promise<number>;

  constructor(
    options: CliConnection,
    wanted: { readonly nick?: string | undefined; readonly room?: string | undefined },
    reconnect: ReconnectOptions | false,
    handlers: LinkHandlers,
  ) {
    this.#options = options;
    this.#handlers = handlers;
    this.#reconnect = reconnect;
    this.#nick = wanted.nick ?? options.user;
    this.#room = wanted.room ?? "general";
    this.#wantsRoom = wanted.room !== undefined;
    this.done = new Promise((resolve) => {
      this.#finish = (code) => {
        this.#finish = () => {};
        clearTimeout(this.#timer);
        this.#socket?.destroy();
        resolve(code);
      };
    });
  }

  /** The nickname the server confirmed, if any (a guest's is never told). */
  get nick(): string | undefined {
    return this.#nickConfirmed ? this.#nick : undefined;
  }

  /** The room the user is in. */
  get room(): string {
    return this.#room;
  }

  /** Connects the first time; a failure here is thrown (the command reports it). */
  async start(): Promise<void> {
    this.#attach(await dialServer(this.#options));
  }

  /** Sends a line the user typed (queued while reconnecting); /nick, /join and /quit are tracked. */
  send(line: string): void {
    const [command = "", argument] = line.trim().split(/\s+/, 2);
    const name = command.toLowerCase();
    if (name === "/quit") this.#leaving = true;
    if (argument !== undefined && (name === "/nick" || name === "/join")) {
      this.#awaited.push({ kind: name === "/nick" ? "nick" : "join", value: argument });
    }
    if (this.#socket === undefined) {
      this.#queued.push(line);
      if (this.#queued.length > MAX_QUEUED_LINES) this.#queued.shift();
    } else {
      this.#socket.write(`${line}\n`);
    }
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

  /** Ends now with `code` (the screen closed, or a fatal condition). */
  end(code: number): void {
    this.#finish(code);
  }

  #attach(socket: Socket): void {
    socket.setNoDelay(true);
    this.#socket = socket;
    const decoder = new LineDecoder({ maxLineBytes: 1024 * 1024 });
    socket.on("data", (chunk: Buffer) => {
      decoder.push(chunk);
      const shown: string[] = [];
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
        if (!this.#received(text)) {
          this.#handlers.lines(shown);
          return;
        }
        shown.push(text);
      }
      this.#handlers.lines(shown);
    });
    socket.on("error", () => {});
    socket.once("close", () => this.#closed(socket));
    this.#sendSetup(socket);
  }

  #sendSetup(socket: Socket): void {
    const { user, password } = this.#options;
    const lines: string[] = [];
    this.#awaited = [];
    if (user !== undefined) {
      lines.push(`/login ${user} ${password ?? ""}`);
      this.#awaited.push({ kind: "login", value: user });
    }
    if (this.#nick !== undefined) {
      lines.push(`/nick ${this.#nick}`);
      this.#awaited.push({ kind: "nick", value: this.#nick });
    }
    if (this.#wantsRoom || this.#room !== "general") {
      lines.push(`/join ${this.#room}`);
      this.#awaited.push({ kind: "join", value: this.#room });
    }
    lines.push("/who");
    this.#awaited.push({ kind: "who", value: "" });
    lines.push(...this.#queued);
    this.#queued = [];
    socket.write(`${lines.join("\n")}\n`);
  }

  /** Whether the setup is still unanswered (its /who not yet replied to). */
  #inSetup(): boolean {
    return this.#awaited.some((awaited) => awaited.kind === "who");
  }

  /** Handles one server line; false when it ends the session (a refused setup). */
  #received(line: string): boolean {
    if (line.startsWith("! ") && this.#inSetup()) {
      this.#handlers.status({ kind: "refused", line });
      this.#leaving = true;
      this.#finish(EXIT_FAILURE);
      return false;
    }
    if (line.startsWith("* ")) this.#confirm(line);
    return true;
  }

  /** A notice ending in a name asked for confirms that command (and those before it got errors). */
  #confirm(line: string): void {
    const index = this.#awaited.findIndex(
      (awaited) => awaited.kind !== "who" && line.endsWith(` ${awaited.value}`),
    );
    const first = this.#awaited[0];
    if (index === -1) {
      if (first?.kind !== "who") return;
      this.#awaited.shift();
      if (this.#reconnected) this.#handlers.status({ kind: "reconnected", room: this.#room });
      this.#reconnected = false;
      return;
    }
    const confirmed = this.#awaited[index];
    this.#awaited.splice(0, index + 1);
    if (confirmed?.kind === "nick") {
      this.#nick = confirmed.value;
      this.#nickConfirmed = true;
    } else if (confirmed?.kind === "join") {
      this.#room = confirmed.value;
    }
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
          this.#attach(socket);
        },
        () => {
          if (!this.#leaving) this.#retry(attempt + 1, reconnect);
        },
      );
    }, delayMs);
  }
}
