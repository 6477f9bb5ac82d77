/** `enchufe pub TOPIC [MESSAGE]`: publishes MESSAGE, or one message per standard-input line, in order. */
import { createInterface } from "node:readline";
import { connect } from "../../client/client.js";
import { t } from "../../i18n/index.js";
import { COMMON_OPTIONS, detectLang, langValue, parseCommandArgs, usageError } from "../args.js";
import { CONNECTION_OPTIONS, connectionFrom } from "../connection.js";
import { type Command, EXIT_OK } from "../context.js";
import { reportError } from "../output.js";

const OPTIONS = { ...COMMON_OPTIONS, ...CONNECTION_OPTIONS } as const;

export const run: Command = async (argv, ctx) => {
  let lang = detectLang(argv, ctx);
  let debug = argv.includes("--debug");
  try {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, lang, { allowPositionals: true });
    lang = langValue(values.lang, lang);
    debug = values.debug === true;
    if (values.help === true) {
      ctx.stdout.write(`${t(lang, "help.pub", { tls: t(lang, "help.tlsClient") })}\n`);
      return EXIT_OK;
    }
    const [topic, message, ...extra] = positionals;
    if (topic === undefined) throw usageError(t(lang, "cli.missingArgument", { name: "TOPIC" }));
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    const client = await connect({
      ...{ ...(await connectionFrom(values, ctx, lang)), name: "enchufe-pub" },
      reconnect: false,
    });
    let failure: unknown;
    client.on("error", (error: unknown) => {
      failure ??= error;
    });
    try {
      if (message !== undefined) {
        client.publish(topic, message);
      } else {
        const lines = createInterface({ input: ctx.stdin, crlfDelay: Number.POSITIVE_INFINITY });
        for await (const line of lines) client.publish(topic, line);
      }
      await client.flush();
      if (failure !== undefined) throw failure;
    } finally {
      await client.close();
    }
    return EXIT_OK;
  } catch (error) {
    return reportError(ctx, lang, error, debug);
  }
};
