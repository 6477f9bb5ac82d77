import { randomUUID } from "node:crypto";
import type { BusEvents, BusRequest, Headers, MessageBus, QueueGroupName } from "./bus.js";
import { LocalState } from "./local-state.js";

const NO_GROUPS: ReadonlySet<QueueGroupName> = new Set();

/**
 * The default bus: one process, nothing to set up. There are no other nodes, so publishes,
 * directs and requests have nowhere to go (the broker delivers locally itself), and the
 * cluster-wide views are this node's own.
 */
export class MemoryBus implements MessageBus {
  readonly nodeId: string;
  readonly #local = new LocalState();

  constructor(options: { nodeId?: string } = {}) {
    this.nodeId = options.nodeId ?? `memory-${randomUUID()}`;
  }

  async start(events: BusEvents): Promise<void> {
    events.onState?.("up");
  }

  async close(): Promise<void> {}

  interest(pattern: string, on: boolean): void {
    if (on) this.#local.interest.add(pattern);
    else this.#local.interest.delete(pattern);
  }

  async sync(): Promise<void> {}

  publish(_topic: string, _frame: Buffer): void {}

  async claimNick(nick: string): Promise<boolean> {
    if (this.#local.hasNick(nick)) return false;
    this.#local.addNick(nick);
    return true;
  }

  releaseNick(nick: string): void {
    this.#local.removeNick(nick);
  }

  async changeNick(oldNick: string, newNick: string): Promise<boolean> {
    const sameUser = oldNick.toLowerCase() === newNick.toLowerCase();
    if (!sameUser && this.#local.hasNick(newNick)) return false;
    for (const room of this.#local.roomsOf(oldNick)) {
      this.#local.setPresence(room, oldNick, false);
      this.#local.setPresence(room, newNick, true);
    }
    this.#local.removeNick(oldNick);
    this.#local.addNick(newNick);
    return true;
  }

  async direct(_nick: string, _frame: Buffer): Promise<boolean> {
    return false;
  }

  setPresence(room: string, nick: string, present: boolean): void {
    this.#local.setPresence(room, nick, present);
  }

  async who(room: string): Promise<string[]> {
    return this.#local.who(room);
  }

  async rooms(): Promise<Array<{ room: string; members: number }>> {
    return this.#local.roomList();
  }

  responder(pattern: string, on: boolean): void {
    if (on) this.#local.responders.add(pattern);
    else this.#local.responders.delete(pattern);
  }

  async routeRequest(_req: BusRequest): Promise<boolean> {
    return false;
  }

  reply(_replyNode: string, _token: string, _status: number, _headers: Headers, _payload: Buffer): void {}

  group(): void {}

  remoteGroups(): ReadonlySet<QueueGroupName> {
    return NO_GROUPS;
  }

  sendToGroup(): boolean {
    return false;
  }
}
