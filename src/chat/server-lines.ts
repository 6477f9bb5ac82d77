/**
 * What a server line in text mode says (docs/PROTOCOL.md §6): a message `[room] nick: text`, or one of
 * the notices a chat screen keeps state from (who is in the room, the rooms and their counts, joins,
 * leaves, renames, a private message delivered). Notices are read with the server's own templates
 * (src/i18n/server.ts) in the language the user reads, so they cannot drift from what the server says.
 * Pure: no I/O, no DOM, no Node.
 */
import type { Lang } from "../i18n/lang.js";
import { server } from "../i18n/server.js";

/** A message line: room (or the private label), sender, text. Nicknames hold no space or colon. */
export interface MessageLine {
  readonly room: string;
  readonly nick: string;
  readonly text: string;
}

const MESSAGE = /^\[([^\]]*)\] ([^\s:]+): /;

/** The `[room] nick: ` form, or undefined for a notice, an error or the greeting. */
export function parseMessage(line: string): MessageLine | undefined {
  const match = MESSAGE.exec(line);
  if (match === null) return undefined;
  return { room: match[1]!, nick: match[2]!, text: line.slice(match[0].length) };
}

/** A room and how many text users are in it. */
export interface RoomCount {
  readonly room: string;
  readonly members: number;
}

/** The notices a chat keeps state from. */
export type Notice =
  | { readonly kind: "who"; readonly room: string; readonly members: readonly string[] }
  | { readonly kind: "rooms"; readonly rooms: readonly RoomCount[] }
  | { readonly kind: "joined" | "left"; readonly nick: string; readonly room: string }
  | { readonly kind: "renamed"; readonly old: string; readonly nick: string }
  | { readonly kind: "privateSent" | "noSuchUser"; readonly nick: string };

type Kind = "who" | "rooms" | "noRooms" | "joined" | "left" | "renamed" | "privateSent" | "noSuchUser";

/** Which server text each notice is, and the field a placeholder fills. */
const TEMPLATES: ReadonlyArray<readonly [Kind, keyof (typeof server)["en"]]> = [
  ["who", "server.who"],
  ["rooms", "server.rooms"],
  ["noRooms", "server.rooms.none"],
  ["joined", "server.join.other"],
  ["left", "server.leave.other"],
  ["renamed", "server.nick.changed"],
  ["privateSent", "server.msg.sent"],
  ["noSuchUser", "server.error.noSuchUser"],
];

/** A template as a regular expression: each {name} a named group (a list takes the rest of the line). */
function templateRegExp(template: string): RegExp {
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return name === "list" ? "(?<list>.*)" : `(?<${name}>\\S+)`;
    })
    .join("");
  return new RegExp(`^${source}$`);
}

const ROOM_COUNT = /^(\S+) \((\d+)\)$/;

/** Reads notices in one language (the one the server speaks to this user). */
export class NoticeReader {
  readonly #patterns: ReadonlyArray<readonly [Kind, RegExp]>;
  /** The private label of message lines (`[private] bob: hi`). */
  readonly privateLabel: string;

  constructor(lang: Lang) {
    this.#patterns = TEMPLATES.map(([kind, key]) => [kind, templateRegExp(server[lang][key])] as const);
    this.privateLabel = server[lang]["server.private"];
  }

  /** What `line` says, or undefined when it is no notice kept as state. */
  read(line: string): Notice | undefined {
    for (const [kind, pattern] of this.#patterns) {
      const match = pattern.exec(line);
      if (match === null) continue;
      // A template without placeholders has no groups at all.
      const groups = match.groups ?? {};
      switch (kind) {
        case "who":
          return { kind, room: groups.room!, members: splitList(groups.list!) };
        case "rooms":
          return { kind, rooms: splitList(groups.list!).flatMap(roomCount) };
        case "noRooms":
          return { kind: "rooms", rooms: [] };
        case "joined":
        case "left":
          return { kind, nick: groups.nick!, room: groups.room! };
        case "renamed":
          return { kind, old: groups.old!, nick: groups.nick! };
        case "privateSent":
        case "noSuchUser":
          return { kind, nick: groups.nick! };
      }
    }
    return undefined;
  }
}

function splitList(list: string): string[] {
  return list === "" ? [] : list.split(", ");
}

function roomCount(entry: string): RoomCount[] {
  const match = ROOM_COUNT.exec(entry);
  return match === null ? [] : [{ room: match[1]!, members: Number(match[2]) }];
}
