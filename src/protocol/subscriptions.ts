/**
 * A subscription index (pure): patterns with `*` / `>` wildcards to values, matched against concrete
 * topics. Exact patterns live in a Map (one lookup); wildcard patterns in a token trie.
 * Values are reference-counted per pattern, so the same value may subscribe twice to one pattern.
 */

class TrieNode<V> {
  readonly children = new Map<string, TrieNode<V>>();
  star: TrieNode<V> | undefined;
  /** Values whose pattern ends at this node. */
  readonly here = new Map<V, number>();
  /** Values whose pattern ends with `>` after this node. */
  readonly rest = new Map<V, number>();

  isEmpty(): boolean {
    return (
      this.children.size === 0 && this.star === undefined && this.here.size === 0 && this.rest.size === 0
    );
  }
}

function increment<V>(map: Map<V, number>, value: V): void {
  map.set(value, (map.get(value) ?? 0) + 1);
}

function decrement<V>(map: Map<V, number>, value: V): boolean {
  const count = map.get(value);
  if (count === undefined) return false;
  if (count <= 1) map.delete(value);
  else map.set(value, count - 1);
  return true;
}

function isWildcardPattern(pattern: string): boolean {
  return pattern === "*" || pattern === ">" || pattern.includes("*") || pattern.endsWith(".>");
}

/**
 * Patterns to values. `match(topic)` returns a ReadonlySet holding every value with at least one matching
 * pattern, each once (dedupe). The set may be internal: read it at once, never keep or mutate it.
 * Patterns are assumed valid (check them with isValidPattern first).
 */
export class SubscriptionIndex<V> {
  readonly #exact = new Map<string, Map<V, number>>();
  readonly #root = new TrieNode<V>();
  #wildcards = 0;
  #size = 0;

  /** How many (pattern, value) subscriptions are held. */
  get size(): number {
    return this.#size;
  }

  add(pattern: string, value: V): void {
    this.#size++;
    if (!isWildcardPattern(pattern)) {
      let values = this.#exact.get(pattern);
      if (values === undefined) {
        values = new Map();
        this.#exact.set(pattern, values);
      }
      increment(values, value);
      return;
    }
    this.#wildcards++;
    let node = this.#root;
    const tokens = pattern.split(".");
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token === ">") {
        increment(node.rest, value);
        return;
      }
      let next = token === "*" ? node.star : node.children.get(token);
      if (next === undefined) {
        next = new TrieNode<V>();
        if (token === "*") node.star = next;
        else node.children.set(token, next);
      }
      node = next;
    }
    increment(node.here, value);
  }

  /** Removes one subscription of `value` to `pattern`; false when there was none. */
  remove(pattern: string, value: V): boolean {
    if (!isWildcardPattern(pattern)) {
      const values = this.#exact.get(pattern);
      if (values === undefined || !decrement(values, value)) return false;
      if (values.size === 0) this.#exact.delete(pattern);
      this.#size--;
      return true;
    }
    const removed = this.#removeFrom(this.#root, pattern.split("."), 0, value);
    if (removed) {
      this.#size--;
      this.#wildcards--;
    }
    return removed;
  }

  #removeFrom(node: TrieNode<V>, tokens: string[], index: number, value: V): boolean {
    if (index === tokens.length) return decrement(node.here, value);
    const token = tokens[index]!;
    if (token === ">") return decrement(node.rest, value);
    const next = token === "*" ? node.star : node.children.get(token);
    if (next === undefined || !this.#removeFrom(next, tokens, index + 1, value)) return false;
    if (next.isEmpty()) {
      if (token === "*") node.star = undefined;
      else node.children.delete(token);
    }
    return true;
  }

  /** Every value with a pattern matching the concrete `topic`, each once. */
  match(topic: string): ReadonlySet<V> {
    const exact = this.#exact.get(topic);
    if (this.#wildcards === 0) return exact === undefined ? EMPTY : new KeySet(exact);
    const found = new Set<V>();
    if (exact !== undefined) for (const value of exact.keys()) found.add(value);
    this.#collect(this.#root, topic.split("."), 0, found);
    return found;
  }

  #collect(node: TrieNode<V>, tokens: string[], index: number, found: Set<V>): void {
    if (index < tokens.length) for (const value of node.rest.keys()) found.add(value);
    if (index === tokens.length) {
      for (const value of node.here.keys()) found.add(value);
      return;
    }
    const child = node.children.get(tokens[index]!);
    if (child !== undefined) this.#collect(child, tokens, index + 1, found);
    if (node.star !== undefined) this.#collect(node.star, tokens, index + 1, found);
  }
}

/** A read-only Set view over a Map's keys (no copy on the exact-topic fast path). */
class KeySet<V> implements ReadonlySet<V> {
  readonly #map: ReadonlyMap<V, number>;
  constructor(map: ReadonlyMap<V, number>) {
    this.#map = map;
  }
  get size(): number {
    return this.#map.size;
  }
  has(value: V): boolean {
    return this.#map.has(value);
  }
  forEach(callback: (value: V, key: V, set: ReadonlySet<V>) => void, thisArg?: unknown): void {
    for (const value of this.#map.keys()) callback.call(thisArg, value, value, this);
  }
  keys(): SetIterator<V> {
    return this.#map.keys();
  }
  values(): SetIterator<V> {
    return this.#map.keys();
  }
  *entries(): SetIterator<[V, V]> {
    for (const value of this.#map.keys()) yield [value, value];
  }
  [Symbol.iterator](): SetIterator<V> {
    return this.#map.keys();
  }
}

const EMPTY: ReadonlySet<never> = new Set<never>();
