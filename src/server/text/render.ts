/**
 * What people see (text mode), rendered from the router's deliveries and room events: message lines
 * `[<room>] <from>: <text>` (or `[private] <from>: <text>`) and presence notices, sanitized and in the
 * server's language. Each form is built once and cached on the delivery or event, then the same Buffer
 * is written to every text recipient.
 */

import { isUtf8 } from "node:buffer";
import { clockTime, type Lang } from "../../i18n/lang.js";
import { serverText } from "../../i18n/server-text.js";
import { PlainTextScanner, sanitizeLine } from "../../protocol/sanitize.js";
import { OutputSlab } from "../../protocol/slab.js";
import type { Delivery } from "../routing/delivery.js";
import type { HistoryMessage } from "../routing/history-types.js";
import type { RoomEvent } from "../routing/interfaces.js";

/** The language-dependent parts of rendering, resolved once per server. */
export class TextRenderer {
  readonly lang: Lang;
  readonly #privateLabel: string;
  /** The last line prefix built and what it was built from: a publisher's lines repeat it. */
  #prefixLabel = "";
  #prefixFrom = "";
  #prefix: Buffer | undefined;
  /** The lines are carved from here (protocol/slab.ts), not from Node's Buffer pool. */
  readonly #slab = new OutputSlab();
  readonly #plain = new PlainTextScanner();

  constructor(lang: Lang) {
    this.lang = lang;
    this.#privateLabel = serverText(lang, "server.private");
  }

  /**
   * The text lines of a delivery, built once: one line per line of each payload, each sanitized.
   * A typed line that is not valid UTF-8 is shown with U+FFFD for the bad bytes; a published payload
   * that is not UTF-8 is binary and not shown to people. Null when nothing is left to show.
   */
  delivery(delivery: Delivery): Buffer | null {
    if (delivery.rendered !== undefined) return delivery.rendered;
    const text = this.#render(delivery);
    // Room lines are the same in every language; a private one carries this renderer's label.
    if (!delivery.isPrivate) delivery.rendered = text;
    return text;
  }

  /** `[label] from: `, sanitized, as bytes; built again only when the label or the sender changes. */
  #prefixOf(label: string, from: string): Buffer {
    if (this.#prefix !== undefined && label === this.#prefixLabel && from === this.#prefixFrom)
      return this.#prefix;
    this.#prefixLabel = label;
    this.#prefixFrom = from;
    this.#prefix = Buffer.from(`[${label}] ${sanitizeLine(from)}: `, "utf8");
    return this.#prefix;
  }

  #render(delivery: Delivery): Buffer | null {
    const prefix = this.#prefixOf(delivery.isPrivate ? this.#privateLabel : delivery.topic, delivery.from);
    const plain = this.#renderPlain(prefix, delivery.payloads);
    if (plain === undefined) return this.#renderAny(prefix, delivery);
    // Each line is its payload as it is, between the prefix and a newline: the history may keep them.
    delivery.renderedAround = { gap: prefix.length, after: 1 };
    return plain;
  }

  /**
   * The lines when every payload is plain printable text (the common case): each payload copied once and
   * checked where it was copied (the output's buffer and offset read once, not each payload's); undefined
   * as soon as one is not plain (then #renderAny does the batch: the bytes taken here are left unused).
   */
  #renderPlain(prefix: Buffer, payloads: readonly Uint8Array[]): Buffer | undefined {
    if (payloads.length === 0) return undefined;
    let size = 0;
    for (let i = 0; i < payloads.length; i++) size += prefix.length + payloads[i]!.length + 1;
    const out = this.#slab.take(size);
    const buffer = out.buffer;
    const byteOffset = out.byteOffset;
    let offset = 0;
    for (let i = 0; i < payloads.length; i++) {
      out.set(prefix, offset);
      offset += prefix.length;
      const payload = payloads[i]!;
      out.set(payload, offset);
      const end = offset + payload.length;
      if (!this.#plain.testRange(out, buffer, byteOffset, offset, end)) return undefined;
      out[end] = 0x0a;
      offset = end + 1;
    }
    return out;
  }

  #renderAny(prefix: Buffer, delivery: Delivery): Buffer | null {
    const payloads = delivery.payloads;
    // Pass 1: sizes. Plain printable text (the common case) is copied as it is; anything else is
    // decoded, checked and sanitized line by line.
    let size = 0;
    let special: Array<Buffer | null | undefined> | undefined;
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i]!;
      if (this.#plain.test(payload)) {
        size += prefix.length + payload.length + 1;
        continue;
      }
      special ??= new Array<Buffer | null | undefined>(payloads.length).fill(undefined);
      const lines = sanitizedLines(payload, prefix, delivery.typed);
      special[i] = lines;
      if (lines !== null) size += lines.length;
    }
    if (size === 0) return null;
    // Pass 2: one allocation, one copy per piece.
    const out = this.#slab.take(size);
    let offset = 0;
    for (let i = 0; i < payloads.length; i++) {
      const lines = special?.[i];
      if (lines === null) continue;
      if (lines !== undefined) {
        offset += lines.copy(out, offset);
        continue;
      }
      // TypedArray set(), not Buffer copy(): the same bytes without copy()'s argument checks per line.
      out.set(prefix, offset);
      offset += prefix.length;
      out.set(payloads[i]!, offset);
      offset += payloads[i]!.length;
      out[offset++] = 0x0a;
    }
    return out;
  }

  /**
   * A room's history as lines marked with the time each message was kept: `[room HH:MM] from: text`
   * (the server's local time), sanitized like live lines; binary payloads are left out.
   */
  history(messages: readonly HistoryMessage[]): Buffer {
    const parts: Buffer[] = [];
    for (const message of messages) {
      const time = clockTime(new Date(message.time));
      const prefix = Buffer.from(`[${message.topic} ${time}] ${sanitizeLine(message.from)}: `, "utf8");
      const lines = sanitizedLines(message.payload, prefix, false);
      if (lines !== null) parts.push(lines);
    }
    return Buffer.concat(parts);
  }

  /** The notice for a presence change, built once. */
  roomEvent(event: RoomEvent): Buffer {
    const cached = event.rendered?.[this.lang];
    if (cached !== undefined) return cached;
    const nick = sanitizeLine(event.nick);
    const text =
      event.kind === "nick"
        ? serverText(this.lang, "server.nick.changed", { old: sanitizeLine(event.oldNick), nick })
        : serverText(this.lang, event.kind === "join" ? "server.join.other" : "server.leave.other", {
            nick,
            room: event.room,
          });
    const bytes = Buffer.from(`${text}\n`, "utf8");
    event.rendered ??= {};
    event.rendered[this.lang] = bytes;
    return bytes;
  }
}

/** `prefix + line + "\n"` for each line of a payload that is not plain text; null when it is binary. */
function sanitizedLines(payload: Uint8Array, prefix: Buffer, typed: boolean): Buffer | null {
  const bytes = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (!typed && !isUtf8(bytes)) return null;
  const start = prefix.toString("utf8");
  const lines = bytes.toString("utf8").split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  let out = "";
  for (const line of lines) out += `${start}${sanitizeLine(line)}\n`;
  return Buffer.from(out, "utf8");
}
