/**
 * Writes a history log of a given size with the store API (no server, no sockets), as fast as the store
 * appends: 1000 records a commit, fsync never, limits that keep everything. bench/store.ts opens such a
 * log in-process; the restart workload starts `enchufe server --data DIR` on one.
 */
import { openFileHistoryStore } from "../src/store/index.js";

/** Topics the records go to, in turn. */
const TOPICS = Array.from({ length: 100 }, (_, i) => `bench.room.${i}`);

/** Appends records of `payloadBytes` to the log in `directory` until it holds `bytes` of records. */
export async function fillLog(directory: string, bytes: number, payloadBytes = 200): Promise<void> {
  const payload = Buffer.alloc(payloadBytes, 0x62);
  const { store } = await openFileHistoryStore({
    directory,
    fsync: "never",
    maxBytes: 2 ** 40,
    perTopic: 1e9,
  });
  try {
    let topic = 0;
    while (store.stats.bytes < bytes) {
      for (let i = 0; i < 1000; i++) {
        store.append(TOPICS[topic]!, payload, "bench");
        topic = (topic + 1) % TOPICS.length;
      }
      await store.committed();
    }
  } finally {
    await store.close();
  }
}
