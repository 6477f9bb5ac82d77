/** What a connection's first bytes say about its peer (docs/PROTOCOL.md §1). */
import { PREFACE } from "./frames.js";

/** A first byte 0x00 is a framed client's preface; anything else is a text user. */
export function detectMode(firstByte: number): "framed" | "text" {
  return firstByte === 0 ? "framed" : "text";
}

/** An HTTP/1.x request line (`GET /path HTTP/1.1`), the way a browser starts. */
const HTTP_REQUEST_LINE = /^(?:GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) \S+ HTTP\/1\.[01]\r?\n/;

/** True when `chunk` begins with an HTTP request line (at most its first 2 KiB are looked at). */
export function startsWithHttpRequest(chunk: Buffer): boolean {
  return HTTP_REQUEST_LINE.test(chunk.toString("latin1", 0, Math.min(chunk.length, 2048)));
}

/** Where the framed stream starts after the server's preface echo, or -1 while it has not come. */
export function findPrefaceEnd(data: Buffer): number {
  const index = data.indexOf(PREFACE);
  return index === -1 ? -1 : index + PREFACE.length;
}
