/**
 * The Redis bus's nicknames and room presence: claims and releases through the registry scripts, direct
 * messages to the node that owns a nickname,
 * presence changes announced on `P:presence`, and who/rooms answered from Redis (falling back to this
 * node's LocalState while Redis is away).
 */
import type { ChainableCommander, Redis } from "ioredis";
import type { PresenceChange } from "./bus.js";
import { encodeDirect } from "./codec.js";
import { ignore, type RedisLink } from "./redis-link.js";
import { CLAIM_NICK, RELEASE_NICK, SET_PRESENCE } from "./redis-scripts.js";

function isPresenceChange(value: unknown): value is PresenceChange {
  if (typeof value !== "object" || value === null) return false;
  const change = value as Record<string, unknown>;
  return (
    (change.kind === "join" || change.kind === "leave" || change.kind === "nick") &&
    typeof change.room === "string" &&
    typeof change.nick === "string" &&
    typeof change.node === "string" &&
    (change.oldNick === undefined || typeof change.oldNick === "string") &&
    (change.silent === undefined || typeof change.silent === "boolean")
  );
}

/** Nicknames and presence over Redis, for one RedisBus. */
export class RedisPresence {
  readonly #link: RedisLink;

  constructor(link: RedisLink) {
    this.#link = link;
  }

  /** Queues this node's nicknames and presence on `pipeline` (a re-registration after an outage). */
  register(pipeline: ChainableCommander): void {
    const { local, names, nodeId } = this.#link;
    for (const lower of local.nicks.keys()) pipeline.eval(CLAIM_NICK, 0, names.prefix, nodeId, lower);
    for (const [room, members] of local.rooms) {
      for (const nick of members) pipeline.eval(SET_PRESENCE, 0, names.prefix, nodeId, room, nick, "1");
    }
  }

  /**
   * Tells the others what changed while we could not (after a Redis restart they knew nothing).
   * `before` is the flat node, room, nick list LEAVE removed.
   */
  announceRegistered(before: string[]): void {
    const { local, nodeId } = this.#link;
    const had = new Set<string>();
    for (let i = 0; i + 2 < before.length; i += 3) had.add(`${before[i + 1]}\n${before[i + 2]}`);
    for (const [room, members] of local.rooms) {
      for (const nick of members) {
        // Silent: a re-registration, not someone arriving (after a Redis restart it would be everyone).
        if (!had.delete(`${room}\n${nick}`))
          this.announce({ kind: "join", room, nick, node: nodeId, silent: true });
      }
    }
    for (const entry of had) {
      const cut = entry.indexOf("\n");
      this.announce({ kind: "leave", room: entry.slice(0, cut), nick: entry.slice(cut + 1), node: nodeId });
    }
  }

  async claimNick(nick: string): Promise<boolean> {
    const { local, names, nodeId } = this.#link;
    if (local.hasNick(nick)) return false;
    local.addNick(nick); // reserve before waiting, so two local claims cannot both win
    const cmd = this.#link.ready;
    if (cmd === undefined) return true; // Redis away: local uniqueness only, re-registered on resync
    try {
      const claimed = await cmd.eval(CLAIM_NICK, 0, names.prefix, nodeId, nick.toLowerCase());
      if (claimed === 1) return true;
    } catch {
      return true; // lost Redis during the claim: same as claiming while away
    }
    local.removeNick(nick);
    return false;
  }

