/** `enchufe request NAME [DATA] [--timeout S]`: prints the reply's payload. */
import { connect } from "../../client/client.js";
import { t } from "../../i18n/index.js";
import { COMMON_OPTIONS, detectLang, langValue, numberValue, parseCommandArgs, usageError } from "../args.js";
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
      ctx.stdout.write(`${t(lang, "help.request", { tls: t(lang, "help.tlsClient") })}\n`);
      return EXIT_OK;
    }
    const [name, data, ...extra] = positionals;
    if (name === undefined) throw usageError(t(lang, "cli.missingArgument", { name: "NAME" }));
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    const timeoutMs = numberValue("timeout", values.timeout, 10, lang) * 1000;
    const client = await connect({
      ...{ ...(await connectionFrom(values, ctx, lang)), name: "enchufe-request" },
      reconnect: false,
    });
    let failure: unknown;
    client.on("error", (error: unknown) => {
      failure ??= error;
    });
    try {
      const reply = await client.request(name, data ?? "", { timeoutMs });
      if (failure !== undefined) throw failure;
      ctx.stdout.write(reply.payload);
      ctx.stdout.write("\n");
    } finally {
      await client.close();
    }
    return EXIT_OK;
  } catch (error) {
    return reportError(ctx, lang, error, debug);
  }
};
