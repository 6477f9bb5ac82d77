/**
 * A TCP relay on loopback between a client and a server, to cut connections for real: `cut()` destroys
 * every relayed pair (both sockets), as a dropped Wi-Fi or a killed NAT entry would; new connections are
 * relayed again at once, or refused (closed on arrival) while `block()` holds until `unblock()`.
 * `holdReplies()` stops relaying what the server sends on the connections open now (a reply lost on its way).
 */
import net from "node:net";

export interface CutProxy {
  readonly port: number;
  /** New connections go to `port` from now on (a client that moves to another cluster node). */
  retarget(port: number): void;
  /** Destroys every connection relayed now; resolves once they are closed. */
  cut(): Promise<void>;
  /**
   * What the server sends on the connections relayed now is dropped from now on, not relayed: the client's
   * frames still get through, their answers never come (still read, so the server's close is seen).
   */
  holdReplies(): void;
  /** From now on connections are closed as they arrive, until unblock(). */
  block(): void;
  unblock(): void;
  close(): Promise<void>;
}

function dropReply(): void {}

export async function startCutProxy(targetPort: number, host = "127.0.0.1"): Promise<CutProxy> {
  const pairs = new Set<{ client: net.Socket; server: net.Socket }>();
  let blocked = false;
  let target = targetPort;
  const proxy = net.createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    const server = net.connect(target, host);
    const pair = { client, server };
    pairs.add(pair);
    client.pipe(server);
    server.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on("error", end).on("close", end);
    server.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, host, resolve));
  const port = (proxy.address() as net.AddressInfo).port;
  return {
    port,
    retarget(port: number) {
      target = port;
    },
    async cut() {
      const closing = [...pairs].map(
        (pair) =>
          new Promise<void>((resolve) =>
            pair.client.destroyed ? resolve() : pair.client.once("close", () => resolve()),
          ),
      );
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      await Promise.all(closing);
    },
    holdReplies() {
      for (const { client, server } of pairs) {
        server.unpipe(client);
        server.on("data", dropReply).resume();
      }
    },
    block() {
      blocked = true;
    },
    unblock() {
      blocked = false;
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
