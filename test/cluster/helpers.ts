/** Cluster test helpers: server nodes as real `enchufe server --cluster` processes on one private Redis. */
import { enchufe, type Running } from "../helpers/cli.js";
import { FramedClient, TextClient } from "../helpers/framed.js";

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
