/** Reading a client subscription in tests without ending it (breaking out of for-await unsubscribes). */

/** The next `count` items of `subscription`'s queue (fewer only if it ends first). */
export async function take<T>(
  subscription: { queue: { next(): Promise<IteratorResult<T>> } },
  count: number,
): Promise<T[]> {
  const out: T[] = [];
  while (out.length < count) {
    const result = await subscription.queue.next();
    if (result.done === true) break;
    out.push(result.value);
  }
  return out;
}
