/**
 * Messages on their way to many recipients: one or more consecutive messages from one sender to one
 * topic (or one private message). The MSG frames are encoded at most once, lazily, into one Buffer,
 * and that same Buffer is written to every framed recipient; a batch of N messages costs each
 * recipient one write, not N. Other wire forms (text lines) are built by their renderer, once, and
 * kept in `rendered`.
 */
import {
  encodeGroupMessages,
  encodeMessages,
  encodePositionedMessages,
  type Headers,
} from "../../protocol/frames.js";
import { type OutputSlab, SLAB_RUN_BYTES } from "../../protocol/slab.js";
import type { Acker } from "./history-types.js";

/** The headers of a message that has none (one shared list). */
const NO_HEADERS: Headers = [];

/** A message of the batch whose publisher waits for its PUBACK (docs/PROTOCOL.md §2.5). */
export interface PendingAck {
  readonly index: number;
  readonly id: string;
  /** The dedupe key (user and id). */
  readonly key: string;
  readonly to: Acker;
}

/** Messages of a batch for another node's members of a queue group (`picked`: indexes; undefined: all). */
export interface GroupShare {
  readonly name: string;
  readonly pattern: string;
  readonly picked: readonly number[] | undefined;
}

export class Delivery {
  readonly topic: string;
  readonly from: string;
  readonly isPrivate: boolean;
  /** The publisher (left out of its own text room), if any. */
  readonly sender: object | undefined;
  /** True when the payloads are lines a person typed (shown even when not valid UTF-8, as U+FFFD). */
  readonly typed: boolean;
  /** Per message; undefined while no message has any (the common batch: nothing to push or walk per message). */
  #headers: Headers[] | undefined;
  readonly #payloads: Uint8Array[] = [];
  /** The payloads' bytes, summed. */
  #payloadBytes = 0;
  #frame: Buffer | undefined;
  #positioned: Buffer | undefined;
  /**
   * The history position of the first message (the others follow one by one), set before the batch is
   * delivered; 0 when it is not kept (private, history off, or the history could not write it).
   */
  position = 0;
  /** Publishers waiting for a PUBACK, if any asked. */
  acks: PendingAck[] | undefined;
  /**
   * With a shared log: what other nodes' queue-group members take of this batch, decided before it goes to
   * the log, which carries it (groups.ts plan()), so that they get it in the log's order.
   */
  groupShares: GroupShare[] | undefined;
  /**
   * A batch from another node through the shared log: the APUB dedupe keys of its messages (index, key),
   * remembered here so that a publisher that sends one again to this node gets DUPLICATE.
   */
  publishedKeys: ReadonlyArray<{ readonly index: number; readonly key: string }> | undefined;
  /**
   * A renderer's cache: the text form of a room delivery, built once for every text recipient (null:
   * nothing to show). It holds no language: a private message (one recipient) is not cached.
   */
  rendered: Buffer | null | undefined;
  /**
   * Set by the renderer when `rendered` is every payload as it is, each between the same prefix (`gap`
   * bytes) and one newline (`after`): then a memory history may keep those bytes (sharedLines()).
   */
  renderedAround: { readonly gap: number; readonly after: number } | undefined;

  /** Where the frames are carved from (the read turn's slab), if anywhere. */
  readonly #slab: OutputSlab | undefined;

  constructor(
    topic: string,
    from: string,
    isPrivate: boolean,
    sender: object | undefined,
    typed = false,
    slab?: OutputSlab,
  ) {
    this.topic = topic;
    this.from = from;
    this.isPrivate = isPrivate;
    this.sender = sender;
    this.typed = typed;
    this.#slab = slab;
  }

