/**
 * Text-mode commands (docs/PROTOCOL.md §6.4): /nick /join /rooms /who /msg /stats /login /help /quit.
 * Each is a function of the session; answers that may need another node (nicknames, /who, /rooms,
 * /msg, /join's barrier) go through session.after(), which keeps later lines waiting in order.
 */
import { canSubscribe, type Permissions } from "../../auth/permissions.js";
import { type Lang, parseLang } from "../../i18n/lang.js";
import type { ServerKey } from "../../i18n/server-text.js";
import { nickProblem, roomProblem } from "../../protocol/names.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import type { Connection } from "../../transport/connection.js";
import { DEFAULT_ROOM, type ResolvedMessagingOptions } from "../limits.js";
import type { HistoryMessage } from "../routing/history-types.js";
import type { RoomMember } from "../routing/interfaces.js";
import type { Router } from "../routing/router.js";
import type { DisconnectReason, LoginAttempt } from "../session.js";
import type { StatsSnapshot } from "../stats.js";
import type { TextRenderer } from "./render.js";

/** What a command needs of the text session that runs it (TextSession implements it). */
export interface CommandSession extends RoomMember {
  readonly options: ResolvedMessagingOptions;
  readonly connection: Connection;
  lang: Lang;
  user: string | undefined;
  permissions: Permissions;
  needsLogin: boolean;
  visible: boolean;
  /** Messages this user sent (the live view counts a /msg as one). */
  messagesIn: number;
  routerOf(): Router;
  /** The server's counters now (`/stats`). */
  serverStats(): StatsSnapshot;
  say(key: ServerKey, params?: Readonly<Record<string, string | number>>): void;
  /** Lines already rendered (each ends with "\n"), written in order with the rest. */
  writeLines(lines: Buffer): void;
  /** The renderer of this user's language. */
  readonly renderer: TextRenderer;
  line(key: ServerKey, params?: Readonly<Record<string, string | number>>): Buffer;
  after<T>(answer: Promise<T>, then: (result: T) => void): void;
  moveTo(room: string): void;
  enterDefaultRoom(): void;
  leaveAll(announce: boolean): void;
  finish(reason: DisconnectReason, last: Buffer | undefined): void;
  /** Takes the logged-in user's name as nickname. */
  claimUserNick(): void;
  /** Tells the owner a login was tried (the server log). */
  reportLogin(attempt: LoginAttempt): void;
}

type TextSession = CommandSession;

const LOGIN_FREE = /^\/(login|help|quit|lang)(\s|$)/i;

type Command = (session: TextSession, rest: string) => void;

const COMMANDS: Readonly<Record<string, Command>> = {
  nick: (session, rest) => nick(session, rest.trim()),
  join: (session, rest) => join(session, rest.trim()),
  rooms,
  who,
  history: (session, rest) => history(session, rest.trim()),
  msg,
  stats,
  login,
  help: (session) => session.say("server.help"),
  lang,
  quit,
};

/** Runs one command line (it starts with "/"). */
export function runCommand(session: TextSession, text: string): void {
  if (session.needsLogin && !LOGIN_FREE.test(text)) {
    session.say("server.error.loginRequired");
    return;
  }
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(text.trimEnd());
  const name = (match?.[1] ?? "").toLowerCase();
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    session.say("server.error.unknownCommand", { command: sanitizeLine(`/${name}`) });
    return;
  }
  command(session, match?.[2] ?? "");
}

/** `/lang es|en`: the language this user reads every server line in, from now on. */
function lang(session: TextSession, rest: string): void {
  const wanted = parseLang(rest.trim());
  if (wanted === undefined || rest.trim().length !== 2) {
    session.say("server.error.usage", { usage: "/lang es|en" });
    return;
  }
  session.lang = wanted;
  session.say("server.lang.set");
}

/** `/quit`: the user leaves the room and frees the nickname before `* bye` is written. */
function quit(session: TextSession): void {
  session.leaveAll(session.visible);
  session.finish("quit", session.line("server.bye"));
}

function nick(session: TextSession, wanted: string): void {
  if (wanted === "") {
    session.say("server.error.usage", { usage: "/nick NAME" });
    return;
  }
  if (nickProblem(wanted) !== undefined) {
    session.say("server.error.nickInvalid", { nick: sanitizeLine(wanted) });
    return;
  }
  if (!session.options.security.mayUseNick(wanted, session.user)) {
    session.say("server.error.nickReserved", { nick: wanted });
    return;
  }
  const old = session.nick;
  session.after(session.routerOf().rename(session, wanted), (renamed) => {
    if (!renamed) {
      session.say("server.error.nickTaken", { nick: wanted });
      return;
    }
    session.visible = true;
    session.say("server.nick.set", { nick: wanted });
    session.routerOf().nickChanged(session, old);
  });
}

