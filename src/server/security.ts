/**
 * What the server checks before it trusts a client: per-address connection limits, credentials
 * (users file, tokens, client certificates), the plaintext-credentials rule, login throttling and
 * per-user permissions. One object, shared by every session (docs/SECURITY.md).
 */
import type { Authenticator } from "../auth/authenticator.js";
import { ALLOW_ALL, type Permissions } from "../auth/permissions.js";
import { type Clock, LoginThrottle, RateLimiter, TokenBucket } from "../auth/throttle.js";
import { nickKey } from "../protocol/names.js";
import { isLoopback } from "../transport/address.js";
import type { Peer } from "../transport/connection.js";

export interface SecurityOptions {
  /** Checks credentials; without one, nobody can log in and everyone has guest rights (everything). */
  readonly authenticator?: Authenticator | undefined;
  /** Refuse anonymous clients (text users must /login before anything else). */
  readonly requireAuth: boolean;
  /** Accept credentials over unencrypted connections from other machines (off: only TLS or loopback). */
  readonly allowPlaintextAuth: boolean;
  /** Simultaneous connections from one address (0 = no limit). */
  readonly maxConnectionsPerAddress: number;
  /** New connections per second from one address, and the burst allowed (0 = no limit). */
  readonly connectionsPerSecond: number;
  readonly connectionBurst: number;
  /** Frames or lines per second one connection may send, and the burst (0 = no limit). */
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  readonly now?: Clock | undefined;
}

/** Library defaults: no per-address or per-connection rate limits (the CLI turns on CLI_SECURITY_LIMITS). */
export const DEFAULT_SECURITY_OPTIONS: SecurityOptions = Object.freeze({
  requireAuth: false,
  allowPlaintextAuth: false,
  maxConnectionsPerAddress: 0,
  connectionsPerSecond: 0,
  connectionBurst: 0,
  messagesPerSecond: 0,
  messageBurst: 0,
});

/** The limits `enchufe server` applies unless told otherwise (docs/SECURITY.md). */
export const CLI_SECURITY_LIMITS = Object.freeze({
  maxConnectionsPerAddress: 1000,
  connectionsPerSecond: 200,
  connectionBurst: 1000,
  messagesPerSecond: 50_000,
  messageBurst: 100_000,
});

export type LoginOutcome =
  | { readonly ok: true; readonly user: string; readonly permissions: Permissions }
  | { readonly ok: false; readonly code: "EAUTH" | "ERATELIMIT" | "EPLAINTEXTAUTH" };

export class SecurityPolicy {
  readonly options: SecurityOptions;
  readonly #perAddress = new Map<string, number>();
  readonly #connectionRate: RateLimiter | undefined;
  readonly #throttle: LoginThrottle;

  constructor(options: Partial<SecurityOptions> = {}) {
    const merged = { ...DEFAULT_SECURITY_OPTIONS, ...options };
    // A burst of 0 means "twice the rate": room for reconnect storms and bursts of typing.
    this.options = Object.freeze({
      ...merged,
      connectionBurst:
        merged.connectionBurst > 0 ? merged.connectionBurst : Math.max(1, merged.connectionsPerSecond * 2),
      messageBurst: merged.messageBurst > 0 ? merged.messageBurst : Math.max(1, merged.messagesPerSecond * 2),
    });
    const { connectionsPerSecond, connectionBurst, now } = this.options;
    this.#connectionRate =
      connectionsPerSecond > 0
        ? new RateLimiter({
            perSecond: connectionsPerSecond,
            burst: connectionBurst,
            ...(now ? { now } : {}),
          })
        : undefined;
    this.#throttle = new LoginThrottle(now ? { now } : {});
  }

  /** Whether a new connection from `address` is admitted; counts it when it is. */
  admit(address: string): "ok" | "too-many" | "too-fast" {
    const open = this.#perAddress.get(address) ?? 0;
    const max = this.options.maxConnectionsPerAddress;
    if (max > 0 && open >= max) return "too-many";
    if (this.#connectionRate !== undefined && !this.#connectionRate.take(address)) return "too-fast";
    this.#perAddress.set(address, open + 1);
    return "ok";
  }

  /** Forgets a connection admitted earlier. */
  release(address: string): void {
    const open = (this.#perAddress.get(address) ?? 1) - 1;
    if (open <= 0) this.#perAddress.delete(address);
    else this.#perAddress.set(address, open);
  }

  /** A message-rate limiter for one connection, or undefined when unlimited. */
  messageLimiter(): TokenBucket | undefined {
    const { messagesPerSecond, messageBurst, now } = this.options;
    return messagesPerSecond > 0
      ? new TokenBucket({ perSecond: messagesPerSecond, burst: messageBurst, ...(now ? { now } : {}) })
      : undefined;
  }

  /** Rights of an anonymous client. */
  get guest(): Permissions {
    return this.options.authenticator?.guest ?? ALLOW_ALL;
  }

  /**
   * Who a new connection is before it says anything: the user of a verified client certificate
   * (mutual TLS) with that user's rights, or a guest with guest rights. The one place certificate
   * identity is decided.
   */
  identify(peer: Peer): { user: string | undefined; permissions: Permissions } {
    const user = peer.certificateUser;
    if (user === undefined) return { user: undefined, permissions: this.guest };
    return { user, permissions: this.options.authenticator?.permissionsOf(user) ?? ALLOW_ALL };
  }

  /**
   * Whether `session` (the authenticated `user`, undefined for a guest) may use `nick`: a registered
   * user's name is reserved for that user.
   */
  mayUseNick(nick: string, user: string | undefined): boolean {
    const authenticator = this.options.authenticator;
    if (authenticator === undefined || !authenticator.isUser(nick)) return true;
    return user !== undefined && nickKey(user) === nickKey(nick);
  }

  /** True when a connection from `peer` must log in before anything else. */
  needsLogin(peer: Peer): boolean {
    return peer.certificateUser === undefined && this.options.requireAuth;
  }

  /** True when credentials may travel over this connection: TLS, loopback, or explicitly allowed. */
  credentialsAllowed(peer: Peer): boolean {
    return peer.encrypted || isLoopback(peer.address) || this.options.allowPlaintextAuth;
  }

  /** Checks a password or a token. Failures are uniform (EAUTH) and throttled per address. */
  async login(
    credentials: { user?: string; password?: string; token?: string },
    peer: Peer,
  ): Promise<LoginOutcome> {
    if (!this.credentialsAllowed(peer)) return { ok: false, code: "EPLAINTEXTAUTH" };
    const address = peer.address ?? "?";
    if (this.#throttle.waitFor(address) > 0) return { ok: false, code: "ERATELIMIT" };
    const authenticator = this.options.authenticator;
    const result =
      authenticator === undefined
        ? { ok: false as const }
        : credentials.token !== undefined && credentials.token !== ""
          ? await authenticator.verifyToken(credentials.token)
          : await authenticator.verifyPassword(credentials.user ?? "", credentials.password ?? "");
    if (!result.ok) {
      this.#throttle.failed(address);
      return { ok: false, code: "EAUTH" };
    }
    this.#throttle.succeeded(address);
    return result;
  }
}
