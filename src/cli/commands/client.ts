/** `enchufe client`: the original cliente.py — connect, print the greeting, close. */
import { fetchGreeting } from "../../client/greet.js";
import { t } from "../../i18n/index.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { formatAddress } from "../../transport/address.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom } from "../connection.js";
import { EXIT_FAILURE, EXIT_OK } from "../context.js";
import { onOutputClosed } from "../output.js";

export const run = defineCommand({
  options: CONNECTION_OPTIONS,
  help: "help.client",
  helpParams: (lang) => ({ extra: t(lang, "help.tlsClient") }),
  run: async ({ values, lang }, ctx) => {
    const connection = await connectionFrom(values, ctx, lang);
    const greeting = await fetchGreeting(connection);
    // Like cliente.py, whatever the server sent is printed; nothing at all is a failure to report.
    if (greeting.bytes.length === 0) {
      const address = formatAddress(connection.host, connection.port);
      ctx.stderr.write(`enchufe: ${t(lang, "client.empty", { address })}\n`);
      return EXIT_FAILURE;
    }
    onOutputClosed(ctx.stdout, () => {});
    if (!greeting.validUtf8) ctx.stderr.write(`${t(lang, "cli.invalidUtf8")}\n`);
    // The server's bytes reach a terminal: no escape sequence may move the cursor or recolour it.
    ctx.stdout.write(`${t(lang, "cli.message", { text: sanitizeLine(greeting.text) })}\n`);
    return EXIT_OK;
  },
});
