/**
 * A person on nc / telnet / `enchufe chat`: UTF-8 lines in, notices and room lines out.
 * Presence rule: joins and leaves are announced only for "visible" users, those who have spoken, set
 * a nickname or used /join; silent one-shot clients (read the greeting, close) make no noise.
 * A new connection is in `general` at once, on this node; the other nodes hear of it with its first
 * byte (unless that byte makes it a program) or after a short grace (see MessagingHandler).
 */
import { canSubscribe } from "../../auth/permissions.js";
import { TokenBucket } from "../../auth/throttle.js";
import { isEnchufeError } from "../../errors.js";
import type { Lang } from "../../i18n/lang.js";
import { type ServerKey, serverText } from "../../i18n/server-text.js";
import { detectMode, startsWithHttpRequest } from "../../protocol/detect.js";
import type { Headers } from "../../protocol/frames.js";
import { LineDecoder } from "../../protocol/lines.js";
import { nickKey } from "../../protocol/names.js";
import type { Connection } from "../../transport/connection.js";
import { DEFAULT_ROOM, type ResolvedMessagingOptions } from "../limits.js";
import type { Delivery } from "../routing/delivery.js";
import type { RoomEvent, RoomMember } from "../routing/interfaces.js";
import type { Router } from "../routing/router.js";
import { type Identity, Session, type SessionOwner } from "../session.js";
import type { StatsSnapshot } from "../stats.js";
import { type CommandSession, runCommand } from "./commands.js";
import type { TextRenderer } from "./render.js";

const NO_HEADERS: Headers = [];

/** What a text session needs from its owner beyond the common SessionOwner. */
export interface TextSessionOwner extends SessionOwner {
  /** Renders deliveries and room events for people in `lang`, once for every text session. */
  renderer(lang: Lang): TextRenderer;
  /** The first byte was 0x00: the connection is a program; `chunk` goes to its framed session. */
  becomeFramed(text: TextSession, chunk: Buffer): void;
  /** A line has started and not ended: the owner checks it ends within the line timeout. */
  lineStarted(text: TextSession): void;
  /** The server's counters now (`/stats`). */
  stats(): StatsSnapshot;
}

export class TextSession extends Session<TextSessionOwner> implements RoomMember, CommandSession {
  /** Created with the first bytes (idle connections hold no decoder or flood bucket). */
  #lines: LineDecoder | undefined;
  /** Set once the client sent its first bytes. */
  started = false;
  /** Has spoken, set a nick or joined on purpose: presence changes are announced. */
  visible = false;
  /** The server requires a login and this user has not logged in yet. */
  needsLogin: boolean;

  #room: string | undefined;

  /** The flood guard (undefined when off, or before the first line). */
  #flood: TokenBucket | undefined;

  /** An answer is awaited (a login, a cluster-wide check): lines that arrive meanwhile wait, in order. */
  #pendingLines: Uint8Array[] | undefined;
  /** How many answers are awaited (the waiting lines run once the last one came). */
  #awaiting = 0;
  /** The language this user reads (the server's until `/lang`). */
  lang: Lang;
  /** Date.now() when the current partial line began (0: none). */
  partialSince = 0;

  constructor(
    connection: Connection,
    id: string,
    identity: Identity,
    needsLogin: boolean,
    router: Router,
    options: ResolvedMessagingOptions,
    owner: TextSessionOwner,
  ) {
    super(connection, id, identity, options, owner, router);
    this.lang = options.lang;
    this.needsLogin = needsLogin;
    router.registerGuest(this);
    if (!needsLogin) this.enterDefaultRoom();
  }

  get mode(): "text" {
    return "text";
  }

  get room(): string | undefined {
    return this.#room;
  }

