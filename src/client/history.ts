/**
 * Reading the history (`client.history()`, `enchufe history`): a subscription that replays from `start`
 * and ends at its REPLAYED, so it returns exactly what was kept, no live message after it.
 */
import { EnchufeError } from "../errors.js";
import type { Message, ReplayInfo, SubscribeStart, Subscription } from "./subscription.js";

/** What a read needs of the client (EnchufeClient): a subscription with a start, and its events. */
export interface HistorySource {
  readonly options: { readonly host: string; readonly port: number };
  subscribe(pattern: string, options: { start: SubscribeStart }): Subscription<Message>;
  on(event: "replayed", listener: (replay: ReplayInfo) => void): unknown;
  once(event: "closed", listener: () => void): unknown;
  off(event: "replayed", listener: (replay: ReplayInfo) => void): unknown;
  off(event: "closed", listener: () => void): unknown;
}

/** What the history held for a pattern. */
export interface TopicHistory {
  /** The kept messages, oldest first. */
  readonly messages: Message[];
  /** False when some of what `start` asked for was already gone (dropped by the history's limits). */
  readonly recovered: boolean;
  /** The history's name, and the newest position the read covered (resume a subscription after it). */
  readonly epoch: string;
  readonly position: number;
}

/** Replays `pattern` from `start` on `client` and resolves with what was kept. */
export async function readHistory(
  client: HistorySource,
  pattern: string,
  start: SubscribeStart,
): Promise<TopicHistory> {
  const subscription = client.subscribe(pattern, { start });
  let end: ReplayInfo | undefined;
  const onReplayed = (replay: ReplayInfo) => {
    if (replay.subscription !== subscription) return;
    end = replay;
    // Everything replayed is queued by now; ending here keeps every live message out.
    subscription.unsubscribe();
  };
  const onClosed = () => subscription.unsubscribe();
  client.on("replayed", onReplayed);
  client.once("closed", onClosed);
  const messages: Message[] = [];
  try {
    for await (const message of subscription) messages.push(message);
  } finally {
    client.off("replayed", onReplayed);
    client.off("closed", onClosed);
  }
  if (subscription.error !== undefined) throw subscription.error;
  if (end === undefined) {
    throw new EnchufeError("ECLOSED", `The client closed before the history of ${pattern} was read`, {
      details: { step: "read", address: `${client.options.host}:${client.options.port}` },
    });
  }
  return { messages, recovered: end.recovered, epoch: end.epoch, position: end.position };
}
