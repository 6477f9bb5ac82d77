/** `enchufe client`: the original cliente.py — connect, print the greeting, close. */
import { fetchGreeting } from "../../client/greet.js";
import { t } from "../../i18n/index.js";
import { COMMON_OPTIONS, detectLang, langValue, parseCommandArgs } from "../args.js";
import { CONNECTION_OPTIONS, connectionFrom } from "../connection.js";
import { type Command, EXIT_OK } from "../context.js";
import { reportError } from "../output.js";

const OPTIONS = { ...COMMON_OPTIONS, ...CONNECTION_OPTIONS } as const;

export const run: Command = async (argv, ctx) => {
  let lang = detectLang(argv, ctx);
  let debug = argv.includes("--debug");
  try {
    const { values } = parseCommandArgs(argv, OPTIONS, lang);
    lang = langValue(values.lang, lang);
    debug = values.debug === true;
    if (values.help === true) {
      ctx.stdout.write(`${t(lang, "help.client", { extra: t(lang, "help.tlsClient") })}\n`);
      return EXIT_OK;
    }
    const greeting = await fetchGreeting(await connectionFrom(values, ctx, lang));
    if (!greeting.validUtf8) ctx.stderr.write(`${t(lang, "cli.invalidUtf8")}\n`);
    ctx.stdout.write(`${t(lang, "cli.message", { text: greeting.text })}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(ctx, lang, error, debug);
  }
};
