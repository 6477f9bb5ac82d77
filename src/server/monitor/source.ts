/**
 * What the live view reads: one view per serving process. A single server is one view without a
 * worker label (`handlerSource`); under `--workers` the primary collects one view per worker over IPC
 * (src/cli/monitor-workers.ts) and the monitor labels each with its worker.
 */
import type { MessagingHandler } from "../messaging.js";
import type { RoomInfo } from "../routing/interfaces.js";
import type { ConnectionStats, StatsSnapshot } from "../stats.js";
import { EventRing, type MonitorEvent } from "./events.js";

/** One serving process's counters, connections and rooms. */
export interface NodeView {
  /** The worker's number under --workers; undefined for a single process. */
  readonly worker: string | undefined;
  readonly stats: StatsSnapshot;
  readonly connections: readonly ConnectionStats[];
  readonly rooms: readonly RoomInfo[];
}

export interface MonitorSource {
  /** True while the server shuts down (/healthz answers 503). */
  readonly draining: boolean;
  /** Every process's view now (those that answered in time). */
  views(): Promise<readonly NodeView[]>;
  /** The recent events after `seq`, oldest first. */
  events(after: number): MonitorEvent[];
  /** Stops recording events. */
  close(): void;
}

/** The one process's MessagingHandler as a source; its events recorded from now on. */
export function handlerSource(handler: MessagingHandler, eventCapacity?: number): MonitorSource {
  const ring = new EventRing(eventCapacity);
  const unfollow = ring.follow(handler);
  return {
    get draining() {
      return handler.draining;
    },
    views: () => Promise.resolve([nodeView(handler, undefined)]),
    events: (after) => ring.list(after),
    close: unfollow,
  };
}

/** `handler`'s view now, labelled `worker`. */
export function nodeView(handler: MessagingHandler, worker: string | undefined): NodeView {
  return {
    worker,
    stats: handler.stats(),
    connections: handler.connections(),
    rooms: handler.listRooms(),
  };
}
