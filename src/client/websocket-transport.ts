/**
 * The client's WebSocket transport: subprotocol enchufe.v1 (docs/PROTOCOL.md §8), binary messages that
 * carry the framed protocol from WELCOME on (no greeting, no preface). It runs wherever a WebSocket
 * class does: a browser, Node 22+ (globalThis.WebSocket), or Node 20 given one (the `webSocket` option,
 * e.g. the ws package). The WebSocket is described by the few members used here, so neither the DOM
 * library nor a package's types are needed. Each send is one message (the server reads a frame across
 * messages and several frames in one, so no joining is needed; one message per frame also keeps every
 * message under the server's limit).
 */
import { EnchufeError } from "../errors.js";
import { abortError, type Place, stepTimeoutError } from "../transport/step-errors.js";
import type { ClientOptions } from "./options.js";
import { type ClientTransport, END_GRACE_MS, type TransportReceiver } from "./transport.js";
import type { WebSocketCloseEvent, WebSocketConstructor, WebSocketLike } from "./websocket-like.js";

/** The subprotocol of the framed protocol over WebSocket. */
export const FRAMED_SUBPROTOCOL = "enchufe.v1";

const OPEN = 1;
const CLOSED = 3;
const NORMAL_CLOSE = 1000;
const GOING_AWAY = 1001;
/** The code a WebSocket reports when it closed without a close frame (RFC 6455 §7.1.5). */
const ABNORMAL_CLOSE = 1006;

function ignore(): void {}

function noWebSocketError(): EnchufeError {
  return new EnchufeError(
    "ENOWEBSOCKET",
    "No WebSocket class: this Node has none built in (Node 22 and later do); pass one as the webSocket option (e.g. the ws package's)",
    { details: {} },
  );
}

/** The WebSocket class to use: the option, else the platform's. */
function webSocketClass(options: ClientOptions): WebSocketConstructor | undefined {
  return options.webSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

/** Opens a WebSocket to `options.url` with subprotocol enchufe.v1; resolves once it is open. */
export function dialWebSocket(options: ClientOptions): Promise<ClientTransport> {
  const WebSocketClass = webSocketClass(options);
  if (WebSocketClass === undefined) return Promise.reject(noWebSocketError());
  const url = options.url!;
  const place: Place = { host: options.host, port: options.port, address: url };
  const { signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  options.trace?.({ step: "connect", address: url });
  const socket = new WebSocketClass(url, FRAMED_SUBPROTOCOL);
  socket.binaryType = "arraybuffer";
  return new Promise((resolve, reject) => {
    const fail = (error: EnchufeError) => {
      cleanup();
      socket.onclose = null;
      // Closing before the open makes some WebSocket classes (ws) report an error: it is ours, ignore it.
      socket.onerror = ignore;
      socket.close();
      reject(error);
    };
    const onAbort = () => fail(abortError(signal!));
    const timer =
      timeoutMs > 0
        ? setTimeout(() => fail(stepTimeoutError(place, "connect", timeoutMs)), timeoutMs)
        : undefined;
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.onopen = null;
      socket.onerror = null;
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    // An error before the open fails the dial at once: a browser that blocks the URL (the page's
    // Content-Security-Policy) fires 'error' and never 'close'. Browsers say nothing more; Node's
    // WebSocket classes put the reason in `message`.
    socket.onerror = (event: { message?: unknown }) => {
      const why = typeof event.message === "string" ? event.message : "";
      fail(openError(url, { code: ABNORMAL_CLOSE, reason: "" }, why));
    };
    socket.onclose = (event: WebSocketCloseEvent) => {
      cleanup();
      reject(openError(url, event, ""));
    };
    socket.onopen = () => {
      cleanup();
      if (socket.protocol !== FRAMED_SUBPROTOCOL) {
        fail(openError(url, { code: 0, reason: "" }, `the server chose subprotocol '${socket.protocol}'`));
        return;
      }
      resolve(new WebSocketTransport(socket, place, url.startsWith("wss:")));
    };
  });
}

/** EWEBSOCKET: the WebSocket did not open (refused, not found, origin not allowed, not a server of ours). */
function openError(url: string, event: WebSocketCloseEvent, why: string): EnchufeError {
  const reason = why !== "" ? why : event.reason;
  return new EnchufeError(
    "EWEBSOCKET",
    `The WebSocket ${url} did not open${reason === "" ? "" : `: ${reason}`} (close code ${event.code})`,
    {
      details: {
        address: url,
        code: event.code,
        reason: reason === "" ? `close code ${event.code}` : reason,
      },
    },
  );
}

class WebSocketTransport implements ClientTransport {
  readonly place: Place;
  readonly isEncrypted: boolean;
  receiver: TransportReceiver | undefined;
  readonly #socket: WebSocketLike;
  #error: EnchufeError | undefined;
  #onClosed: (() => void) | undefined;

  constructor(socket: WebSocketLike, place: Place, encrypted: boolean) {
    this.#socket = socket;
    this.place = place;
    this.isEncrypted = encrypted;
    socket.onmessage = (event: { data: unknown }) => this.#onMessage(event.data);
    socket.onerror = () => {
      // 'close' follows and tells the receiver.
    };
    socket.onclose = (event: WebSocketCloseEvent) => this.#onClose(event);
  }

  send(bytes: Uint8Array): void {
    if (this.#socket.readyState === OPEN) this.#socket.send(bytes);
  }

  cork(): void {}

  uncork(): void {}

  async end(last: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (socket.readyState === CLOSED) return;
    const closed = new Promise<void>((resolve) => {
      this.#onClosed = resolve;
    });
    this.send(last);
    socket.close(NORMAL_CLOSE);
    const timer = setTimeout(() => this.#onClosed?.(), END_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }

  destroy(): void {
    this.#socket.close();
  }

  #onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      this.receiver?.received(Buffer.from(data));
      return;
    }
    // enchufe.v1 is binary only: a text message is the server's mistake. (The server would close with
    // 1003; a browser's close() takes only 1000 or 3000-4999, so the reason says it.)
    this.#error = new EnchufeError("EPROTOCOL", "The server sent a text message on enchufe.v1", {
      details: { address: this.place.address },
    });
    this.#socket.close(NORMAL_CLOSE, "enchufe.v1 is binary: a text message is not allowed");
  }

  #onClose(event: WebSocketCloseEvent): void {
    const receiver = this.receiver;
    this.receiver = undefined;
    this.#onClosed?.();
    receiver?.closed(this.#error ?? closeError(this.place, event));
  }
}

/** Why an open WebSocket closed: undefined for a normal close or shutdown (the CLOSE frame says more). */
function closeError(place: Place, event: WebSocketCloseEvent): EnchufeError | undefined {
  if (event.code === NORMAL_CLOSE || event.code === GOING_AWAY) return undefined;
  const reason = event.reason === "" ? "" : `: ${event.reason}`;
  return new EnchufeError("ECLOSED", `The WebSocket closed with code ${event.code}${reason}`, {
    details: { address: place.address, step: "read", code: event.code, reason: event.reason },
  });
}
