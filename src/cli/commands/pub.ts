/**
 * `enchufe pub TOPIC [MESSAGE]`: publishes MESSAGE, or one message per standard-input line, in order, and
 * waits for the server's acknowledgement of each (docs/PROTOCOL.md §2.5: kept in the history, with
 * `--fsync always` on disk); a message that is not acknowledged is an error and a non-zero exit.
 */
import { createInterface } from "node:readline";
import type { EnchufeClient } from "../../client/enchufe-client.js";
import { t } from "../../i18n/index.js";
import { missingArgument, topicArgument, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom, withOneShotClient } from "../connection.js";
import { EXIT_OK } from "../context.js";

/** Lines published but not yet acknowledged, at most: the input is read as fast as the server keeps up. */
const IN_FLIGHT = 256;

/** Publishes each line with an acknowledgement, a window of IN_FLIGHT at a time; throws the first failure. */
async function publishLines(
  client: EnchufeClient,
  topic: string,
  lines: AsyncIterable<string>,
): Promise<void> {
  let failure: unknown;
  let waiting = 0;
  let freed: (() => void) | undefined;
  const settled = () => {
    waiting--;
    freed?.();
  };
  for await (const line of lines) {
    if (failure !== undefined) break;
    waiting++;
    client.publishAcked(topic, line).then(settled, (error: unknown) => {
      failure ??= error;
      settled();
    });
    while (waiting >= IN_FLIGHT && failure === undefined) {
      await new Promise<void>((resolve) => {
        freed = resolve;
      });
    }
  }
  while (waiting > 0) {
    await new Promise<void>((resolve) => {
      freed = resolve;
    });
  }
  if (failure !== undefined) throw failure;
}

export const run = defineCommand({
  options: CONNECTION_OPTIONS,
  positionals: true,
  help: "help.pub",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, positionals, lang }, ctx) => {
    const [topic, message, ...extra] = positionals;
    if (topic === undefined) throw missingArgument(lang, "TOPIC");
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    topicArgument(topic, false, lang);
    await withOneShotClient(await connectionFrom(values, ctx, lang), "enchufe-pub", async (client) => {
      if (message !== undefined) {
        await client.publishAcked(topic, message);
        return;
      }
      // On a terminal, say what the wait is for: a person may not know pub reads lines.
      if (ctx.stdin.isTTY === true) ctx.stderr.write(`${t(lang, "pub.hint")}\n`);
      const lines = createInterface({ input: ctx.stdin, crlfDelay: Number.POSITIVE_INFINITY });
      await publishLines(client, topic, lines);
    });
    return EXIT_OK;
  },
});
