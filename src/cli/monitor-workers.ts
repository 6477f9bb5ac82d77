/**
 * `--monitor` under `--workers`: the primary serves the live view and asks every worker for its
 * counters over IPC at each scrape; each worker answers with its own view and forwards its
 * connection events as they happen. /metrics labels every sample with `worker`, so each series is
 * one worker's own counter and its rate stays continuous whichever connection a scrape rides on
 * (prom-client's cluster aggregation, summing on the fly, is what breaks that).
 */
import type { Worker } from "node:cluster";
import type { MessagingHandler } from "../server/messaging.js";
import {
  EventRing,
  followHandler,
  type MonitorEvent,
  type MonitorSource,
  type NodeView,
  nodeView,
} from "../server/monitor/index.js";

/** How long the primary waits for the workers' answers before serving those that came. */
export const WORKER_ANSWER_MS = 1000;

interface StatsRequest {
  readonly type: "enchufe:stats?";
  readonly id: number;
}
interface StatsReply {
  readonly type: "enchufe:stats";
  readonly id: number;
  readonly view: NodeView;
}
interface EventMessage {
  readonly type: "enchufe:event";
  readonly event: MonitorEvent;
}

function isMessage<T extends { type: string }>(value: unknown, type: T["type"]): value is T {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === type;
}

/** In a worker: answers the primary's requests for counters and forwards events; returns the stop. */
export function answerPrimary(handler: MessagingHandler): () => void {
  const send = (message: StatsReply | EventMessage) => {
    if (process.connected) process.send?.(message);
  };
  const onMessage = (message: unknown) => {
    if (isMessage<StatsRequest>(message, "enchufe:stats?"))
      send({ type: "enchufe:stats", id: message.id, view: nodeView(handler, undefined) });
  };
  process.on("message", onMessage);
  const unfollow = followHandler(handler, (event) =>
    send({ type: "enchufe:event", event: { ...event, seq: 0, time: new Date().toISOString() } }),
  );
  return () => {
    process.off("message", onMessage);
    unfollow();
  };
}

/** In the primary: the workers as one MonitorSource. */
export class WorkersSource implements MonitorSource {
  readonly #workers = new Map<Worker, string>();
  readonly #ring = new EventRing();
  readonly #waiting = new Map<number, (reply: StatsReply & { worker: string }) => void>();
  #nextId = 0;
  draining = false;

  /** Listens to `worker`, known as `label` (its number). */
  add(worker: Worker, label: string): void {
    this.#workers.set(worker, label);
    worker.on("message", (message: unknown) => {
      if (isMessage<StatsReply>(message, "enchufe:stats")) {
        this.#waiting.get(message.id)?.({ ...message, worker: label });
      } else if (isMessage<EventMessage>(message, "enchufe:event")) {
        this.#ring.pushRecorded({ ...message.event, worker: label });
      }
    });
    worker.on("exit", () => this.#workers.delete(worker));
  }

  views(): Promise<readonly NodeView[]> {
    const id = ++this.#nextId;
    const asked = [...this.#workers].filter(([worker]) => worker.isConnected());
    return new Promise((resolve) => {
      const views: NodeView[] = [];
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        views.sort((a, b) => Number(a.worker) - Number(b.worker));
        resolve(views);
      };
      const timer = setTimeout(done, WORKER_ANSWER_MS);
      this.#waiting.set(id, (reply) => {
        views.push({ ...reply.view, worker: reply.worker });
        if (views.length === asked.length) done();
      });
      if (asked.length === 0) done();
      for (const [worker] of asked) worker.send({ type: "enchufe:stats?", id } satisfies StatsRequest);
    });
  }

  events(after: number): MonitorEvent[] {
    return this.#ring.list(after);
  }

  close(): void {
    this.#workers.clear();
  }
}
