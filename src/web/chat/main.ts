/**
 * The web chat page (served at `/`): picks the language, connects (link.ts) and keeps the panels true
 * from the server's own lines (src/chat/server-lines.ts): the members from /who and the presence
 * notices, the rooms and their counts from /rooms, asked again when someone comes or goes and every
 * few seconds (rooms the user is not in send no notices). The answers to those queries of the page's
 * own are not shown in the log; what the user types (commands included) goes to the server as it is.
 */
import { NoticeReader, parseMessage, type RoomCount } from "../../chat/server-lines.js";
import type { ShownLine } from "../../chat/tracker.js";
import type { Lang } from "../../i18n/lang.js";
import { PageLink } from "./link.js";
import { pageLang } from "./page-lang.js";
import { ChatView, type LogEntry } from "./view.js";

/** How often the rooms and members are asked again (rooms the user is not in send no notices). */
const REFRESH_MS = 10_000;
const NICK_KEY = "enchufe.nick";
const PRIVATE = /^\/msg\s+(\S+)\s+\S/i;

function stored(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage off (a private window): the nickname is just not remembered.
  }
}

/** A history line's room part, `[room HH:MM]` (docs/PROTOCOL.md §6.4): the room and when it was kept. */
const HISTORY_ROOM = /^(\S+) (\d\d:\d\d)$/;
/** The header of a /history answer: `* history of ROOM (K):` in either language. */
const HISTORY_HEADER = /\(\d+\):$/;

class ChatPage {
  readonly #view: ChatView;
  readonly #link: PageLink;
  readonly #notices: NoticeReader;
  #members: string[] = [];
  #rooms: RoomCount[] = [];
  /** People who wrote to this user privately (they may be in another room). */
  readonly #correspondents = new Set<string>();
  /** Private messages sent and not yet confirmed, in order: the server answers in order. */
  #privates: Array<{ readonly to: string; readonly text: string }> = [];
  /** Answers still due to the page's own /who and /rooms (not shown). */
  #whoDue = 0;
  #roomsDue = 0;
  /** The page asked the room's history once set up (first connection only): its answer is due. */
  #historyAsked = false;
  #historyDue = false;
  #refreshSoon = false;
  #shownRoom = "";
  #shownNick: string | undefined;

