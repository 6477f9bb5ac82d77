/** `enchufe client`: the original cliente.py — connect, print the greeting, close. */
import { fetchGreeting } from "../../client/greet.js";
import { t } from "../../i18n/index.js";
import {
  COMMON_OPTIONS,
  CONNECTION_OPTIONS,
  detectLang,
  langValue,
  numberValue,
  parseCommandArgs,
  portValue,
} from "../args.js";
import { type Command, EXIT_OK } from "../context.js";
import { reportError, traceLine } from "../output.js";

const OPTIONS = { ...COMMON_OPTIONS, ...CONNECTION_OPTIONS } as const;

export const run: Command = async (argv, ctx) => {
  let lang = detectLang(argv, ctx);
  let debug = argv.includes("--debug");
  try {
    const { values } = parseCommandArgs(argv, OPTIONS, lang);
    lang = langValue(values.lang, lang);
    debug = values.debug === true;
    if (values.help === true) {
      ctx.stdout.write(`${t(lang, "help.client", { extra: "" })}\n`);
      return EXIT_OK;
    }
    const host = values.host ?? "127.0.0.1";
    const port = portValue(values.port, 5000, lang);
    const timeoutMs = numberValue("timeout", values.timeout, 10, lang) * 1000;
    const trace =
      values.trace === true
        ? (event: Parameters<typeof traceLine>[1]) => {
            ctx.stderr.write(`${traceLine(lang, event)}\n`);
          }
        : undefined;
    const greeting = await fetchGreeting({ host, port, timeoutMs, trace });
    if (!greeting.validUtf8) ctx.stderr.write(`${t(lang, "cli.invalidUtf8")}\n`);
    ctx.stdout.write(`${t(lang, "cli.message", { text: greeting.text })}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(ctx, lang, error, debug);
  }
};
