/**
 * Who and where the chat user is, from what was sent and what the server confirmed, whatever the
 * server's language: a `* ` notice that ends with the name a /nick or /join asked for confirms it, a
 * `! ` line is the error of the oldest command still unanswered (the server answers in order,
 * docs/PROTOCOL.md §6.4). One's own messages are shown once every command sent before them is
 * answered, so each shows with the nickname and room it was said with. No I/O.
 */

/** A line for the screen: one from the server (sanitized), or one's own message as others see it. */
export type ShownLine =
  | { readonly kind: "server"; readonly text: string }
  | { readonly kind: "own"; readonly room: string; readonly nick: string | undefined; readonly text: string };

/** What one server line means for the session. */
export interface Received {
  /** Lines to show now, in order (the server line first). */
  readonly shown: readonly ShownLine[];
  /** The setup was refused (a `! ` line before the setup's /who was answered). */
  readonly refused: boolean;
  /** This line answered the setup's /who: the session is set up. */
  readonly setUp: boolean;
}

type Awaited =
  | { readonly kind: "login" | "nick" | "join"; readonly value: string }
  | { readonly kind: "who" | "lang" }
  | { readonly kind: "own"; readonly text: string };

/** The session's nickname, room and unanswered commands. */
export class ChatTracker {
  #nick: string | undefined;
  #nickConfirmed = false;
  #room: string;
  /** Whether --room was given (then /join is part of the setup even for general). */
  readonly #wantsRoom: boolean;
  readonly #user: string | undefined;
  /** The language asked of the server with /lang, if any. */
  readonly #lang: string | undefined;
  /** Whether an error during the setup refuses the session (the CLI ends) or just answers its command. */
  readonly #setupErrorsRefuse: boolean;
  /** Commands and own messages not yet answered or shown, in the order they were sent. */
  #awaited: Awaited[] = [];

  constructor(wanted: {
    readonly user?: string | undefined;
    readonly nick?: string | undefined;
    readonly room?: string | undefined;
    readonly lang?: string | undefined;
    /** false: a refused /nick or /join of the setup leaves the user a guest, or in general (the web page). */
    readonly setupErrorsRefuse?: boolean;
  }) {
    this.#setupErrorsRefuse = wanted.setupErrorsRefuse ?? true;
    this.#user = wanted.user;
    this.#lang = wanted.lang;
    // With a login and no --nick, the nickname is the user name (so one's own lines can show it).
    this.#nick = wanted.nick ?? wanted.user;
    this.#room = wanted.room ?? "general";
    this.#wantsRoom = wanted.room !== undefined;
  }

  /** The nickname the server confirmed, if any (a guest's is never told). */
  get nick(): string | undefined {
    return this.#nickConfirmed ? this.#nick : undefined;
  }

  /** The room the user is in. */
  get room(): string {
    return this.#room;
  }

  /** Whether the setup's /who is still unanswered. */
  get settingUp(): boolean {
    return this.#awaited.some((awaited) => awaited.kind === "who");
  }

  /**
   * The setup of a new connection: /login, /nick, /join (back to where the user was) and /who, which
   * shows who is there and whose answer marks the end of the setup. Own messages still waiting from
   * the old connection are returned, to show now.
   */
  setup(password: string | undefined): { readonly lines: string[]; readonly leftover: ShownLine[] } {
    const leftover = this.#awaited.flatMap((awaited) =>
      awaited.kind === "own" ? [this.#own(awaited.text)] : [],
    );
    const lines: string[] = [];
    this.#awaited = [];
    if (this.#lang !== undefined) {
      lines.push(`/lang ${this.#lang}`);
      this.#awaited.push({ kind: "lang" });
    }
    if (this.#user !== undefined) {
      lines.push(`/login ${this.#user} ${password ?? ""}`);
      this.#awaited.push({ kind: "login", value: this.#user });
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
    this.#awaited.push({ kind: "who" });
    return { lines, leftover };
  }

  /** A line the user sends: /nick and /join are awaited; a message is shown once it is its turn. */
  sent(line: string): ShownLine[] {
    const [command = "", argument] = line.trim().split(/\s+/, 2);
    const name = command.toLowerCase();
    if (argument !== undefined && (name === "/nick" || name === "/join")) {
      this.#awaited.push({ kind: name === "/nick" ? "nick" : "join", value: argument });
    } else if (line.trim() !== "" && !line.startsWith("/")) {
      this.#awaited.push({ kind: "own", text: line });
    }
    return this.#ownTurn();
  }

  /** A server line (sanitized). */
  received(line: string): Received {
    const server: ShownLine = { kind: "server", text: line };
    // The answer to /lang is not shown, and a server that does not know /lang (`! ...`) is no refusal.
    const oldest = this.#awaited.findIndex((awaited) => awaited.kind !== "own");
    if (this.#awaited[oldest]?.kind === "lang" && (line.startsWith("! ") || line.startsWith("* "))) {
      this.#awaited.splice(oldest, 1);
      return { shown: this.#ownTurn(), refused: false, setUp: false };
    }
    if (line.startsWith("! ")) {
      if (this.settingUp && this.#setupErrorsRefuse) return { shown: [], refused: true, setUp: false };
      const failed = this.#awaited.findIndex((awaited) => awaited.kind !== "own");
      if (failed !== -1) this.#awaited.splice(failed, 1);
      return { shown: [server, ...this.#ownTurn()], refused: false, setUp: false };
    }
    if (!line.startsWith("* ")) return { shown: [server], refused: false, setUp: false };
    const index = this.#awaited.findIndex(
      (awaited) =>
        (awaited.kind === "login" || awaited.kind === "nick" || awaited.kind === "join") &&
        line.endsWith(` ${awaited.value}`),
    );
    if (index === -1) {
      if (this.#awaited[0]?.kind !== "who") return { shown: [server], refused: false, setUp: false };
      this.#awaited.shift();
      return { shown: [server, ...this.#ownTurn()], refused: false, setUp: true };
    }
    const shown: ShownLine[] = [server];
    for (const awaited of this.#awaited.splice(0, index + 1)) {
      if (awaited.kind === "own") shown.push(this.#own(awaited.text));
      else if (awaited.kind === "nick") {
        this.#nick = awaited.value;
        this.#nickConfirmed = true;
      } else if (awaited.kind === "join") this.#room = awaited.value;
    }
    shown.push(...this.#ownTurn());
    return { shown, refused: false, setUp: false };
  }

  /** Own messages at the head of the queue: their turn has come. */
  #ownTurn(): ShownLine[] {
    const shown: ShownLine[] = [];
    for (let head = this.#awaited[0]; head?.kind === "own"; head = this.#awaited[0]) {
      this.#awaited.shift();
      shown.push(this.#own(head.text));
    }
    return shown;
  }

  #own(text: string): ShownLine {
    return { kind: "own", room: this.#room, nick: this.nick, text };
  }
}
