/**
 * A WebSocket as the client's WebSocket transport sees it: the few members it uses of the WHATWG
 * WebSocket (browsers, Node 22+) or of the ws package's, so neither the DOM library nor a package's
 * types are needed to type it.
 */

/** What a WebSocket close event carries. */
export interface WebSocketCloseEvent {
  readonly code: number;
  readonly reason: string;
}

/**
 * The members of a WebSocket (the WHATWG one, or the ws package's) this transport uses. Handlers take
 * `never` so that any implementation's own event types fit; the handlers assigned here read only
 * `data`, `code`, `reason` and `message`.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly protocol: string;
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: `new WebSocket(url, protocols)`. */
export type WebSocketConstructor = new (url: string, protocols: string | string[]) => WebSocketLike;
