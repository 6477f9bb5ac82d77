/**
 * The page's DOM: the status indicator, the message log, the rooms and members panels and the target of
 * the message form. Everything another user wrote (nicks, rooms, text) goes in with textContent, never
 * as HTML. The forms themselves are never rebuilt, so nothing typed is lost while lines arrive.
 */
import type { RoomCount } from "../../chat/server-lines.js";
import { fill, type Lang } from "../../i18n/lang.js";
import { webChat } from "../../i18n/web-chat.js";
import type { LinkState } from "./link.js";

export type WebKey = keyof (typeof webChat)["en"];

/** Past this many lines the oldest leave the log (a tab open for days stays small). */
const MAX_LOG_LINES = 500;

/** One entry of the log. */
export type LogEntry =
  | { readonly kind: "message"; readonly room: string; readonly nick: string; readonly text: string }
  /** A line of the room's history: shown with the time the server kept it. */
  | {
      readonly kind: "history";
      readonly room: string;
      readonly time: string;
      readonly nick: string;
      readonly text: string;
    }
  | { readonly kind: "private"; readonly nick: string; readonly text: string }
  | { readonly kind: "own"; readonly room: string; readonly nick: string; readonly text: string }
  | { readonly kind: "ownPrivate"; readonly to: string; readonly nick: string; readonly text: string }
  | { readonly kind: "notice" | "error" | "greeting" | "local"; readonly text: string };

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className !== "") created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

export class ChatView {
  readonly lang: Lang;
  readonly #status = byId<HTMLElement>("status");
  readonly #log = byId<HTMLOListElement>("log");
  readonly #roomTitle = byId<HTMLElement>("room-title");
  readonly #rooms = byId<HTMLUListElement>("rooms");
  readonly #membersTitle = byId<HTMLElement>("members-title");
  readonly #members = byId<HTMLUListElement>("members");
  readonly #target = byId<HTMLSelectElement>("target");
  readonly #leave = byId<HTMLButtonElement>("leave");
  readonly nickInput = byId<HTMLInputElement>("nick-input");
  readonly message = byId<HTMLInputElement>("message");
  readonly joinInput = byId<HTMLInputElement>("join-input");
  /** Called with a room button's room, a member's private-message button's nick. */
  readonly #onJoin: (room: string) => void;

  constructor(lang: Lang, onJoin: (room: string) => void) {
    this.lang = lang;
    this.#onJoin = onJoin;
    document.documentElement.lang = lang;
    document.title = this.text("web.title");
    for (const labelled of document.querySelectorAll<HTMLElement>("[data-text]")) {
      labelled.textContent = this.text(labelled.dataset.text as WebKey);
    }
    this.message.placeholder = this.text("web.send.placeholder");
  }

  /** The page's text for `key` in its language. */
  text(key: WebKey, params: Readonly<Record<string, string | number>> = {}): string {
    return fill(webChat[this.lang][key], params);
  }

  state(state: LinkState): void {
    this.#status.dataset.state = state.kind;
    this.#status.textContent =
      state.kind === "reconnecting"
        ? this.text("web.status.reconnecting", {
            attempt: state.attempt,
            seconds: (state.delayMs / 1000).toFixed(1),
          })
        : this.text(
            state.kind === "connected"
              ? "web.status.connected"
              : state.kind === "left"
                ? "web.status.left"
                : "web.status.connecting",
          );
  }

  /** Appends entries to the log, keeping the view at the bottom if it was there. */
  append(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    const log = this.#log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const now = new Date();
    const time = `${twoDigits(now.getHours())}:${twoDigits(now.getMinutes())}`;
    for (const entry of entries) log.append(this.#entry(entry, time));
    while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild?.remove();
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  #entry(entry: LogEntry, time: string): HTMLLIElement {
    const item = element("li", entry.kind);
    item.append(element("time", "", entry.kind === "history" ? entry.time : time), " ");
    switch (entry.kind) {
      case "history":
      case "message":
      case "own":
        item.append(element("span", "room", entry.room), " ", element("b", "nick", entry.nick), ": ");
        break;
      case "private":
        item.append(
          element("span", "room", this.text("web.message.private")),
          " ",
          element("b", "nick", entry.nick),
          ": ",
        );
        break;
      case "ownPrivate":
        item.append(
          element("span", "room", this.text("web.message.privateTo", { nick: entry.to })),
          " ",
          element("b", "nick", entry.nick),
          ": ",
        );
        break;
    }
    item.append(element("span", "text", entry.text));
    return item;
  }

  /** The rooms panel: each room a button that joins it; the current one marked. */
  rooms(counts: readonly RoomCount[], current: string): void {
    const items = counts.map(({ room, members }) => {
      const item = element("li", "");
      const button = element("button", "link", this.text("web.rooms.entry", { room, members }));
      button.type = "button";
      button.dataset.room = room;
      if (room === current) {
        button.setAttribute("aria-current", "true");
        button.title = this.text("web.rooms.current");
      }
      button.addEventListener("click", () => this.#onJoin(room));
      item.append(button);
      return item;
    });
    if (items.length === 0) items.push(element("li", "empty", this.text("web.rooms.none")));
    this.#rooms.replaceChildren(...items);
  }

  /** The members panel and the room's title; `me` marked, the others with a private-message button. */
  members(room: string, members: readonly string[], me: string | undefined, write: (nick: string) => void) {
    this.#roomTitle.textContent = this.text("web.log.label", { room });
    this.#log.setAttribute("aria-label", this.text("web.log.label", { room }));
    this.#leave.disabled = room === "general";
    this.#membersTitle.textContent = this.text("web.members.title", { room, count: members.length });
    const mine = me?.toLowerCase();
    this.#members.replaceChildren(
      ...members.map((nick) => {
        const item = element("li", "");
        if (nick.toLowerCase() === mine) {
          item.append(element("span", "me", this.text("web.members.you", { nick })));
          return item;
        }
        const button = element("button", "link", nick);
        button.type = "button";
        button.title = this.text("web.members.write", { nick });
        button.setAttribute("aria-label", this.text("web.members.write", { nick }));
        button.addEventListener("click", () => write(nick));
        item.append(button);
        return item;
      }),
    );
  }

  /** The message form's choice: the whole room, or one person (private). Keeps the choice when it can. */
  targets(room: string, people: readonly string[]): void {
    const chosen = this.#target.value;
    const options = [new Option(this.text("web.send.room", { room }), "")];
    for (const nick of people) options.push(new Option(this.text("web.send.private", { nick }), nick));
    this.#target.replaceChildren(...options);
    this.#target.value = people.includes(chosen) ? chosen : "";
  }

  /** The person the message goes to, or undefined for the room. */
  get target(): string | undefined {
    return this.#target.value === "" ? undefined : this.#target.value;
  }

  set target(nick: string | undefined) {
    this.#target.value = nick ?? "";
  }
}
