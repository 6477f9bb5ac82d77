/**
 * Decoding what other nodes publish: a bus message holds 1..n MSG frames (one sender's batch to one
 * topic, or several batches), concatenated. Consecutive frames of one sender to one topic become one
 * RemoteDelivery whose frame() is the received bytes themselves, so framed subscribers get them as
 * they came and text users get lines built once: one write per local recipient, as for a local batch.
 * Frames another node gave to a queue group here go to the router's group instead of the fan-out.
 */
import {
  FRAME_HEADER_BYTES,
  type Frame,
  FrameDecoder,
  NEED_DATA,
  nextFrame,
  RemoteProtocolError,
} from "../../protocol/frames.js";
import { Delivery } from "../routing/delivery.js";
import type { GroupName, RouterInbound } from "../routing/interfaces.js";

/** Where decoded batches go: the router (or a caller that takes one batch). */
type BatchSink = Pick<RouterInbound, "fanOut" | "groupMessages">;

class RemoteDelivery extends Delivery {
  /** Where this batch's frames start and end in the buffer being decoded. */
  readonly start: number;
  end = 0;
  #bytes: Buffer = EMPTY;

  constructor(topic: string, from: string, start: number) {
    super(topic, from, false, undefined);
    this.start = start;
  }

  setBytes(bytes: Buffer): void {
    this.#bytes = bytes;
  }

  override frame(): Buffer {
    return this.#bytes;
  }
}

const EMPTY = Buffer.alloc(0);

export class RemoteFrames {
  readonly #maxFrameBytes: number;
  #decoder: FrameDecoder;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
    this.#decoder = new FrameDecoder({ maxFrameBytes });
  }

  /** Fans out every MSG frame in `bytes`, in order (to this node's members of group `target` when given). */
  publishes(bytes: Buffer, inbound: BatchSink, target?: GroupName): void {
    let group: RemoteDelivery | undefined;
    let offset = 0;
    for (const frame of this.#frames(bytes)) {
      const start = offset;
      offset = start + FRAME_HEADER_BYTES + bytes.readUInt32BE(start + 2);
      const fits =
        group !== undefined &&
        frame.type === "MSG" &&
        !frame.private &&
        group.topic === frame.topic &&
        group.from === frame.from;
      if (group !== undefined && !fits) {
        this.#deliver(group, bytes, inbound, target);
        group = undefined;
      }
      if (frame.type !== "MSG" || frame.private) continue;
      group ??= new RemoteDelivery(frame.topic, frame.from, start);
      group.add(frame.headers, frame.payload);
      group.end = offset;
    }
    if (group !== undefined) this.#deliver(group, bytes, inbound, target);
  }

  /** The batch in `bytes` (one sender's MSG frames to one topic, as a shared log entry holds). */
  batch(bytes: Buffer): Delivery | undefined {
    let batch: Delivery | undefined;
    const take = (delivery: Delivery): void => {
      batch ??= delivery;
    };
    this.publishes(bytes, { fanOut: take, groupMessages: (_name, _pattern, delivery) => take(delivery) });
    return batch;
  }

  /** Delivers the private MSG frames in `bytes` to the local member `nick`. */
  directs(bytes: Buffer, nick: string, inbound: RouterInbound): void {
    for (const frame of this.#frames(bytes)) {
      if (frame.type === "MSG" && frame.private)
        inbound.deliverDirect(nick, frame.from, frame.headers, frame.payload);
    }
  }

  #deliver(group: RemoteDelivery, bytes: Buffer, inbound: BatchSink, target: GroupName | undefined): void {
    group.setBytes(bytes.subarray(group.start, group.end));
    if (target === undefined) inbound.fanOut(group);
    else inbound.groupMessages(target.name, target.pattern, group);
  }

  /** The frames of one bus message; a malformed or truncated one ends the list (nobody to tell: dropped). */
  #frames(bytes: Buffer): Frame[] {
    const decoder = this.#decoder;
    decoder.push(bytes);
    const frames: Frame[] = [];
    let failed = false;
    for (;;) {
      const frame = nextFrame(decoder);
      if (frame === NEED_DATA) break;
      if (frame instanceof RemoteProtocolError) {
        failed = true;
        break;
      }
      frames.push(frame);
    }
    // A bad or cut buffer leaves the decoder failed or mid-frame: the next message starts clean.
    if (failed || decoder.buffered !== 0)
      this.#decoder = new FrameDecoder({ maxFrameBytes: this.#maxFrameBytes });
    return frames;
  }
}
