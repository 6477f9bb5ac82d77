/**
 * `enchufe history TOPIC [--last N | --since POS | --since-time TIME] [--json]`: prints what the server
 * keeps of TOPIC, oldest first, as `[topic HH:MM] who: message` (the time it was kept), and exits. One
 * replaying subscription, stopped at its end (client.history()): no live message gets in.
 */
import { clockTime, t } from "../../i18n/index.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { missingArgument, topicArgument, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom, withOneShotClient } from "../connection.js";
import { EXIT_OK } from "../context.js";
import { START_OPTIONS, startFrom } from "../history-start.js";
import { jsonLine } from "./sub.js";

/** How many messages `enchufe history` shows without --last (as /history in text mode). */
const DEFAULT_LAST = 20;

const OPTIONS = { ...CONNECTION_OPTIONS, ...START_OPTIONS, json: { type: "boolean" } } as const;

export const run = defineCommand({
  options: OPTIONS,
  positionals: true,
  help: "help.historyCommand",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, positionals, lang }, ctx) => {
    const [topic, ...extra] = positionals;
    if (topic === undefined) throw missingArgument(lang, "TOPIC");
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    topicArgument(topic, true, lang);
    const start = startFrom(values, lang) ?? { last: DEFAULT_LAST };
    const read = await withOneShotClient(
      await connectionFrom(values, ctx, lang),
      "enchufe-history",
      (client) => client.history(topic, start),
    );
    for (const message of read.messages) {
      if (values.json === true) {
        ctx.stdout.write(jsonLine(message));
        continue;
      }
      const time = clockTime(new Date(message.time ?? Date.now()));
      ctx.stdout.write(
        `[${message.topic} ${time}] ${sanitizeLine(message.from)}: ${sanitizeLine(message.payload)}\n`,
      );
    }
    if (read.messages.length === 0) ctx.stderr.write(`${t(lang, "history.nothing", { topic })}\n`);
    else if (!read.recovered && !("last" in start)) ctx.stderr.write(`${t(lang, "history.someGone")}\n`);
    return EXIT_OK;
  },
});
