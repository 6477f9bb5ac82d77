/** Cluster test helpers: server nodes as real `enchufe server --cluster` processes on one private Redis. */
import { after, before } from "node:test";
import { enchufe, type Running, stopAll } from "../helpers/cli.js";
import { FramedClient, TextClient } from "../helpers/framed.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";

export interface Node {
  readonly process: Running;
  readonly port: number;
}

/** Starts one node (`enchufe server --port 0 --cluster URL --lang en ...extra`) and waits for its port. */
export async function startNode(redisUrl: string, extra: readonly string[] = []): Promise<Node> {
  const process = enchufe(["server", "--port", "0", "--lang", "en", "--cluster", redisUrl, ...extra]);
  const port = await process.port();
  return { process, port };
}

/** A private Redis and `count` nodes on it for one test file, with the clients it opened (closed after). */
export interface ClusterFixture {
  readonly redis: TestRedis;
  readonly nodes: Node[];
  track<T extends { close(): void }>(client: T): T;
}

/** Registers the file's before/after hooks: Redis and the nodes start before, everything stops after. */
export function clusterFixture(count = 3): ClusterFixture {
  const clients: Array<{ close(): void }> = [];
  const fixture = {
    redis: undefined as unknown as TestRedis,
    nodes: [] as Node[],
    track<T extends { close(): void }>(client: T): T {
      clients.push(client);
      return client;
    },
  };
  before(async () => {
    fixture.redis = await startRedis();
    fixture.nodes = await Promise.all(Array.from({ length: count }, () => startNode(fixture.redis.url)));
  });
  after(async () => {
    for (const client of clients) client.close();
    await stopAll();
    await fixture.redis.stop();
  });
  return fixture;
}

/** A text user with a nickname (waits for the server's answer). */
export async function textUser(port: number, nick?: string): Promise<TextClient> {
  const { client } = await TextClient.connect(port);
  if (nick !== undefined) {
    client.send(`/nick ${nick}`);
    await client.next((line) => line === `* you are now ${nick}`);
  }
  return client;
}

/** A framed client subscribed to `patterns` (the subscriptions reached every node once this resolves). */
export async function framedUser(
  port: number,
  name: string,
  patterns: readonly string[] = [],
): Promise<FramedClient> {
  const client = await FramedClient.connect(port, name);
  for (const [i, pattern] of patterns.entries()) client.subscribe(i + 1, pattern);
  await client.flush();
  return client;
}

/** Sends `/who` and returns the member list of the answer. */
export async function who(client: TextClient): Promise<string[]> {
  client.send("/who");
  const line = await client.nextStarting("* in ");
  const list = line.slice(line.indexOf(":") + 1).trim();
  return list === "" ? [] : list.split(", ");
}