  constructor(lang: Lang) {
    this.#notices = new NoticeReader(lang);
    this.#view = new ChatView(lang, (room) => this.#join(room));
    const nick = stored(NICK_KEY);
    const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
    this.#link = new PageLink(
      url,
      { ...(nick === undefined ? {} : { nick }), lang },
      {
        lines: (lines, setUp) => this.#lines(lines, setUp),
        state: (state) => {
          this.#view.state(state);
          if (state.kind === "connected") this.#askRooms();
          // The answers still due died with the connection.
          if (state.kind === "reconnecting") {
            this.#whoDue = 0;
            this.#roomsDue = 0;
            this.#historyDue = false;
            this.#privates = [];
          }
        },
      },
    );
    this.#wireForms();
    this.#view.nickInput.value = nick ?? "";
    this.#showPanels();
  }

  start(): void {
    this.#link.start();
    setInterval(() => {
      this.#who();
      this.#askRooms();
    }, REFRESH_MS);
    this.#view.message.focus();
  }

  #wireForms(): void {
    const view = this.#view;
    document.getElementById("send-form")?.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = view.message.value;
      if (text.trim() === "") return;
      const to = view.target;
      this.#send(to === undefined || text.startsWith("/") ? text : `/msg ${to} ${text}`);
      view.message.value = "";
    });
    document.getElementById("nick-form")?.addEventListener("submit", (event) => {
      event.preventDefault();
      const nick = view.nickInput.value.trim();
      if (nick !== "" && nick !== this.#link.nick) this.#send(`/nick ${nick}`);
    });
    document.getElementById("join-form")?.addEventListener("submit", (event) => {
      event.preventDefault();
      const room = view.joinInput.value.trim();
      if (room === "") return;
      this.#join(room);
      view.joinInput.value = "";
    });
    document.getElementById("leave")?.addEventListener("click", () => this.#join("general"));
  }

  #join(room: string): void {
    if (room !== this.#link.room) this.#send(`/join ${room}`);
  }

  #send(line: string): void {
    const privateTo = PRIVATE.exec(line)?.[1];
    if (privateTo !== undefined) {
      this.#privates.push({ to: privateTo, text: line.replace(/^\/msg\s+\S+\s+/i, "") });
    }
    if (!this.#link.connected)
      this.#view.append([{ kind: "local", text: this.#view.text("web.send.queued") }]);
    this.#link.send(line);
  }

  #who(): void {
    if (this.#link.query("/who")) this.#whoDue++;
  }

  #askRooms(): void {
    if (this.#link.query("/rooms")) this.#roomsDue++;
  }

  /**
   * Asks /who and /rooms once for a burst of presence notices: a user who never spoke is announced
   * by no join (docs/PROTOCOL.md §6.5), so the notices alone cannot keep the lists exact.
   */
  #presenceChanged(): void {
    if (this.#refreshSoon) return;
    this.#refreshSoon = true;
    setTimeout(() => {
      this.#refreshSoon = false;
      this.#who();
      this.#askRooms();
    }, 200);
  }

  #lines(lines: readonly ShownLine[], setUp: boolean): void {
    const entries: LogEntry[] = [];
    for (const line of lines) {
      const entry = line.kind === "own" ? this.#own(line) : this.#server(line.text, setUp);
      if (entry !== undefined) entries.push(entry);
    }
    this.#view.append(entries);
    this.#showPanels();
    // Once set up the first time, the room's recent history (/join shows it for the next rooms).
    if (setUp && !this.#historyAsked && this.#link.query("/history")) {
      this.#historyAsked = true;
      this.#historyDue = true;
    }
  }

  #own(line: Extract<ShownLine, { kind: "own" }>): LogEntry {
    return {
      kind: "own",
      room: line.room,
      nick: line.nick ?? this.#view.text("web.message.you"),
      text: line.text,
    };
  }

  /** The log entry of a server line (undefined: not shown), and what it changes in the panels. */
  #server(text: string, setUp: boolean): LogEntry | undefined {
    const message = parseMessage(text);
    const kept = message === undefined ? null : HISTORY_ROOM.exec(message.room);
    if (message !== undefined && kept !== null) {
      return { kind: "history", room: kept[1]!, time: kept[2]!, nick: message.nick, text: message.text };
    }
    if (message !== undefined) {
      if (message.room !== this.#notices.privateLabel) return { kind: "message", ...message };
      this.#correspondents.add(message.nick);
      return { kind: "private", nick: message.nick, text: message.text };
    }
    const notice = this.#notices.read(text);
    switch (notice?.kind) {
      case "who": {
        this.#members = [...notice.members];
        // The setup's /who (members shown in their panel) and the page's own are not shown.
        if (setUp) return undefined;
        if (this.#whoDue > 0) {
          this.#whoDue--;
          return undefined;
        }
        break;
      }
      case "rooms":
        this.#rooms = [...notice.rooms];
        if (this.#roomsDue > 0) {
          this.#roomsDue--;
          return undefined;
        }
        break;
      case "joined":
        if (notice.room === this.#link.room && !this.#has(notice.nick)) this.#members.push(notice.nick);
        this.#members.sort();
        this.#presenceChanged();
        break;
      case "left":
        this.#members = this.#members.filter((nick) => nick.toLowerCase() !== notice.nick.toLowerCase());
        this.#presenceChanged();
        break;
      case "renamed":
        this.#members = this.#members.map((nick) => (nick === notice.old ? notice.nick : nick)).sort();
        this.#presenceChanged();
        break;
      case "privateSent":
      case "noSuchUser": {
        const sent = this.#privates.shift();
        if (notice.kind === "privateSent" && sent !== undefined) {
          const nick = this.#link.nick ?? this.#view.text("web.message.you");
          return { kind: "ownPrivate", to: notice.nick, nick, text: sent.text };
        }
        break;
      }
    }
    if (this.#historyDue && text.startsWith("* ")) {
      // The answer to the page's own /history: its header is shown, "nothing yet" is not.
      this.#historyDue = false;
      if (!HISTORY_HEADER.test(text)) return undefined;
    }
    if (text.startsWith("* ")) return { kind: "notice", text };
    if (text.startsWith("! ")) return { kind: "error", text };
    return { kind: "greeting", text };
  }

  #has(nick: string): boolean {
    return this.#members.some((member) => member.toLowerCase() === nick.toLowerCase());
  }

  /** Redraws the panels; a change of room asks who is in the new one. */
  #showPanels(): void {
    const room = this.#link.room;
    const me = this.#link.nick;
    if (room !== this.#shownRoom) {
      // The old room's members until the new room's /who answers.
      if (this.#shownRoom !== "") this.#members = me === undefined ? [] : [me];
      if (this.#shownRoom !== "") this.#who();
      this.#shownRoom = room;
      this.#askRooms();
    }
    if (me !== this.#shownNick) {
      // The members list holds the old (guest) name: ask again.
      if (this.#shownNick !== undefined || this.#members.length > 0) this.#who();
      this.#shownNick = me;
    }
    if (me !== undefined) {
      store(NICK_KEY, me);
      if (document.activeElement !== this.#view.nickInput) this.#view.nickInput.value = me;
    }
    this.#view.members(room, this.#members, me, (nick) => {
      this.#view.target = nick;
      this.#view.message.focus();
    });
    this.#view.rooms(this.#rooms, room);
    const mine = me?.toLowerCase();
    const people = new Set(this.#members.filter((nick) => nick.toLowerCase() !== mine));
    for (const nick of this.#correspondents) people.add(nick);
    this.#view.targets(room, [...people]);
  }
}

async function settings(): Promise<unknown> {
  try {
    const response = await fetch("/settings.json", { cache: "no-store" });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

const lang = pageLang(await settings(), navigator.languages);
new ChatPage(lang).start();
