/** `enchufe client`: the original cliente.py — connect, print the greeting, close. */
import { fetchGreeting } from "../../client/greet.js";
import { t } from "../../i18n/index.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom } from "../connection.js";
import { EXIT_OK } from "../context.js";

export const run = defineCommand({
  options: CONNECTION_OPTIONS,
  help: "help.client",
  helpParams: (lang) => ({ extra: t(lang, "help.tlsClient") }),
  run: async ({ values, lang }, ctx) => {
    const greeting = await fetchGreeting(await connectionFrom(values, ctx, lang));
    if (!greeting.validUtf8) ctx.stderr.write(`${t(lang, "cli.invalidUtf8")}\n`);
    ctx.stdout.write(`${t(lang, "cli.message", { text: greeting.text })}\n`);
    return EXIT_OK;
  },
});
