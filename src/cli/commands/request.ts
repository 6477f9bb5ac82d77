/** `enchufe request NAME [DATA] [--timeout S]`: prints the reply's payload. */
import { t } from "../../i18n/index.js";
import { numberValue, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom, withOneShotClient } from "../connection.js";
import { EXIT_OK } from "../context.js";

export const run = defineCommand({
  options: CONNECTION_OPTIONS,
  positionals: true,
  help: "help.request",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, positionals, lang }, ctx) => {
    const [name, data, ...extra] = positionals;
    if (name === undefined) throw usageError(t(lang, "cli.missingArgument", { name: "NAME" }));
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    const timeoutMs = numberValue("timeout", values.timeout, 10, lang) * 1000;
    const reply = await withOneShotClient(
      await connectionFrom(values, ctx, lang),
      "enchufe-request",
      (client) => client.request(name, data ?? "", { timeoutMs }),
    );
    ctx.stdout.write(reply.payload);
    ctx.stdout.write("\n");
    return EXIT_OK;
  },
});
