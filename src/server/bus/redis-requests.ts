/**
 * The Redis bus's request routing: responders registered in the `P:resp` hash, a request sent to one
 * node that can answer it (in turn over those nodes, matched with SubscriptionIndex), replies to the
 * asking node.
 */
import { SubscriptionIndex } from "../../protocol/subscriptions.js";
import { isValidPattern } from "../../protocol/topics.js";
import type { BusRequest, Headers } from "./bus.js";
import { encodeReply, encodeRequest } from "./codec.js";
import { ignore, publishToOne, type RedisLink } from "./redis-link.js";
import { RESPONDERS, SET_ENTRY } from "./redis-scripts.js";

/** Responders and request routing over Redis, for one RedisBus. */
export class RedisRequests {
  readonly #link: RedisLink;
  /** Where the next request starts among the nodes that can answer it (round robin). */
  #rotation = 0;

  constructor(link: RedisLink) {
    this.#link = link;
  }

  responder(pattern: string, on: boolean): void {
    if (on === this.#link.local.responders.has(pattern)) return;
    if (on) this.#link.local.responders.add(pattern);
    else this.#link.local.responders.delete(pattern);
    this.#link.ready
      ?.eval(SET_ENTRY, 0, this.#link.names.prefix, this.#link.nodeId, pattern, on ? "1" : "0", ...RESPONDERS)
      .catch(ignore);
  }

  async routeRequest(req: BusRequest): Promise<boolean> {
    const cmd = this.#link.ready;
    if (cmd === undefined) return false;
    try {
      const entries = await cmd.hgetall(this.#link.names.key("resp"));
      const responders = new SubscriptionIndex<string>();
      for (const [field, node] of Object.entries(entries)) {
        const pattern = field.slice(node.length + 1);
        // Another node's entry is input: the index assumes valid patterns.
        if (node !== this.#link.nodeId && isValidPattern(pattern)) responders.add(pattern, node);
      }
      const nodes = [...responders.match(req.name)].sort();
      if (nodes.length === 0) return false;
      const message = encodeRequest({ ...req, replyNode: this.#link.nodeId });
      return await publishToOne(this.#link, nodes, this.#rotation++ % nodes.length, message);
    } catch {
      return false;
    }
  }

  reply(replyNode: string, token: string, status: number, headers: Headers, payload: Buffer): void {
    if (replyNode === this.#link.nodeId) {
      queueMicrotask(() => this.#link.events?.onReply(token, status, headers, payload));
      return;
    }
    this.#link.ready
      ?.publish(this.#link.names.nodeChannel(replyNode), encodeReply(token, status, headers, payload))
      .catch(ignore);
  }
}
