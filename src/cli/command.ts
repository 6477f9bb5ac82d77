/**
 * The prologue every sub-command shares, written once: the language (ENCHUFE_LANG, then --lang),
 * strict argument parsing, `--help`, and one catch that prints a localized line and picks the exit
 * code (`--debug` adds the stack). A command declares its flags, its help text and a run function.
 */
import type { ParseArgsConfig } from "node:util";
import { type Lang, type MessageKey, t } from "../i18n/index.js";
import { COMMON_OPTIONS, detectLang, langValue, type ParsedOptions, parseCommandArgs } from "./args.js";
import { type CliContext, type Command, EXIT_OK } from "./context.js";
import { reportError } from "./output.js";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** What a command's run function receives once the arguments are parsed and --help is handled. */
export interface CommandInput<O extends OptionsConfig> {
  readonly values: ParsedOptions<typeof COMMON_OPTIONS & O>;
  readonly positionals: readonly string[];
  readonly lang: Lang;
  readonly debug: boolean;
}

/** A sub-command's declaration: its flags, its help text, and what it does. */
export interface CommandDefinition<O extends OptionsConfig> {
  /** The command's own flags; COMMON_OPTIONS (--help, --lang, --trace, --debug) are always added. */
  readonly options: O;
  /** Whether the command takes positional arguments (TOPIC, NAME...); otherwise one is a usage error. */
  readonly positionals?: boolean;
  /** The catalogue key of the --help text. */
  readonly help: MessageKey;
  /** The --help text's parameters (shared blocks such as the TLS flags), in the chosen language. */
  readonly helpParams?: (lang: Lang) => Readonly<Record<string, string>>;
  /** Runs the command; resolves to the exit code. Anything it throws is reported by defineCommand. */
  readonly run: (input: CommandInput<O>, ctx: CliContext) => Promise<number>;
}

/** A Command built by defineCommand: it also says which flags it takes (its --help must describe them). */
export type DefinedCommand = Command & { readonly options: Readonly<OptionsConfig> };

/** Builds a Command from its declaration, with the shared prologue and error reporting around `run`. */
export function defineCommand<O extends OptionsConfig>(definition: CommandDefinition<O>): DefinedCommand {
  const options = { ...COMMON_OPTIONS, ...definition.options };
  const allowPositionals = definition.positionals ?? false;
  const command: Command = async (argv, ctx) => {
    // Until parsing succeeds, a rough look at argv decides how a usage error itself is reported.
    let lang = detectLang(argv, ctx);
    let debug = argv.includes("--debug");
    try {
      const parsed = parseCommandArgs(argv, options, lang, { allowPositionals });
      const values = parsed.values as ParsedOptions<typeof COMMON_OPTIONS & O>;
      // The generic O hides the common flags' types from the compiler; they are always these.
      const common = parsed.values as ParsedOptions<typeof COMMON_OPTIONS>;
      lang = langValue(common.lang, lang);
      debug = common.debug === true;
      if (common.help === true) {
        ctx.stdout.write(`${t(lang, definition.help, definition.helpParams?.(lang))}\n`);
        return EXIT_OK;
      }
      return await definition.run({ values, positionals: parsed.positionals, lang, debug }, ctx);
    } catch (error) {
      return reportError(ctx, lang, error, debug);
    }
  };
  return Object.assign(command, { options: definition.options });
}