  /** Sends a direct message to the node owning `nick`; false when no other live node owns it. */
  async direct(nick: string, frame: Buffer): Promise<boolean> {
    const cmd = this.#link.ready;
    if (cmd === undefined) return false;
    try {
      const owner = await cmd.hget(this.#link.names.key("nicks"), nick.toLowerCase());
      if (owner === null || owner === this.#link.nodeId) return false;
      // PUBLISH counts receivers: 0 means the owner is gone (not yet reaped).
      return (await cmd.publish(this.#link.names.nodeChannel(owner), encodeDirect(nick, frame))) > 0;
    } catch {
      return false;
    }
  }

  releaseNick(nick: string): void {
    this.#link.local.removeNick(nick);
    this.#link.ready
      ?.eval(RELEASE_NICK, 0, this.#link.names.prefix, this.#link.nodeId, nick.toLowerCase())
      .catch(ignore);
  }

  async changeNick(oldNick: string, newNick: string): Promise<boolean> {
    const { local, names, nodeId } = this.#link;
    if (oldNick.toLowerCase() !== newNick.toLowerCase()) {
      if (!(await this.claimNick(newNick))) return false;
      this.releaseNick(oldNick);
    } else {
      local.addNick(newNick);
    }
    for (const room of local.roomsOf(oldNick)) {
      local.setPresence(room, oldNick, false);
      local.setPresence(room, newNick, true);
      const cmd = this.#link.ready;
      if (cmd === undefined) continue;
      cmd.eval(SET_PRESENCE, 0, names.prefix, nodeId, room, oldNick, "0").catch(ignore);
      cmd.eval(SET_PRESENCE, 0, names.prefix, nodeId, room, newNick, "1").catch(ignore);
      this.announce({ kind: "nick", room, nick: newNick, oldNick, node: nodeId });
    }
    return true;
  }

  setPresence(room: string, nick: string, present: boolean, announce: boolean): void {
    const { local, names, nodeId } = this.#link;
    if (!local.setPresence(room, nick, present)) return;
    const cmd = this.#link.ready;
    if (cmd === undefined) return; // re-registered and announced on resync
    cmd.eval(SET_PRESENCE, 0, names.prefix, nodeId, room, nick, present ? "1" : "0").catch(ignore);
    this.announce({
      kind: present ? "join" : "leave",
      room,
      nick,
      node: nodeId,
      ...(announce ? {} : { silent: true }),
    });
  }

  announce(change: PresenceChange): void {
    this.#link.connected?.publish(this.#link.names.presenceChannel, JSON.stringify(change)).catch(ignore);
  }

  /** `removed` is a flat node, room, nick list from REAP_DEAD or LEAVE. */
  announceLeaves(removed: string[]): void {
    for (let i = 0; i + 2 < removed.length; i += 3) {
      this.announce({ kind: "leave", node: removed[i]!, room: removed[i + 1]!, nick: removed[i + 2]! });
    }
  }

  onPresenceMessage(message: Buffer): void {
    let change: unknown;
    try {
      change = JSON.parse(message.toString());
    } catch {
      return;
    }
    if (!isPresenceChange(change) || change.node === this.#link.nodeId) return;
    this.#link.events?.onPresence?.(change);
  }

  /** The nodes among `nodes` whose alive key is set. */
  async #aliveNodes(cmd: Redis, nodes: Iterable<string>): Promise<Set<string>> {
    const list = [...new Set(nodes)];
    const alive = new Set<string>();
    if (list.length === 0) return alive;
    const flags = await cmd.mget(list.map((node) => this.#link.names.key(`alive:${node}`)));
    list.forEach((node, i) => {
      if (flags[i] !== null) alive.add(node);
    });
    return alive;
  }

  async who(room: string): Promise<string[]> {
    const cmd = this.#link.ready;
    if (cmd === undefined) return this.#link.local.who(room);
    try {
      const members = await cmd.hgetall(this.#link.names.key(`room:${room}`));
      const alive = await this.#aliveNodes(cmd, Object.values(members));
      return Object.entries(members)
        .filter(([, node]) => alive.has(node))
        .map(([nick]) => nick)
        .sort();
    } catch {
      return this.#link.local.who(room);
    }
  }

  async rooms(): Promise<Array<{ room: string; members: number }>> {
    const cmd = this.#link.ready;
    if (cmd === undefined) return this.#link.local.roomList();
    const names = this.#link.names;
    try {
      const rooms = (await cmd.smembers(names.key("rooms"))).sort();
      if (rooms.length === 0) return [];
      const pipeline = cmd.pipeline();
      for (const room of rooms) pipeline.hgetall(names.key(`room:${room}`));
      const results = (await pipeline.exec()) ?? [];
      const memberLists = results.map(([error, value]) => (error ? {} : (value as Record<string, string>)));
      const alive = await this.#aliveNodes(
        cmd,
        memberLists.flatMap((members) => Object.values(members)),
      );
      const list: Array<{ room: string; members: number }> = [];
      rooms.forEach((room, i) => {
        const count = Object.values(memberLists[i] ?? {}).filter((node) => alive.has(node)).length;
        if (count > 0) list.push({ room, members: count });
      });
      return list;
    } catch {
      return this.#link.local.roomList();
    }
  }
}
