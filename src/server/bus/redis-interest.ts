/**
 * The Redis bus's wildcard topic interest (pure, no I/O). Exact interest is a SUBSCRIBE to
 * `P:t:<topic>`; a wildcard pattern is a PSUBSCRIBE to a superset glob, and what the glob lets through
 * is filtered here with the one topic matcher, SubscriptionIndex.
 */
import { SubscriptionIndex } from "../../protocol/subscriptions.js";
import type { RedisNames } from "./redis-link.js";

/** A Redis glob that matches every channel whose topic matches `pattern` (and maybe more). */
function patternGlob(pattern: string): string {
  return pattern
    .split(".")
    .map((token) => (token === "*" || token === ">" ? "*" : token))
    .join(".");
}

function globRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}

/**
 * This node's wildcard interest: the globs it is PSUBSCRIBEd to (shared by the patterns that map to
 * them) and the patterns themselves in a SubscriptionIndex. Exact interest is LocalState.interest.
 */
export class WildcardInterest {
  readonly #names: RedisNames;
  /** Redis glob -> number of local wildcard patterns using it, and its channel as a RegExp. */
  readonly #globs = new Map<string, { count: number; regexp: RegExp }>();
  readonly #patterns = new SubscriptionIndex<string>();

  constructor(names: RedisNames) {
    this.#names = names;
  }

  /** The glob channels to PSUBSCRIBE (after a (re)connect). */
  globChannels(): string[] {
    return [...this.#globs.keys()].map((glob) => this.#names.topicChannel(glob));
  }

  /** Adds a new wildcard pattern; returns the glob channel to PSUBSCRIBE when it is the glob's first. */
  add(pattern: string): string | undefined {
    this.#patterns.add(pattern, pattern);
    const glob = patternGlob(pattern);
    const entry = this.#globs.get(glob);
    if (entry !== undefined) {
      entry.count++;
      return undefined;
    }
    const channel = this.#names.topicChannel(glob);
    this.#globs.set(glob, { count: 1, regexp: globRegExp(channel) });
    return channel;
  }

  /** Removes a held wildcard pattern; returns the glob channel to PUNSUBSCRIBE when it was the last. */
  remove(pattern: string): string | undefined {
    this.#patterns.remove(pattern, pattern);
    const glob = patternGlob(pattern);
    const entry = this.#globs.get(glob);
    if (entry === undefined || --entry.count > 0) return undefined;
    this.#globs.delete(glob);
    return this.#names.topicChannel(glob);
  }

  /**
   * Whether a message that came through `globChannel` on `channel` is to be delivered. Redis sends one
   * copy per matching glob, so only the first matching glob delivers, and only when a pattern matches.
   */
  delivers(globChannel: string, channel: string, topic: string): boolean {
    for (const [glob, entry] of this.#globs) {
      if (!entry.regexp.test(channel)) continue;
      if (this.#names.topicChannel(glob) !== globChannel) return false;
      break;
    }
    return this.#patterns.match(topic).size > 0;
  }
}
