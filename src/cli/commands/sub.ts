/** `enchufe sub TOPIC [--count N] [--raw]`: prints each message as `[<topic>] <payload>`, like `nats sub`. */
import { connect } from "../../client/client.js";
import { t } from "../../i18n/index.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { numberValue, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom } from "../connection.js";
import { EXIT_OK } from "../context.js";
import { reportError } from "../output.js";

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  count: { type: "string", short: "n" },
  raw: { type: "boolean" },
} as const;

export const run = defineCommand({
  options: OPTIONS,
  positionals: true,
  help: "help.sub",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, positionals, lang, debug }, ctx) => {
    const [topic, ...extra] = positionals;
    if (topic === undefined) throw usageError(t(lang, "cli.missingArgument", { name: "TOPIC" }));
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    const count = numberValue("count", values.count, 0, lang, { integer: true });
    const client = await connect({ ...(await connectionFrom(values, ctx, lang)), name: "enchufe-sub" });
    client.on("disconnected", () => ctx.stderr.write(`${t(lang, "cli.reconnecting")}\n`));
    client.on("reconnected", () => ctx.stderr.write(`${t(lang, "cli.reconnected")}\n`));
    client.on("error", (error: unknown) => {
      if (!subscription.closed) reportError(ctx, lang, error, debug);
    });
    const subscription = client.subscribe(topic);
    const stop = () => subscription.unsubscribe();
    let received = 0;
    try {
      await client.flush();
      if (subscription.error !== undefined) throw subscription.error;
      ctx.stderr.write(`${t(lang, "cli.subscribed", { topic })}\n`);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      for await (const message of subscription) {
        if (values.raw === true) ctx.stdout.write(message.payload);
        else ctx.stdout.write(`[${message.topic}] ${sanitizeLine(message.payload)}\n`);
        received++;
        if (count > 0 && received >= count) break;
      }
      if (subscription.error !== undefined) throw subscription.error;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      await client.close();
    }
    return EXIT_OK;
  },
});
