/**
 * Tells an HTTP client from the others on the messaging port, before the greeting is written:
 * a connection whose first bytes are `GET ` or `HEAD ` is HTTP (a browser, a WebSocket client, curl -I). A framed client
 * sends its preface at once and a text user types whenever they like, so the decision waits for the
 * first bytes or a short deadline: a silent nc user gets the greeting after it.
 */
import type { Socket } from "node:net";

/** How long a silent client may wait before it is taken for a text user (and greeted). */
export const SNIFF_DEADLINE_MS = 150;

/** The requests served: pages, files and the WebSocket upgrade are all GET (HEAD for their headers). */
const HTTP_METHODS = [Buffer.from("GET "), Buffer.from("HEAD ")];

/** True, false, or undefined while `first` is still a prefix of some method. */
function startsHttp(first: Buffer): boolean | undefined {
  let undecided = false;
  for (const method of HTTP_METHODS) {
    const n = Math.min(first.length, method.length);
    if (first.compare(method, 0, n, 0, n) !== 0) continue;
    if (n === method.length) return true;
    undecided = true;
  }
  return undecided ? undefined : false;
}

/** What the first bytes said: HTTP, or not (`first` holds what was read, undefined when nothing came). */
export type SniffResult = { readonly http: boolean; readonly first: Buffer | undefined };

/**
 * Reads the first bytes of `socket` (up to 5, or what arrived before `deadlineMs`) and calls `decided`
 * once, with the bytes taken from the socket (the caller hands them on). Not called if it closes first.
 */
export function sniffHttp(socket: Socket, deadlineMs: number, decided: (result: SniffResult) => void): void {
  let first: Buffer | undefined;
  let done = false;
  const finish = (http: boolean) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("close", onClose);
    decided({ http, first });
  };
  const onData = (chunk: Buffer) => {
    first = first === undefined ? chunk : Buffer.concat([first, chunk]);
    const http = startsHttp(first);
    if (http !== undefined) finish(http);
  };
  const onClose = () => {
    done = true;
    clearTimeout(timer);
    socket.off("data", onData);
  };
  // Timers run before the event loop reads sockets: on a late loop the deadline can pass with the
  // client's bytes already here but unread. The decision waits one turn (setImmediate runs after the
  // reads), so a WebSocket client on a loaded server is not taken for a silent text user.
  const expire = () => setImmediate(finish, false);
  const timer = setTimeout(expire, deadlineMs);
  socket.on("data", onData);
  socket.once("close", onClose);
}
