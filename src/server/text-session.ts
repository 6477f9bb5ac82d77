/**
 * A person on nc / telnet / `enchufe chat`: UTF-8 lines in, notices and room lines out.
 * Commands: /nick /join /rooms /who /msg /help /quit; any other line goes to the current room.
 * Presence rule: joins and leaves are announced only for "visible" users, those who have spoken,
 * set a nickname or used /join; silent one-shot clients (read the greeting, close) make no noise.
 */

import type { Socket } from "node:net";
import { canSubscribe } from "../auth/permissions.js";
import { TokenBucket } from "../auth/throttle.js";
import { isEnchufeError } from "../errors.js";
import { type MessageKey, t } from "../i18n/index.js";
import type { Headers } from "../protocol/frames.js";
import { LineDecoder } from "../protocol/lines.js";
import { nickProblem, roomProblem } from "../protocol/names.js";
import { sanitizeLine } from "../protocol/sanitize.js";
import type { Broker } from "./broker.js";
import type { Delivery } from "./delivery.js";
import { DEFAULT_ROOM, type MessagingOptions } from "./limits.js";
import { Session, type SessionOwner } from "./session.js";

const NO_HEADERS: Headers = [];

export class TextSession extends Session {
  readonly #options: MessagingOptions;
  /** Created with the first bytes (idle connections hold no decoder or flood bucket). */
  #lines: LineDecoder<TextSession> | undefined;
  /** Set once the client sent its first bytes (the handler checked them for the framed preface). */
  started = false;
  #room: string | undefined;
  /** Has spoken, set a nick or joined on purpose: presence changes are announced. */
  #visible = false;
  /** The flood guard (undefined when off, or before the first line). */
  #flood: TokenBucket | undefined;
  /** The server requires a login and this user has not logged in yet. */
  #needsLogin = false;
  /** A /login is being checked (lines that arrive meanwhile wait for it). */
  #pendingLines: Buffer[] | undefined;

  constructor(
    socket: Socket,
    info: { id: string; remoteAddress?: string | undefined; remotePort?: number | undefined },
    broker: Broker,
    options: MessagingOptions,
    owner: SessionOwner,
  ) {
    super(socket, info, options.maxPendingBytes, owner, broker);
    this.#options = options;
    broker.register(this);
    const security = options.security;
    const identity = security?.certificateIdentity(socket);
    if (identity !== undefined) {
      this.user = identity.user;
      this.permissions = identity.permissions;
    } else if (security !== undefined) {
      this.permissions = security.guest;
      this.#needsLogin = security.options.requireAuth;
    }
    if (!this.#needsLogin && canSubscribe(this.permissions, DEFAULT_ROOM)) {
      this.#room = DEFAULT_ROOM;
      broker.joinRoom(this, DEFAULT_ROOM, false);
    }
  }

  get mode(): "text" {
    return "text";
  }

  get room(): string | undefined {
    return this.#room;
  }

