/**
 * The messaging server's limits and settings: one typed options interface, one DEFAULT set,
 * validated at the boundary (EOPTION) and frozen. Framed clients learn the limits in WELCOME.
 */
import { optionError } from "../errors.js";
import type { Lang } from "../i18n/lang.js";
import { FRAME_OVERHEAD_BYTES } from "../protocol/frame-limits.js";
import type { HistoryStore } from "../store/index.js";
import { MemoryHistoryStore } from "../store/index.js";
import type { MessageBus } from "./bus/index.js";
import { SecurityPolicy } from "./security.js";

export interface MessagingOptions {
  /** Language of text-mode notices and errors. */
  readonly lang: Lang;
  /** Server name announced in WELCOME. */
  readonly serverName: string;
  /** Longest text line, in bytes, before "! line too long" and close. */
  readonly maxLineBytes: number;
  /** A text line must be completed within this many ms of its first byte, else a notice and a close (0 = off). */
  readonly lineTimeoutMs: number;
  /** Largest payload of a framed message; larger frames get ERR TOO_LARGE and CLOSE TOO_LARGE. */
  readonly maxPayloadBytes: number;
  /** Output buffered for one client before it is cut off as a slow consumer. */
  readonly maxPendingBytes: number;
  /**
   * A queue-group member or a responder with this much output pending gets no more work until it
   * drains (it is skipped, not cut off). Below maxPendingBytes; default half of it.
   */
  readonly skipSlowBytes?: number | undefined;
  /** Time for a framed client to send HELLO after the preface (0 = no limit). */
  readonly handshakeTimeoutMs: number;
  /** Silence from a client after which it is closed (0 = off). Framed clients are pinged at half of it. */
  readonly idleTimeoutMs: number;
  /** Most simultaneous connections (0 = no limit); extra ones are told and closed. */
  readonly maxConnections: number;
  /** Flood guard for text users: lines allowed at once (token bucket size; 0 = guard off). */
  readonly floodBurstLines: number;
  /** Flood guard: lines per second refilled into the bucket. */
  readonly floodLinesPerSecond: number;
  /** Request timeout used when a REQ says 0, and the most a REQ may ask for. */
  readonly defaultRequestTimeoutMs: number;
  readonly maxRequestTimeoutMs: number;
  /** Authentication, permissions and per-address limits (docs/SECURITY.md); a permissive default when undefined. */
  readonly security?: SecurityPolicy | undefined;
  /**
   * The cluster bus (a RedisBus from `createBus({ url })`) shared with the other nodes; call
   * `handler.start()` before listening. Undefined: one process, every room in memory.
   */
  readonly bus?: MessageBus | undefined;
  /**
   * The history (docs/HISTORY.md): a store from `new MemoryHistoryStore(limits)` or
   * `openFileHistoryStore()` (its owner closes it after the server), or false for none. Default: a memory
   * store with the default limits (1000 messages per topic, 64 MiB), closed by the handler.
   */
  readonly history?: HistoryStore | false | undefined;
  /** Lines of a room's history a text user sees on /join before the live ones (0 = none). */
  readonly joinReplay: number;
  /** APUB ids are remembered this long, per user, to drop a second publish of the same id. */
  readonly dedupeWindowMs: number;
  /** At most this many ids are remembered (the oldest are forgotten first). */
  readonly dedupeMaxIds: number;
}

/** The options once resolved: every value set, the security policy included. */
export interface ResolvedMessagingOptions extends Omit<MessagingOptions, "history"> {
  readonly security: SecurityPolicy;
  readonly skipSlowBytes: number;
  /** The store, or undefined for none. */
  readonly history: HistoryStore | undefined;
  /** True when the handler made the store (and so closes it). */
  readonly ownsHistory: boolean;
}

export const DEFAULT_MESSAGING_OPTIONS: MessagingOptions = Object.freeze({
  lang: "es",
  serverName: "enchufe",
  maxLineBytes: 64 * 1024,
  lineTimeoutMs: 30_000,
  maxPayloadBytes: 1024 * 1024,
  maxPendingBytes: 8 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 0,
  maxConnections: 10_000,
  floodBurstLines: 2000,
  floodLinesPerSecond: 500,
  defaultRequestTimeoutMs: 5000,
  maxRequestTimeoutMs: 60_000,
  joinReplay: 10,
  dedupeWindowMs: 120_000,
  dedupeMaxIds: 100_000,
});

/** Room every text user starts in. */
export const DEFAULT_ROOM = "general";
/** Bytes a frame may carry beyond its payload; defined beside the codec, since clients need it too. */
export { FRAME_OVERHEAD_BYTES };

const NUMERIC_KEYS = [
  "maxLineBytes",
  "lineTimeoutMs",
  "maxPayloadBytes",
  "maxPendingBytes",
  "handshakeTimeoutMs",
  "idleTimeoutMs",
  "maxConnections",
  "floodBurstLines",
  "floodLinesPerSecond",
  "defaultRequestTimeoutMs",
  "maxRequestTimeoutMs",
  "joinReplay",
  "dedupeWindowMs",
  "dedupeMaxIds",
] as const;
const POSITIVE_KEYS = new Set(["maxLineBytes", "maxPayloadBytes", "maxPendingBytes", "maxRequestTimeoutMs"]);

/** Fills defaults, validates (throws EnchufeError EOPTION) and freezes. */
export function resolveMessagingOptions(options: Partial<MessagingOptions> = {}): ResolvedMessagingOptions {
  const given = withoutUndefined(options);
  // Options resolved already (a handler given resolved options) keep their history: none stays none.
  const resolvedBefore = "ownsHistory" in options ? (options as ResolvedMessagingOptions) : undefined;
  const resolved: ResolvedMessagingOptions = {
    ...DEFAULT_MESSAGING_OPTIONS,
    ...given,
    security: given.security ?? new SecurityPolicy(),
    history:
      resolvedBefore?.history ??
      (given.history === false || resolvedBefore !== undefined
        ? undefined
        : (given.history ?? new MemoryHistoryStore())),
    ownsHistory: resolvedBefore?.ownsHistory ?? given.history === undefined,
    skipSlowBytes:
      given.skipSlowBytes ??
      Math.max(1, Math.floor((given.maxPendingBytes ?? DEFAULT_MESSAGING_OPTIONS.maxPendingBytes) / 2)),
  };
  for (const key of NUMERIC_KEYS) {
    const value = resolved[key];
    const minimum = POSITIVE_KEYS.has(key) ? 1 : 0;
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw optionError(key, `should be an integer >= ${minimum}`, value);
    }
  }
  if (resolved.maxPayloadBytes > 0xffff_ffff - FRAME_OVERHEAD_BYTES) {
    throw optionError("maxPayloadBytes", "should be < 4 GiB", resolved.maxPayloadBytes);
  }
  const slow = resolved.skipSlowBytes;
  if (!Number.isSafeInteger(slow) || slow < 1 || slow >= resolved.maxPendingBytes) {
    throw optionError(
      "skipSlowBytes",
      `should be an integer >= 1 and < maxPendingBytes (${resolved.maxPendingBytes})`,
      slow,
    );
  }
  if (resolved.lang !== "es" && resolved.lang !== "en") {
    throw optionError("lang", 'should be "es" or "en"', resolved.lang);
  }
  return Object.freeze(resolved);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The ping interval announced to framed clients: half the idle timeout (0 when idle checks are off). */
export function pingIntervalMs(options: MessagingOptions): number {
  return options.idleTimeoutMs > 0 ? Math.max(1, Math.floor(options.idleTimeoutMs / 2)) : 0;
}
