/**
 * HELLO (docs/PROTOCOL.md §2.3): the version check, credentials (users file, token; a verified client
 * certificate was decided at accept), the nickname claim (cluster-wide in a cluster), then WELCOME.
 */

import type { Permissions } from "../../auth/permissions.js";
import {
  CloseReason,
  ErrCode,
  encodeFrame,
  type Frame,
  MIN_PROTOCOL_VERSION,
  PREFACE,
  PROTOCOL_VERSION,
} from "../../protocol/frames.js";
import { nickProblem } from "../../protocol/names.js";
import type { Connection } from "../../transport/connection.js";
import type { ResolvedMessagingOptions } from "../limits.js";
import { pingIntervalMs } from "../limits.js";
import type { Member } from "../routing/interfaces.js";
import type { Router } from "../routing/router.js";
import type { LoginOutcome } from "../security.js";
import type { DisconnectReason, LoginAttempt } from "../session.js";

/** What the handshake needs of the framed session (FramedSession implements it). */
export interface HandshakeSession extends Member {
  readonly id: string;
  readonly options: ResolvedMessagingOptions;
  readonly connection: Connection;
  /** Tells the owner a login was tried (the server log). */
  reportLogin(attempt: LoginAttempt): void;
  /** A bug of ours while serving this session (the owner drops it and logs). */
  failed(error: unknown): void;
  state: string;
  clientName: string;
  /** The protocol version the client's HELLO asked for (1 or 2); WELCOME answers with it. */
  version: number;
  user: string | undefined;
  permissions: Permissions;
  routerOf(): Router;
  write(bytes: Buffer): void;
  fail(code: number, reason: number, message: string): void;
  clearHandshakeTimer(): void;
  /** The preface's first bytes while it comes in pieces; why the session ends, once it does. */
  preface: Buffer | undefined;
  endReason: DisconnectReason | undefined;
  /** No HELLO in time: the session closes unless it is past the handshake. */
  handshakeExpired(): void;
  /** WELCOME was sent: the frames that waited run now. */
  ready(): void;
}

type FramedSession = HandshakeSession;

const LOGIN_FAILURES: Readonly<
  Record<Exclude<LoginOutcome, { ok: true }>["code"], readonly [number, string]>
> = {
  EAUTH: [ErrCode.AUTH_FAILED, "authentication failed"],
  ERATELIMIT: [ErrCode.RATE_LIMIT, "too many failed logins from your address: wait and try again"],
  EPLAINTEXTAUTH: [ErrCode.PLAINTEXT_AUTH, "credentials are refused on an unencrypted connection: use TLS"],
};

/**
 * The bytes of `chunk` after the 4-byte preface, once the preface came whole and right (it is echoed and
 * the session is at HANDSHAKE); undefined while it is still incomplete, when nothing follows it, or when
 * it is wrong (the connection is then destroyed).
 */
export function afterPreface(session: FramedSession, chunk: Buffer): Buffer | undefined {
  const preface = session.preface === undefined ? chunk : Buffer.concat([session.preface, chunk]);
  if (preface.length < PREFACE.length) {
    session.preface = preface;
    return undefined;
  }
  session.preface = undefined;
  if (!preface.subarray(0, PREFACE.length).equals(PREFACE)) {
    session.endReason = "protocol-error";
    session.connection.destroy();
    return undefined;
  }
  session.state = "HANDSHAKE";
  session.write(PREFACE);
  const rest = preface.subarray(PREFACE.length);
  return rest.length === 0 ? undefined : rest;
}

/** A session's handshake deadline: handshakeExpired() when no HELLO came within `ms` (0: no deadline). */
export class HandshakeDeadline {
  timer: NodeJS.Timeout | undefined;

  constructor(session: FramedSession, ms: number) {
    if (ms <= 0) return;
    this.timer = setTimeout(expireHandshake, ms, this, session);
    this.timer.unref();
  }

  /** No deadline any more (HELLO accepted, or the session ended). Safe to call twice. */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The deadline's callback (a shared function, no closure per session). */
function expireHandshake(deadline: HandshakeDeadline, session: FramedSession): void {
  deadline.timer = undefined;
  session.handshakeExpired();
}

export function hello(session: FramedSession, frame: Extract<Frame, { type: "HELLO" }>): void {
  if (frame.version < MIN_PROTOCOL_VERSION || frame.version > PROTOCOL_VERSION) {
    session.fail(
      ErrCode.PROTOCOL,
      CloseReason.PROTOCOL_ERROR,
      `unsupported protocol version ${frame.version} (this server speaks ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION})`,
    );
    return;
  }
  session.version = frame.version;
  session.clearHandshakeTimer();
  session.clientName = frame.clientName;
  const security = session.options.security;
  const hasCredentials = frame.token !== "" || frame.user !== "" || frame.password !== "";
  if (!hasCredentials) {
    if (security.needsLogin(session.connection.peer)) {
      session.fail(ErrCode.AUTH_REQUIRED, CloseReason.AUTH_FAILED, "this server requires authentication");
      return;
    }
    welcome(session);
    return;
  }
  session.state = "AUTHENTICATING";
  const credentials = { user: frame.user, password: frame.password, token: frame.token };
  security.login(credentials, session.connection.peer).then(
    (outcome) => {
      session.reportLogin({
        method: frame.token !== "" ? "token" : "password",
        user: outcome.ok ? outcome.user : frame.token !== "" ? undefined : frame.user,
        ok: outcome.ok,
        ...(outcome.ok ? {} : { code: outcome.code }),
      });
      if (!session.isOpen) return;
      if (!outcome.ok) {
        const [code, message] = LOGIN_FAILURES[outcome.code];
        session.fail(code, CloseReason.AUTH_FAILED, message);
        return;
      }
      session.user = outcome.user;
      session.permissions = outcome.permissions;
      welcome(session);
    },
    (error: unknown) => session.failed(error),
  );
}

/**
 * Claims the nickname, then WELCOME: a logged-in user's name, else the client name when it is a valid
 * nickname that is not a registered user's (those are reserved), else a guest nickname.
 */
function welcome(session: FramedSession): void {
  session.state = "AUTHENTICATING";
  const name = session.clientName;
  const wanted =
    session.user ??
    (nickProblem(name) === undefined && session.options.security.mayUseNick(name, undefined)
      ? name
      : undefined);
  session
    .routerOf()
    .register(session, wanted)
    .then(
      () => {
        if (!session.isOpen) return;
        const options = session.options;
        session.write(
          encodeFrame({
            type: "WELCOME",
            version: session.version,
            clientId: session.id,
            nick: session.nick,
            serverName: options.serverName,
            maxPayload: options.maxPayloadBytes,
            maxPending: options.maxPendingBytes,
            pingIntervalMs: pingIntervalMs(options),
            idleTimeoutMs: options.idleTimeoutMs,
          }),
        );
        session.ready();
      },
      (error: unknown) => session.failed(error),
    );
}
