/**
 * A connection the server will not serve (full, too many from one address, too fast, shutting down),
 * answered so that both kinds of client can read why: a text client gets the `! ` line at once; a
 * client whose first byte is 0x00 gets the preface echo, then ERR (when the reason has one) and CLOSE
 * with the matching reason (docs/PROTOCOL.md §1.5). Closed after the first bytes, or after `graceMs`.
 */
import { PREFACE } from "../protocol/frames.js";
import type { Connection, ConnectionReceiver } from "../transport/connection.js";
import { closeFrame, errFrame } from "./framed/answers.js";

export interface RefusalAnswer {
  /** The text line, "\n" included. */
  readonly line: Buffer;
  /** The ERR code a program gets before CLOSE, if any. */
  readonly errCode: number | undefined;
  readonly closeReason: number;
  /** The English message of ERR and CLOSE. */
  readonly message: string;
}

function expire(refusal: Refusal): void {
  refusal.expired();
}

class Refusal implements ConnectionReceiver {
  readonly #connection: Connection;
  readonly #answer: RefusalAnswer;
  readonly #timer: NodeJS.Timeout;
  #received: Buffer | undefined;

  constructor(connection: Connection, answer: RefusalAnswer, graceMs: number) {
    this.#connection = connection;
    this.#answer = answer;
    connection.receiver = this;
    connection.write(answer.line);
    this.#timer = setTimeout(expire, graceMs, this);
    this.#timer.unref();
  }

  received(chunk: Buffer): void {
    const bytes = this.#received === undefined ? chunk : Buffer.concat([this.#received, chunk]);
    if (bytes[0] !== 0x00) {
      this.#end(undefined);
      return;
    }
    if (bytes.length < PREFACE.length) {
      this.#received = bytes;
      return;
    }
    if (!bytes.subarray(0, PREFACE.length).equals(PREFACE)) {
      this.#end(undefined);
      return;
    }
    this.#end(Buffer.concat([PREFACE, refusalFrames(this.#answer)]));
  }

  closed(): void {
    clearTimeout(this.#timer);
  }

  expired(): void {
    this.#end(undefined);
  }

  #end(last: Buffer | undefined): void {
    clearTimeout(this.#timer);
    this.#connection.receiver = undefined;
    this.#connection.end(last);
  }
}

/** ERR (when the reason has one) and CLOSE for a program refused after its preface (or without one). */
export function refusalFrames(answer: RefusalAnswer): Buffer {
  const frames: Buffer[] = [];
  if (answer.errCode !== undefined) frames.push(errFrame(answer.errCode, 0, answer.message));
  frames.push(closeFrame(answer.closeReason, answer.message));
  return Buffer.concat(frames);
}

/** Answers and closes a refused connection (see the module comment). */
export function refuse(connection: Connection, answer: RefusalAnswer, graceMs: number): void {
  new Refusal(connection, answer, graceMs);
}