  /** Adds one message (before the first frame() call). */
  add(headers: Headers, payload: Uint8Array): void {
    const list = this.#headers;
    if (list !== undefined) list.push(headers);
    else if (headers.length > 0) {
      const earlier = new Array<Headers>(this.#payloads.length).fill(NO_HEADERS);
      earlier.push(headers);
      this.#headers = earlier;
    }
    this.#payloads.push(payload);
    this.#payloadBytes += payload.length;
  }

  /** How many messages the batch holds. */
  get count(): number {
    return this.#payloads.length;
  }

  /** The payload of message `index`. */
  payload(index: number): Uint8Array {
    return this.#payloads[index]!;
  }

  /** Every payload, in order (read it, never change it). */
  get payloads(): readonly Uint8Array[] {
    return this.#payloads;
  }

  /** The headers of every message, in order (read it, never change it); undefined when no message has any. */
  get headerList(): readonly Headers[] | undefined {
    return this.#headers;
  }

  /** The headers of message `index`. */
  headersOf(index: number): Headers {
    return this.#headers?.[index] ?? NO_HEADERS;
  }

  /** The payloads' bytes, summed. */
  get payloadBytes(): number {
    return this.#payloadBytes;
  }

  /** Every MSG frame of the batch, encoded once, back to back in one Buffer. */
  frame(): Buffer {
    this.#frame ??= encodeMessages(
      { private: this.isPrivate, topic: this.topic, from: this.from },
      this.#headers,
      this.#payloads,
      this.#slab,
      this.#payloadBytes,
    );
    return this.#frame;
  }

  /**
   * The MSG frames (frame()) as the payloads' bytes a memory history may keep instead of a copy: when no
   * message has headers (every frame is the same head, `gap` bytes, then its payload) and the frames are a
   * buffer of their own (above SLAB_RUN_BYTES; a smaller run is a piece of a slab that other frames share,
   * which the history would hold whole). Undefined otherwise.
   */
  sharedFrames(): { readonly bytes: Buffer; readonly gap: number } | undefined {
    const count = this.#payloads.length;
    if (this.#headers !== undefined || count === 0 || this.#payloadBytes + count <= SLAB_RUN_BYTES)
      return undefined;
    const bytes = this.frame();
    if (bytes.length <= SLAB_RUN_BYTES) return undefined;
    return { bytes, gap: (bytes.length - this.#payloadBytes) / count };
  }

  /**
   * The text lines (`rendered`) as the payloads' bytes a memory history may keep instead of a copy: when
   * the renderer said each line is its payload as it is (renderedAround), no message has headers, and the
   * lines are a buffer of their own (above SLAB_RUN_BYTES, as sharedFrames()). Undefined otherwise.
   */
  sharedLines(): { readonly bytes: Buffer; readonly gap: number; readonly after: number } | undefined {
    const bytes = this.rendered;
    const around = this.renderedAround;
    if (around === undefined || bytes == null || this.#headers !== undefined) return undefined;
    if (bytes.length <= SLAB_RUN_BYTES) return undefined;
    return { bytes, gap: around.gap, after: around.after };
  }

  /** Every PMSG frame of the batch (version-2 recipients), with its position, encoded once. */
  positionedFrame(): Buffer {
    this.#positioned ??= encodePositionedMessages(
      { private: this.isPrivate, topic: this.topic, from: this.from },
      this.position,
      this.#headers,
      this.#payloads,
      this.#slab,
      this.#payloadBytes,
    );
    return this.#positioned;
  }

  /** The MSG frames of the messages at `picked` only (part of a batch, for another node's group member). */
  framesOf(picked: readonly number[]): Buffer {
    const all = this.#headers;
    const headers = all === undefined ? undefined : picked.map((index) => all[index]!);
    const payloads = picked.map((index) => this.#payloads[index]!);
    const message = { private: this.isPrivate, topic: this.topic, from: this.from };
    return encodeMessages(message, headers, payloads, this.#slab);
  }

  /** GMSG frames for the queue-group subscription `sid`: the messages at `picked` (all when undefined). */
  groupFrame(sid: number, picked: readonly number[] | undefined): Buffer {
    return encodeGroupMessages(sid, this, this.#headers, this.#payloads, picked, this.#slab);
  }
}
