/**
 * The Redis bus's queue groups: which nodes have members of which group, and handing messages to one of
 * them. Each node registers its groups in the `P:grp` hash (redis-scripts.ts) and says so on the
 * `P:groups` channel; every node keeps a cached view of the other nodes' groups, read again on such a
 * notice, after a (re)connect and at each heartbeat (so a dead node's groups go with its alive key).
 * A publish never waits for Redis to find a group: it reads the cache.
 */
import type { ChainableCommander } from "ioredis";
import { SubscriptionIndex } from "../../protocol/subscriptions.js";
import { isValidPattern } from "../../protocol/topics.js";
import type { QueueGroupName } from "./bus.js";
import { encodeGroup } from "./codec.js";
import { ignore, publishToOne, type RedisLink } from "./redis-link.js";
import { GROUPS, SET_ENTRY } from "./redis-scripts.js";

/** A group seen on other nodes, and which ones. */
class RemoteGroup implements QueueGroupName {
  readonly name: string;
  readonly pattern: string;
  readonly nodes: string[] = [];
  /** The node the next message tries first. */
  next = 0;

  constructor(name: string, pattern: string) {
    this.name = name;
    this.pattern = pattern;
  }
}

const NONE: ReadonlySet<QueueGroupName> = new Set();

export class RedisGroups {
  readonly #link: RedisLink;
  #index = new SubscriptionIndex<RemoteGroup>();
  #groups = new Map<string, RemoteGroup>();
  #reading = false;
  #readAgain = false;

  constructor(link: RedisLink) {
    this.#link = link;
  }

  /** This node's first member of a group joined (`on`) or its last one left. */
  group(pattern: string, name: string, on: boolean): void {
    const entry = `${name}\n${pattern}`;
    const local = this.#link.local.groups;
    if (on === local.has(entry)) return;
    if (on) local.add(entry);
    else local.delete(entry);
    const cmd = this.#link.ready;
    if (cmd === undefined) return; // registered again on reconnect
    const { names, nodeId } = this.#link;
    cmd.eval(SET_ENTRY, 0, names.prefix, nodeId, entry, on ? "1" : "0", ...GROUPS).catch(ignore);
    cmd.publish(names.groupsChannel, nodeId).catch(ignore);
  }

  /** Queues the registration of every local group (after a (re)connect). */
  register(pipeline: ChainableCommander): void {
    const { names, nodeId } = this.#link;
    for (const entry of this.#link.local.groups)
      pipeline.eval(SET_ENTRY, 0, names.prefix, nodeId, entry, "1", ...GROUPS);
  }

  /** This node registered its groups (a (re)connect): the others read the registry again, and so does it. */
  registered(): void {
    this.#link.connected?.publish(this.#link.names.groupsChannel, this.#link.nodeId).catch(ignore);
    this.refresh();
  }

  matching(topic: string): ReadonlySet<QueueGroupName> {
    return this.#groups.size === 0 ? NONE : this.#index.match(topic);
  }

  /** The next node in turn with members of the group; undefined when no other node has one. */
  pick(name: string, pattern: string): string | undefined {
    const group = this.#groups.get(`${name}\n${pattern}`);
    return group === undefined ? undefined : group.nodes[group.next++ % group.nodes.length];
  }

  send(name: string, pattern: string, frame: Buffer): boolean {
    const group = this.#groups.get(`${name}\n${pattern}`);
    const cmd = this.#link.ready;
    if (group === undefined || cmd === undefined) return false;
    const first = group.next++ % group.nodes.length;
    // At most once: dropped if no node answers or Redis goes away meanwhile.
    void publishToOne(this.#link, group.nodes, first, encodeGroup(name, pattern, frame));
    return true;
  }

  /** Reads the other nodes' groups again (one read at a time; a request meanwhile reads once more after). */
  refresh(): void {
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = true;
    this.#read()
      .catch(ignore)
      .finally(() => {
        this.#reading = false;
        if (this.#readAgain) {
          this.#readAgain = false;
          this.refresh();
        }
      });
  }

  async #read(): Promise<void> {
    const cmd = this.#link.connected;
    if (cmd === undefined) return;
    const { names, nodeId } = this.#link;
    const entries = await cmd.hgetall(names.key("grp"));
    const nodes = [...new Set(Object.values(entries))].filter((node) => node !== nodeId);
    const alive =
      nodes.length === 0 ? [] : await cmd.mget(...nodes.map((node) => names.key(`alive:${node}`)));
    const live = new Set(nodes.filter((_, index) => alive[index] !== null));
    const index = new SubscriptionIndex<RemoteGroup>();
    const groups = new Map<string, RemoteGroup>();
    for (const [field, node] of Object.entries(entries)) {
      if (!live.has(node)) continue;
      const entry = field.slice(node.length + 1);
      const cut = entry.indexOf("\n");
      const name = entry.slice(0, cut);
      const pattern = entry.slice(cut + 1);
      // Another node's entry is input: the index assumes valid patterns.
      if (cut < 0 || !isValidPattern(pattern)) continue;
      let group = groups.get(entry);
      if (group === undefined) {
        group = new RemoteGroup(name, pattern);
        group.next = this.#groups.get(entry)?.next ?? 0; // the rotation goes on across reads
        groups.set(entry, group);
        index.add(pattern, group);
      }
      group.nodes.push(node);
    }
    for (const group of groups.values()) group.nodes.sort();
    this.#index = index;
    this.#groups = groups;
  }
}
