/**
 * An array used as a double-ended queue: push and pop at the tail, shift at the head in O(1) amortized
 * (the head moves; the array is compacted once the unused front is larger than the rest).
 */
export class Deque<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The item at `index` from the head (0 is the oldest). */
  at(index: number): T | undefined {
    return this.#items[this.#head + index];
  }

  push(item: T): void {
    this.#items.push(item);
  }

  pop(): T | undefined {
    return this.length === 0 ? undefined : this.#items.pop();
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined as T;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Keeps only the items for which `keep` is true, in order. */
  filter(keep: (item: T) => boolean): void {
    this.#items = this.#items.slice(this.#head).filter(keep);
    this.#head = 0;
  }

  /** The index of the first item whose `key` is >= `value` (items sorted by key), or `length`. */
  lowerBound(value: number, key: (item: T) => number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (key(this.#items[this.#head + middle]!) < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
