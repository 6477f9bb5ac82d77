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
