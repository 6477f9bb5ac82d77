/**
 * `enchufe request NAME [DATA] [--timeout S]`: prints the reply's payload. Without DATA, and with
 * standard input not a terminal, the data is all of standard input (`echo hola | enchufe request echo`).
 */
import type { Reply } from "../../client/client.js";
import { EnchufeError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { missingArgument, numberValue, topicArgument, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom, withOneShotClient } from "../connection.js";
import { EXIT_FAILURE, EXIT_OK } from "../context.js";
import { onOutputClosed } from "../output.js";

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** True for a request that got no answer in time (the server's TIMEOUT reply or the client's timer). */
function isRequestTimeout(error: unknown): error is EnchufeError {
  return error instanceof EnchufeError && error.code === "ETIMEDOUT" && error.details.step === "request";
}

export const run = defineCommand({
  options: CONNECTION_OPTIONS,
  positionals: true,
  help: "help.request",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, positionals, lang, debug }, ctx) => {
    const [name, argument, ...extra] = positionals;
    if (name === undefined) throw missingArgument(lang, "NAME");
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    topicArgument(name, false, lang);
    const seconds = numberValue("timeout", values.timeout, 10, lang);
    const data = argument ?? (ctx.stdin.isTTY === true ? "" : await readAll(ctx.stdin));
    const connection = await connectionFrom(values, ctx, lang);
    let reply: Reply;
    try {
      reply = await withOneShotClient(connection, "enchufe-request", (client) =>
        client.request(name, data, { timeoutMs: seconds * 1000 }),
      );
    } catch (error) {
      if (!isRequestTimeout(error)) throw error;
      // The server's TIMEOUT reply carries no duration: say the one the user chose, and the way out.
      ctx.stderr.write(`enchufe: ${t(lang, "request.timeout", { name, seconds })}\n`);
      if (debug) ctx.stderr.write(`[${error.code}] ${error.stack ?? error.message}\n`);
      return EXIT_FAILURE;
    }
    onOutputClosed(ctx.stdout, () => {});
    ctx.stdout.write(reply.payload);
    ctx.stdout.write("\n");
    return EXIT_OK;
  },
});
