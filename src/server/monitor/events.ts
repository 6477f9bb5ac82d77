/**
 * The latest connection events (connect, nick, join, leave, login, disconnect and why) for the
 * dashboard and /events: a fixed-size ring, fed by the handler's events, oldest dropped first.
 */
import type { EventEmitter } from "node:events";
import { formatAddress } from "../../transport/address.js";
import type { RoomEvent } from "../routing/interfaces.js";
import type { ClientInfo, DisconnectReason } from "../session.js";

/** One event as /events shows it. */
export interface MonitorEvent {
  /** Grows by one per event: a poller asks for `?after=` the last one it saw. */
  readonly seq: number;
  /** ISO time. */
  readonly time: string;
  readonly kind: "connect" | "disconnect" | "join" | "leave" | "nick" | "login";
  readonly id?: string;
  readonly nick?: string;
  readonly oldNick?: string;
  readonly room?: string;
  readonly address?: string;
  readonly reason?: string;
  readonly user?: string;
  readonly ok?: boolean;
  /** The worker it happened on, under --workers. */
  readonly worker?: string;
}

/** How many events the ring keeps unless told otherwise. */
export const DEFAULT_EVENT_CAPACITY = 100;

export class EventRing {
  readonly #capacity: number;
  readonly #events: MonitorEvent[] = [];
  #seq = 0;

  constructor(capacity = DEFAULT_EVENT_CAPACITY) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Adds an event (its seq and time are set here). */
  push(event: NewMonitorEvent): void {
    this.#events.push(Object.freeze({ seq: ++this.#seq, time: new Date().toISOString(), ...event }));
    if (this.#events.length > this.#capacity) this.#events.shift();
  }

  /** The events kept, oldest first; only those after `seq` when given. */
  list(after = 0): MonitorEvent[] {
    return this.#events.filter((event) => event.seq > after);
  }

  /** Feeds the ring from a MessagingHandler's events; returns the function that stops it. */
  follow(handler: EventEmitter): () => void {
    return followHandler(handler, (event) => this.push(event));
  }

  /** Adds an event recorded elsewhere (a worker's), keeping its time; the seq is this ring's. */
  pushRecorded(event: MonitorEvent): void {
    this.#events.push(Object.freeze({ ...event, seq: ++this.#seq }));
    if (this.#events.length > this.#capacity) this.#events.shift();
  }
}

/** An event as recorded, before the ring numbers it. */
export type NewMonitorEvent = Omit<MonitorEvent, "seq" | "time">;

/**
 * Calls `sink` for each connection event of a MessagingHandler (connect, disconnect, presence,
 * login); returns the function that stops it. The handler emits `presence` only while someone
 * listens, so this costs nothing without a monitor.
 */
export function followHandler(handler: EventEmitter, sink: (event: NewMonitorEvent) => void): () => void {
  const onConnect = (info: ClientInfo) =>
    sink({ kind: "connect", id: info.id, nick: info.nick, address: addressOf(info) });
  const onDisconnect = (info: ClientInfo, reason: DisconnectReason) =>
    sink({ kind: "disconnect", id: info.id, nick: info.nick, address: addressOf(info), reason });
  const onPresence = (event: RoomEvent) =>
    sink(
      event.kind === "nick"
        ? { kind: "nick", nick: event.nick, oldNick: event.oldNick, room: event.room }
        : { kind: event.kind, nick: event.nick, room: event.room },
    );
  const onLogin = (event: { id: string; user: string | undefined; ok: boolean }) =>
    sink({
      kind: "login",
      id: event.id,
      ok: event.ok,
      ...(event.user === undefined ? {} : { user: event.user }),
    });
  handler.on("connect", onConnect);
  handler.on("disconnect", onDisconnect);
  handler.on("presence", onPresence);
  handler.on("login", onLogin);
  return () => {
    handler.off("connect", onConnect);
    handler.off("disconnect", onDisconnect);
    handler.off("presence", onPresence);
    handler.off("login", onLogin);
  };
}

function addressOf(info: ClientInfo): string {
  return formatAddress(info.remoteAddress ?? "?", info.remotePort ?? 0);
}