  /** Puts the user in `general` (silently) when allowed. */
  enterDefaultRoom(): void {
    if (this.#room !== undefined || !canSubscribe(this.permissions, DEFAULT_ROOM)) return;
    this.#room = DEFAULT_ROOM;
    this.router.joinRoom(this, DEFAULT_ROOM, false);
  }

  /** Moves the user to `room` (announced to both rooms as the presence rule says). */
  moveTo(room: string): void {
    if (room === this.#room) return;
    if (this.#room !== undefined) this.router.leaveRoom(this, this.#room, this.visible);
    this.visible = true;
    this.#room = room;
    this.router.joinRoom(this, room, true);
  }

  receive(chunk: Buffer): void {
    if (!this.isOpen) return;
    if (!this.started) {
      this.started = true;
      if (chunk.length > 0 && detectMode(chunk[0]!) === "framed") {
        this.owner.becomeFramed(this, chunk);
        return;
      }
      // A browser that opened its socket before it had a request (Chromium preconnects) and stayed silent
      // past the sniff deadline was greeted as a text user: its request is not a chat line for the room.
      if (startsWithHttpRequest(chunk)) {
        this.finish("late-http", this.line("server.error.lateHttp"));
        return;
      }
      this.becomeKnown();
    }
    this.#lines ??= new LineDecoder({ maxLineBytes: this.options.maxLineBytes });
    const lines = this.#lines;
    lines.push(chunk);
    for (;;) {
      let line: Uint8Array | undefined;
      try {
        line = lines.nextView();
      } catch (error) {
        if (!isEnchufeError(error, "ELINETOOLONG")) throw error;
        this.finish(
          "line-too-long",
          this.line("server.error.lineTooLong", { max: this.options.maxLineBytes }),
        );
        return;
      }
      if (line === undefined) break;
      this.#onLine(line);
      if (!this.isOpen) return;
    }
    if (lines.buffered === 0) this.partialSince = 0;
    else if (this.partialSince === 0) {
      this.partialSince = this.lastSeen;
      this.owner.lineStarted(this);
    }
  }

  /** A text-only transport (WebSocket enchufe.text): never a program, known to the other nodes now. */
  startAsText(): void {
    this.started = true;
    this.becomeKnown();
  }

  /**
   * The other nodes learn this user (first byte, or the grace ended); a user known by a client
   * certificate takes their user name as nickname now.
   */
  becomeKnown(): void {
    if (this.clustered) return;
    this.router.cluster(this);
    if (this.user !== undefined) this.claimUserNick();
  }

  /** A logged-in user's nickname is their user name (when another session of theirs holds it, they are told). */
  claimUserNick(): void {
    const user = this.user;
    if (user === undefined || nickKey(user) === nickKey(this.nick)) return;
    const old = this.nick;
    this.after(this.router.rename(this, user), (renamed) => {
      if (!renamed) {
        this.say("server.error.userNickInUse", { nick: user });
        return;
      }
      this.say("server.nick.set", { nick: user });
      this.router.nickChanged(this, old);
    });
  }

  /** Line timeout check: a line begun `lineTimeoutMs` ago and still not ended closes the session. */
  checkLine(now: number): void {
    const timeout = this.options.lineTimeoutMs;
    if (this.partialSince === 0 || timeout <= 0 || now - this.partialSince < timeout) return;
    this.finish("line-timeout", this.line("server.error.lineTimeout", { seconds: timeout / 1000 }));
  }

  /** Leaves the room and the nickname registry. Safe to call twice. */
  detach(): void {
    this.leaveAll(this.visible);
  }

  /** Leaves the room (announced when `announce`) and frees the nickname. */
  leaveAll(announce: boolean): void {
    if (this.#room !== undefined) this.router.leaveRoom(this, this.#room, announce);
    this.#room = undefined;
    this.router.unregister(this);
  }

  /** Member: renders a room's batch before it is kept (cached on the delivery: deliver() reuses it). */
  prepare(delivery: Delivery): void {
    this.owner.renderer(this.lang).delivery(delivery);
  }

  deliver(delivery: Delivery): void {
    const text = this.owner.renderer(this.lang).delivery(delivery);
    if (text === null) return;
    this.messagesOut += delivery.count;
    this.write(text, true);
  }

  roomEvent(event: RoomEvent): void {
    // The notice is built once per language for the whole room: shared, but corked like any notice.
    this.write(this.owner.renderer(this.lang).roomEvent(event), false, true);
  }

  shutdown(): void {
    this.finish("shutdown", this.line("server.shutdown"));
  }

  checkIdle(now: number, idleTimeoutMs: number): void {
    if (now - this.lastSeen >= idleTimeoutMs) this.finish("idle", this.line("server.error.idle"));
  }

  line(key: ServerKey, params: Readonly<Record<string, string | number>> = {}): Buffer {
    return Buffer.from(`${serverText(this.lang, key, params)}\n`, "utf8");
  }

  say(key: ServerKey, params: Readonly<Record<string, string | number>> = {}): void {
    this.write(this.line(key, params));
  }

  writeLines(lines: Buffer): void {
    if (lines.length > 0) this.write(lines);
  }

  get renderer(): TextRenderer {
    return this.owner.renderer(this.lang);
  }

  /** The router (commands.ts reaches rooms, nicknames and directs through it). */
  routerOf(): Router {
    return this.router;
  }

  serverStats(): StatsSnapshot {
    return this.owner.stats();
  }

  /** Says `line` in the current room. */
  speak(line: Uint8Array): void {
    const room = this.#room;
    if (room === undefined) return;
    if (!this.mayPublish(room)) {
      this.say("server.error.denyTalk", { room });
      return;
    }
    this.visible = true;
    this.messagesIn++;
    this.router.publish(room, this.nick, NO_HEADERS, line, this, true);
  }

  /**
   * Runs `then` once `answer` resolves; lines that arrive meanwhile wait, so commands keep their order.
   */
  after<T>(answer: Promise<T>, then: (result: T) => void): void {
    this.#pendingLines ??= [];
    this.#awaiting++;
    answer.then(
      (result) => {
        this.#awaiting--;
        if (this.isOpen) {
          try {
            then(result);
          } catch (error) {
            this.owner.sessionFailed(this, error);
          }
        }
        if (this.#awaiting === 0) this.#drainPending();
      },
      (error: unknown) => this.owner.sessionFailed(this, error),
    );
  }

  #drainPending(): void {
    const pending = this.#pendingLines ?? [];
    this.#pendingLines = undefined;
    this.turn.begin(Date.now());
    try {
      for (let i = 0; i < pending.length; i++) {
        this.#onLine(pending[i]!);
        const waiting = this.#pendingLines as Uint8Array[] | undefined;
        if (waiting !== undefined) {
          // Another answer is awaited: the rest waits behind it.
          waiting.push(...pending.slice(i + 1));
          return;
        }
      }
    } finally {
      this.turn.end();
    }
  }

  /** False (and the session closed) when the client floods. */
  #withinFloodLimit(): boolean {
    const { floodBurstLines, floodLinesPerSecond } = this.options;
    if (floodBurstLines <= 0) return true;
    this.#flood ??= new TokenBucket({ burst: floodBurstLines, perSecond: floodLinesPerSecond });
    if (this.#flood.take()) return true;
    this.finish("flood", this.line("server.error.flood"));
    return false;
  }

  #onLine(line: Uint8Array): void {
    if (this.#pendingLines !== undefined) {
      // Keep order: copied, the chunk may be reused.
      this.#pendingLines.push(Buffer.from(line));
      return;
    }
    if (!this.isOpen || !this.#withinFloodLimit()) return;
    if (line.length === 0) return;
    if (line[0] === 0x2f /* "/" */) {
      runCommand(this, Buffer.from(line.buffer, line.byteOffset, line.length).toString("utf8"));
      return;
    }
    if (this.needsLogin) {
      this.say("server.error.loginRequired");
      return;
    }
    this.speak(line);
  }
}