  /** Bytes from the client. */
  receive(chunk: Buffer): void {
    if (!this.isOpen) return;
    this.#lines ??= new LineDecoder<TextSession>({
      maxLineBytes: this.#options.maxLineBytes,
      onLine: this.#onLine as (this: TextSession, line: Buffer) => void,
      target: this,
    });
    try {
      this.#lines.push(chunk);
    } catch (error) {
      if (isEnchufeError(error, "ELINETOOLONG")) {
        this.finish(
          "line-too-long",
          this.#line("server.error.lineTooLong", { max: this.#options.maxLineBytes }),
        );
        return;
      }
      throw error;
    }
  }

  /** Leaves rooms and the nickname registry (on close, or silently when the client turns out to be framed). */
  detach(announce: boolean): void {
    if (this.#room !== undefined) this.broker.leaveRoom(this, this.#room, announce && this.#visible);
    this.#room = undefined;
    this.broker.unregister(this);
  }

  deliver(delivery: Delivery): void {
    const text = delivery.text();
    if (text !== null) this.write(text, true);
  }

  shutdown(): void {
    this.finish("shutdown", this.#line("server.shutdown"));
  }

  checkIdle(now: number, idleTimeoutMs: number): void {
    if (now - this.lastSeen >= idleTimeoutMs) this.finish("idle", this.#line("server.error.idle"));
  }

  #line(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): Buffer {
    return Buffer.from(`${t(this.#options.lang, key, params)}\n`, "utf8");
  }

  #say(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): void {
    this.write(this.#line(key, params));
  }

  /** False (and the session closed) when the client floods. */
  #withinFloodLimit(): boolean {
    const { floodBurstLines, floodLinesPerSecond } = this.#options;
    if (floodBurstLines <= 0) return true;
    this.#flood ??= new TokenBucket({ burst: floodBurstLines, perSecond: floodLinesPerSecond });
    if (this.#flood.take()) return true;
    this.finish("flood", this.#line("server.error.flood"));
    return false;
  }

  #onLine(line: Buffer): void {
    if (this.#pendingLines !== undefined) {
      // Keep order: lines typed while a /login is checked run after it (copied: the chunk may be reused).
      this.#pendingLines.push(Buffer.from(line));
      return;
    }
    if (!this.isOpen || !this.#withinFloodLimit()) return;
    if (line.length === 0) return;
    if (line[0] === 0x2f /* "/" */) {
      const text = line.toString("utf8");
      if (this.#needsLogin && !/^\/(login|help|quit)(\s|$)/i.test(text)) {
        this.#say("server.error.loginRequired");
        return;
      }
      this.#command(text);
      return;
    }
    if (this.#needsLogin) {
      this.#say("server.error.loginRequired");
      return;
    }
    this.#speak(line);
  }

  /** `/login USER PASSWORD`: checked asynchronously (scrypt); later lines wait for the answer. */
  #login(rest: string): void {
    const security = this.#options.security;
    const [user, ...passwordParts] = rest.trim().split(/\s+/);
    const password = passwordParts.join(" ");
    if (security === undefined || user === undefined || user === "" || password === "") {
      this.#say("server.error.usage", { usage: "/login USER PASSWORD" });
      return;
    }
    this.#pendingLines = [];
    security.login({ user, password }, this.socket, this.remoteAddress).then(
      (outcome) => {
        if (!this.isOpen) return;
        if (outcome.ok) {
          this.user = outcome.user;
          this.permissions = outcome.permissions;
          const wasWaiting = this.#needsLogin;
          this.#needsLogin = false;
          this.#say("server.login.ok", { user: outcome.user });
          if (wasWaiting && this.#room === undefined && canSubscribe(this.permissions, DEFAULT_ROOM)) {
            this.#room = DEFAULT_ROOM;
            this.broker.joinRoom(this, DEFAULT_ROOM, false);
          }
        } else {
          this.#say(
            outcome.code === "EPLAINTEXTAUTH"
              ? "server.error.plaintextAuth"
              : outcome.code === "ERATELIMIT"
                ? "server.error.loginThrottled"
                : "server.error.loginFailed",
          );
        }
        this.#drainPending();
      },
      () => this.#drainPending(),
    );
  }

  #drainPending(): void {
    const pending = this.#pendingLines ?? [];
    this.#pendingLines = undefined;
    for (const line of pending) this.#onLine(line);
  }

  /**
   * Runs `then` with `value` at once, or when it resolves (a cluster answer); lines that arrive
   * meanwhile wait, so commands keep their order.
   */
  #after<T>(value: T | Promise<T>, then: (result: T) => void): void {
    if (!(value instanceof Promise)) {
      then(value);
      return;
    }
    this.#pendingLines = [];
    value.then(
      (result) => {
        if (this.isOpen) then(result);
        this.#drainPending();
      },
      (error: unknown) => this.owner.sessionFailed(this, error),
    );
  }

  #speak(line: Uint8Array): void {
    const room = this.#room;
    if (room === undefined) return;
    if (!this.mayPublish(room)) {
      this.#say("server.error.denyTalk", { room });
      return;
    }
    this.#visible = true;
    this.broker.publish(room, this.nick, NO_HEADERS, line, this);
  }

  #command(text: string): void {
    const match = /^\/(\S*)\s*([\s\S]*)$/.exec(text.trimEnd());
    const command = (match?.[1] ?? "").toLowerCase();
    const rest = match?.[2] ?? "";
    switch (command) {
      case "nick": {
        this.#nick(rest.trim());
        return;
      }
      case "join": {
        this.#join(rest.trim());
        return;
      }
      case "rooms": {
        this.#rooms();
        return;
      }
      case "who": {
        this.#who();
        return;
      }
      case "msg": {
        this.#msg(rest);
        return;
      }
      case "login": {
        this.#login(rest);
        return;
      }
      case "help": {
        this.#say("server.help");
        return;
      }
      case "quit":
        this.finish("quit", this.#line("server.bye"));
        return;
      default:
        this.#say("server.error.unknownCommand", { command: sanitizeLine(`/${command}`) });
    }
  }

  #nick(nick: string): void {
    if (nick === "") {
      this.#say("server.error.usage", { usage: "/nick NAME" });
      return;
    }
    if (nickProblem(nick) !== undefined) {
      this.#say("server.error.nickInvalid", { nick: sanitizeLine(nick) });
      return;
    }
    const old = this.nick;
    this.#after(this.broker.rename(this, nick), (renamed) => {
      if (!renamed) {
        this.#say("server.error.nickTaken", { nick });
        return;
      }
      this.#visible = true;
      this.#say("server.nick.set", { nick });
      if (this.#room !== undefined && old !== nick) {
        this.broker.notifyRoom(this.#room, t(this.#options.lang, "server.nick.changed", { old, nick }), this);
      }
    });
  }

  #join(room: string): void {
    if (room === "") {
      this.#say("server.error.usage", { usage: "/join ROOM" });
      return;
    }
    if (roomProblem(room) !== undefined) {
      this.#say("server.error.roomInvalid", { room: sanitizeLine(room) });
      return;
    }
    if (!canSubscribe(this.permissions, room)) {
      this.#say("server.error.denyJoin", { room });
      return;
    }
    if (room !== this.#room) {
      if (this.#room !== undefined) this.broker.leaveRoom(this, this.#room, this.#visible);
      this.#visible = true;
      this.#room = room;
      this.broker.joinRoom(this, room, true);
    }
    // In a cluster the answer waits until the other nodes route this room's messages here.
    const barrier = this.broker.barrier();
    if (barrier === undefined) this.#say("server.join.you", { room });
    else this.#after(barrier, () => this.#say("server.join.you", { room }));
  }

  #rooms(): void {
    this.#after(this.broker.roomCounts(), (rooms) => {
      if (rooms.length === 0) {
        this.#say("server.rooms.none");
        return;
      }
      const list = rooms.map((entry) => `${entry.room} (${entry.members})`).join(", ");
      this.#say("server.rooms", { list });
    });
  }

  #who(): void {
    const room = this.#room ?? DEFAULT_ROOM;
    this.#after(this.broker.who(room), (members) => {
      this.#say("server.who", { room, list: members.map(sanitizeLine).join(", ") });
    });
  }

  #msg(rest: string): void {
    const match = /^(\S+)\s+([\s\S]+)$/.exec(rest.trim());
    if (match === null) {
      this.#say("server.error.usage", { usage: "/msg NICK TEXT" });
      return;
    }
    const target = match[1]!;
    const text = match[2]!;
    this.#after(this.broker.direct(target, this.nick, NO_HEADERS, Buffer.from(text, "utf8")), (sent) => {
      if (!sent) {
        this.#say("server.error.noSuchUser", { nick: sanitizeLine(target) });
        return;
      }
      this.#say("server.msg.sent", { nick: sanitizeLine(this.broker.findByNick(target)?.nick ?? target) });
    });
  }
}
