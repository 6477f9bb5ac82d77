/** What the client's methods check and convert in their callers' arguments: payloads and topic names. */
import { EnchufeError } from "../errors.js";
import { topicProblem } from "../protocol/topics.js";

/** A payload as bytes: a string is UTF-8; undefined is empty. */
export function toBytes(data: string | Uint8Array | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
}

/** EINVALIDTOPIC for a topic, pattern or request name that is not valid; undefined when it is. */
export function invalidTopicError(what: string, topic: string, pattern: boolean): EnchufeError | undefined {
  const problem = topicProblem(topic, pattern);
  if (problem === undefined) return undefined;
  return new EnchufeError("EINVALIDTOPIC", `${what} '${topic}' ${problem}`, { details: { topic, problem } });
}

/** ETOOLARGE for a payload over the server's `max` (undefined: not known yet, not checked). */
export function checkPayloadSize(bytes: Uint8Array, max: number | undefined): void {
  if (max !== undefined && bytes.length > max) {
    throw new EnchufeError("ETOOLARGE", `Payload of ${bytes.length} bytes is over the server's ${max}`, {
      details: { limit: max },
    });
  }
}

/** A publish's payload as bytes, once its topic and size are checked (EINVALIDTOPIC, ETOOLARGE). */
export function publishedBytes(
  topic: string,
  payload: string | Uint8Array,
  max: number | undefined,
): Uint8Array {
  const invalid = invalidTopicError("Topic", topic, false);
  if (invalid !== undefined) throw invalid;
  const bytes = toBytes(payload);
  checkPayloadSize(bytes, max);
  return bytes;
}

/** EPROTOCOL for `what` on a server of protocol `version` 1 (an older enchufe: no history); else undefined. */
export function historyUnsupported(version: number, what: string): EnchufeError | undefined {
  if (version >= 2) return undefined;
  return new EnchufeError("EPROTOCOL", `${what} needs a server that keeps a history (protocol version 2)`, {
    details: { version },
  });
}
