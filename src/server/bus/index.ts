/** The message-bus seam (see bus.ts for the contract) and a factory for the server's `--cluster` option. */
export type {
  BusEvents,
  BusLog,
  BusRequest,
  BusState,
  GroupShare,
  Header,
  Headers,
  IncomingRequest,
  LogBatch,
  LogEntry,
  LogKey,
  LogShare,
  MessageBus,
  PresenceChange,
} from "./bus.js";
export { MemoryBus } from "./memory.js";
export { DEFAULT_REDIS_BUS_OPTIONS, RedisBus, type RedisBusOptions, redactUrl } from "./redis.js";

import type { MessageBus } from "./bus.js";
import { MemoryBus } from "./memory.js";
import { RedisBus, type RedisBusOptions } from "./redis.js";

/** The bus for a server: Redis when `cluster` options are given, else the in-memory bus. */
export function createBus(cluster?: RedisBusOptions): MessageBus {
  return cluster === undefined ? new MemoryBus() : new RedisBus(cluster);
}
