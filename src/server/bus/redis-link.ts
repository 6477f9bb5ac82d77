/**
 * What the Redis bus's parts share: the cluster's key and channel names and a view of the bus that owns
 * the connections (so presence and request routing live in their own files).
 */
import type { Redis } from "ioredis";
import type { BusEvents } from "./bus.js";
import type { LocalState } from "./local-state.js";

/** Every key and channel name of one cluster, under its prefix. */
export class RedisNames {
  readonly prefix: string;
  /** The start of every topic channel (`P:t:`). */
  readonly topicPrefix: string;
  readonly presenceChannel: string;
  /** Where a node says that its queue groups changed (the others read the registry again). */
  readonly groupsChannel: string;

  constructor(prefix: string) {
    this.prefix = prefix;
    this.topicPrefix = `${prefix}:t:`;
    this.presenceChannel = `${prefix}:presence`;
    this.groupsChannel = `${prefix}:groups`;
  }

  key(name: string): string {
    return `${this.prefix}:${name}`;
  }

  topicChannel(topic: string): string {
    return this.topicPrefix + topic;
  }

  nodeChannel(node: string): string {
    return `${this.prefix}:n:${node}`;
  }
}

/** What the parts of the bus (presence, requests) need from the RedisBus that owns the connections. */
export interface RedisLink {
  readonly nodeId: string;
  readonly names: RedisNames;
  readonly local: LocalState;
  /** The command connection while the bus is up; undefined while Redis is away. */
  readonly ready: Redis | undefined;
  /** The command connection whenever it is connected (announcements also go out during a resync). */
  readonly connected: Redis | undefined;
  readonly events: BusEvents | undefined;
}

export function ignore(): void {}

/**
 * Sends `message` to one of `nodes`, trying them in turn from `first`: PUBLISH counts receivers, 0 means
 * that node is gone (not yet reaped). True once a node got it; false when none did or Redis is away.
 */
export async function publishToOne(
  link: RedisLink,
  nodes: readonly string[],
  first: number,
  message: Buffer,
): Promise<boolean> {
  for (let tried = 0; tried < nodes.length; tried++) {
    const cmd = link.ready;
    if (cmd === undefined) return false;
    const node = nodes[(first + tried) % nodes.length]!;
    try {
      if ((await cmd.publish(link.names.nodeChannel(node), message)) > 0) return true;
    } catch {
      return false;
    }
  }
  return false;
}
