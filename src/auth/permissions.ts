/** Per-user permissions: topic patterns (same wildcards as subscriptions) for publish and subscribe. */
import { matchTopic } from "../protocol/topics.js";

export interface Permissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

/** Everything allowed: the default for guests when no users file says otherwise. */
export const ALLOW_ALL: Permissions = Object.freeze({ publish: [">"], subscribe: [">"] });

/** True when the concrete `topic` matches one of the allowed publish patterns. */
export function canPublish(permissions: Permissions, topic: string): boolean {
  return permissions.publish.some((allowed) => matchTopic(allowed, topic));
}

/** True when every topic `requested` can match is matched by the allowed pattern `allowed`. */
export function patternCovers(allowed: string, requested: string): boolean {
  const a = allowed.split(".");
  const r = requested.split(".");
  for (let i = 0; i < a.length; i++) {
    const token = a[i]!;
    if (token === ">") return i < r.length;
    if (i >= r.length) return false;
    const wanted = r[i]!;
    if (wanted === ">") return false;
    if (token === "*") continue;
    if (wanted === "*" || wanted !== token) return false;
  }
  return a.length === r.length;
}

/** True when subscribing to `pattern` stays within the allowed subscribe patterns. */
export function canSubscribe(permissions: Permissions, pattern: string): boolean {
  return permissions.subscribe.some((allowed) => patternCovers(allowed, pattern));
}
