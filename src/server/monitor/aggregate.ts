/**
 * Several processes' views as one (the primary under --workers): counters summed, connections and
 * rooms merged, each connection tagged with its worker. A single view passes through unchanged.
 */
import type { RoomInfo } from "../routing/interfaces.js";
import type { ConnectionStats, StatsSnapshot } from "../stats.js";
import type { NodeView } from "./source.js";

/** /varz: one snapshot, the sum of every view's; under --workers also `workers`, each one's own. */
export type VarzBody = StatsSnapshot & { readonly workers?: readonly (StatsSnapshot & { worker: string })[] };

export function mergedVarz(views: readonly NodeView[], draining: boolean): VarzBody {
  const [first] = views;
  if (first === undefined) throw new Error("no view to merge");
  if (views.length === 1 && first.worker === undefined) return first.stats;
  return {
    ...(sumNumbers(views.map((view) => view.stats)) as StatsSnapshot),
    version: first.stats.version,
    startedAt: views.map((view) => view.stats.startedAt).sort()[0] ?? first.stats.startedAt,
    uptimeSeconds: Math.max(...views.map((view) => view.stats.uptimeSeconds)),
    draining,
    cluster: first.stats.cluster,
    // Every worker keeps the same history (one log for the cluster): the first's, not a sum.
    history: first.stats.history,
    workers: views.map((view) => ({ ...view.stats, worker: view.worker ?? "" })),
  };
}

/** /connz entries of every view; under --workers each says its worker. */
export function mergedConnections(views: readonly NodeView[]): (ConnectionStats & { worker?: string })[] {
  return views.flatMap((view) =>
    view.worker === undefined
      ? [...view.connections]
      : view.connections.map((connection) => ({ ...connection, worker: view.worker as string })),
  );
}

/** /rooms: rooms by name, members of every process together. */
export function mergedRooms(views: readonly NodeView[]): RoomInfo[] {
  if (views.length === 1) return [...(views[0]?.rooms ?? [])];
  const members = new Map<string, string[]>();
  for (const view of views)
    for (const room of view.rooms)
      members.set(room.name, [...(members.get(room.name) ?? []), ...room.members]);
  return [...members].map(([name, list]) => ({ name, members: list }));
}

/** Adds every number found at the same place in `values` (objects recursively; the first's other values). */
function sumNumbers(values: readonly unknown[]): unknown {
  const [first] = values;
  if (typeof first === "number") return values.reduce<number>((sum, value) => sum + (value as number), 0);
  if (typeof first !== "object" || first === null) return first;
  const keys = new Set(values.flatMap((value) => Object.keys(value as object)));
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const inner = values.map((value) => (value as Record<string, unknown>)[key]);
    const sample = inner.find((value) => value !== undefined);
    out[key] =
      typeof sample === "number"
        ? inner.reduce<number>((sum, value) => sum + (typeof value === "number" ? value : 0), 0)
        : sumNumbers(inner.filter((value) => value !== undefined));
  }
  return out;
}