function join(session: TextSession, room: string): void {
  if (room === "") {
    session.say("server.error.usage", { usage: "/join ROOM" });
    return;
  }
  const [first = "", group, ...more] = room.split(/\s+/);
  // `/join ROOM GROUP` reads like a queue group (enchufe sub --group): say that they are for programs.
  if (group !== undefined && more.length === 0 && roomProblem(first) === undefined) {
    session.say("server.error.noGroups", { room: first, group: sanitizeLine(group) });
    return;
  }
  if (roomProblem(room) !== undefined) {
    session.say("server.error.roomInvalid", { room: sanitizeLine(room) });
    return;
  }
  if (!canSubscribe(session.permissions, room)) {
    session.say("server.error.denyJoin", { room });
    return;
  }
  session.moveTo(room);
  // Read now, before any live line of the room reaches this user: the replay and the live lines never overlap.
  const replay = session.routerOf().history.recent(room, session.options.joinReplay);
  // In a cluster the answer waits until the other nodes route this room's messages here.
  session.after(session.routerOf().barrier(), () => {
    session.say("server.join.you", { room });
    if (replay.length > 0) sayHistory(session, room, replay);
  });
}

/** The most lines `/history N` shows. */
const MAX_HISTORY_LINES = 1000;

/** `/history [N]`: the last N (default 20) messages of the user's room, marked with their time. */
function history(session: TextSession, rest: string): void {
  const count = rest === "" ? 20 : /^\d+$/.test(rest) ? Math.min(Number(rest), MAX_HISTORY_LINES) : -1;
  if (count < 1) {
    session.say("server.error.usage", { usage: "/history [N]" });
    return;
  }
  const router = session.routerOf();
  const room = session.room ?? DEFAULT_ROOM;
  if (!router.history.enabled) {
    session.say("server.history.off");
    return;
  }
  // Read once what was published so far is kept (written with --data; back from the log in a cluster).
  session.after(router.barrier(), () => {
    const messages = router.history.recent(room, count);
    if (messages.length === 0) session.say("server.history.none", { room });
    else sayHistory(session, room, messages);
  });
}

function sayHistory(session: TextSession, room: string, messages: readonly HistoryMessage[]): void {
  session.say("server.history.header", { room, count: messages.length });
  session.writeLines(session.renderer.history(messages));
}

function rooms(session: TextSession): void {
  session.after(session.routerOf().roomCounts(), (counts) => {
    if (counts.length === 0) {
      session.say("server.rooms.none");
      return;
    }
    const list = counts.map((entry) => `${entry.room} (${entry.members})`).join(", ");
    session.say("server.rooms", { list });
  });
}

function who(session: TextSession): void {
  const room = session.room ?? DEFAULT_ROOM;
  session.after(session.routerOf().who(room), (members) => {
    session.say("server.who", { room, list: members.map(sanitizeLine).join(", ") });
  });
}

function msg(session: TextSession, rest: string): void {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(rest.trim());
  if (match === null) {
    session.say("server.error.usage", { usage: "/msg NICK TEXT" });
    return;
  }
  const target = match[1]!;
  const router = session.routerOf();
  session.messagesIn++;
  session.after(router.direct(target, session.nick, [], Buffer.from(match[2]!, "utf8")), (sent) => {
    if (!sent) {
      session.say("server.error.noSuchUser", { nick: sanitizeLine(target) });
      return;
    }
    session.say("server.msg.sent", { nick: sanitizeLine(router.findByNick(target)?.nick ?? target) });
  });
}

/** `/stats`: the live view's counters in two lines, for a student on nc. */
function stats(session: TextSession): void {
  const snapshot = session.serverStats();
  const now = snapshot.connections.now;
  const total = snapshot.connections.total;
  session.say("server.stats.connections", {
    version: snapshot.version,
    uptime: snapshot.uptimeSeconds,
    now: now.text + now.framed + now.websocket,
    text: now.text,
    framed: now.framed,
    websocket: now.websocket,
    total: total.text + total.framed + total.websocket,
    rooms: snapshot.rooms,
    subscriptions: snapshot.subscriptions,
  });
  session.say("server.stats.traffic", {
    in: snapshot.messages.in,
    out: snapshot.messages.out,
    bytesIn: snapshot.bytes.in,
    bytesOut: snapshot.bytes.out,
    slow: snapshot.slowConsumers,
    rate: snapshot.rateLimited,
    auth: snapshot.authFailures,
  });
}

/** `/login USER PASSWORD`: checked asynchronously (scrypt); later lines wait for the answer. */
function login(session: TextSession, rest: string): void {
  const security = session.options.security;
  const [user, ...passwordParts] = rest.trim().split(/\s+/);
  const password = passwordParts.join(" ");
  if (user === undefined || user === "" || password === "") {
    session.say("server.error.usage", { usage: "/login USER PASSWORD" });
    return;
  }
  session.after(security.login({ user, password }, session.connection.peer), (outcome) => {
    session.reportLogin({
      method: "password",
      user,
      ok: outcome.ok,
      ...(outcome.ok ? {} : { code: outcome.code }),
    });
    if (!outcome.ok) {
      session.say(
        outcome.code === "EPLAINTEXTAUTH"
          ? "server.error.plaintextAuth"
          : outcome.code === "ERATELIMIT"
            ? "server.error.loginThrottled"
            : "server.error.loginFailed",
      );
      return;
    }
    session.user = outcome.user;
    session.permissions = outcome.permissions;
    const wasWaiting = session.needsLogin;
    session.needsLogin = false;
    session.say("server.login.ok", { user: outcome.user });
    if (wasWaiting) session.enterDefaultRoom();
    session.claimUserNick();
  });
}
