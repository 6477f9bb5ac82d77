/**
 * The resume scenario of the history tests: a subscriber on `feed.>` through a cut proxy, a publisher
 * elsewhere; the connection is cut (and kept cut) while the rest is published, then let through again.
 * Returns every message the subscription delivered and every `replayed` event.
 */
import type { EnchufeClient } from "../../src/client/client.js";
import type { Message, ReplayInfo } from "../../src/client/subscription.js";
import type { CutProxy } from "./cut-proxy.js";
import { take } from "./take.js";

export interface CutFeed {
  readonly messages: Message[];
  readonly replays: ReplayInfo[];
  /** The subscription, to check that nothing more arrives. */
  readonly queue: { readonly size: number };
}

export async function cutFeed(options: {
  readonly proxy: CutProxy;
  readonly sub: EnchufeClient;
  readonly pub: EnchufeClient;
  /** Messages published in all; `beforeCut` of them before the cut, of which `taken` are read first. */
  readonly total: number;
  readonly beforeCut: number;
  readonly taken: number;
  /** Where the proxy sends the reconnection (another cluster node); the same server when undefined. */
  readonly moveTo?: number;
}): Promise<CutFeed> {
  const { proxy, sub, pub, total, beforeCut, taken } = options;
  const replays: ReplayInfo[] = [];
  sub.on("replayed", (replay: ReplayInfo) => replays.push(replay));
  const subscription = sub.subscribe("feed.>");
  await sub.flush();
  const publish = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      pub.publish(`feed.${i % 3}`, String(i));
      if (i % 500 === 499) await pub.flush();
    }
    await pub.flush();
  };
  await publish(0, beforeCut);
  const first = await take(subscription, taken);
  // Cut, and keep it cut while the rest is published: what it missed can only come from a replay.
  if (options.moveTo !== undefined) proxy.retarget(options.moveTo);
  proxy.block();
  await proxy.cut();
  await publish(beforeCut, total);
  const back = new Promise((resolve) => sub.once("reconnected", resolve));
  proxy.unblock();
  await back;
  const rest = await take(subscription, total - taken);
  return { messages: [...first, ...rest], replays, queue: subscription.queue };
}
