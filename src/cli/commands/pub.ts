/** `enchufe pub TOPIC [MESSAGE]`: publishes MESSAGE, or one message per standard-input line, in order. */
import { createInterface } from "node:readline";
import { t } from "../../i18n/index.js";
import { missingArgument, topicArgument, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom, withOneShotClient } from "../connection.js";
import { EXIT_OK } from "../context.js";

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
        client.publish(topic, message);
      } else {
        // On a terminal, say what the wait is for: a person may not know pub reads lines.
        if (ctx.stdin.isTTY === true) ctx.stderr.write(`${t(lang, "pub.hint")}\n`);
        const lines = createInterface({ input: ctx.stdin, crlfDelay: Number.POSITIVE_INFINITY });
        for await (const line of lines) client.publish(topic, line);
      }
      await client.flush();
    });
    return EXIT_OK;
  },
});
