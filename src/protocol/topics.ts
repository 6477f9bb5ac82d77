/**
 * Topic names and subscription patterns (pure, no I/O).
 * A topic is dot-separated tokens of [A-Za-z0-9_-], 1-64 bytes each, 255 bytes in all.
 * A pattern may use `*` for exactly one token and `>` as its last token for one or more tokens.
 */

export const MAX_TOPIC_BYTES = 255;
export const MAX_TOKEN_BYTES = 64;
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** Why a topic or pattern is not valid, or undefined when it is. */
export function topicProblem(topic: string, allowWildcards: boolean): string | undefined {
  if (topic.length === 0) return "is empty";
  if (topic.length > MAX_TOPIC_BYTES) return `is longer than ${MAX_TOPIC_BYTES} characters`;
  const tokens = topic.split(".");
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (allowWildcards && token === "*") continue;
    if (allowWildcards && token === ">") {
      if (i !== tokens.length - 1) return "uses '>' before the last token";
      continue;
    }
    if (!TOKEN.test(token)) {
      return token.length === 0
        ? "has an empty token (two dots, or a dot at either end)"
        : `has an invalid token '${token}' (letters, digits, '_' and '-' only${allowWildcards ? ", or '*' / '>'" : ""})`;
    }
  }
  return undefined;
}

/** True when `topic` is a valid concrete topic (no wildcards). */
export function isValidTopic(topic: string): boolean {
  return topicProblem(topic, false) === undefined;
}

/** True when `pattern` is a valid subscription pattern (wildcards allowed). */
export function isValidPattern(pattern: string): boolean {
  return topicProblem(pattern, true) === undefined;
}

/** True when `pattern` contains a wildcard token. */
export function hasWildcard(pattern: string): boolean {
  return pattern === "*" || pattern === ">" || /(^|\.)(\*|>)(\.|$)/.test(pattern);
}

/** True when the concrete `topic` matches the subscription `pattern`. Both are assumed valid. */
export function matchTopic(pattern: string, topic: string): boolean {
  if (pattern === topic) return true;
  const p = pattern.split(".");
  const t = topic.split(".");
  for (let i = 0; i < p.length; i++) {
    const token = p[i]!;
    if (token === ">") return t.length > i;
    if (i >= t.length) return false;
    if (token !== "*" && token !== t[i]) return false;
  }
  return p.length === t.length;
}
