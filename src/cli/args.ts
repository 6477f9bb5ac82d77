/**
 * Argument parsing shared by every sub-command, on node:util parseArgs (strict).
 * Bad input becomes an EUSAGE error with a localized message; the command exits 2.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { EnchufeError } from "../errors.js";
import { type Lang, type MessageKey, parseLang, t } from "../i18n/index.js";
import { MAX_TOPIC_BYTES, topicProblem } from "../protocol/topics.js";
import type { CliContext } from "./context.js";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  lang: { type: "string" },
  trace: { type: "boolean" },
  debug: { type: "boolean" },
} as const satisfies OptionsConfig;

/** A usage error: the message is already in the user's language. */
export function usageError(message: string): EnchufeError {
  return new EnchufeError("EUSAGE", message, { details: { message } });
}

/** The language asked for on the command line (--lang), else the context's; never throws. */
export function detectLang(argv: readonly string[], ctx: CliContext): Lang {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--lang") return parseLang(argv[i + 1]) ?? ctx.lang;
    if (arg.startsWith("--lang=")) return parseLang(arg.slice(7)) ?? ctx.lang;
  }
  return ctx.lang;
}

/**
 * `lang` when the user chose it (the command's --lang or ENCHUFE_LANG), else undefined: then what the
 * user reads elsewhere (the server's lines to `enchufe chat`, the web page) may follow its own default.
 */
export function chosenLang(value: string | undefined, env: NodeJS.ProcessEnv, lang: Lang): Lang | undefined {
  return value === undefined && env.ENCHUFE_LANG === undefined ? undefined : lang;
}

/** The parsed values of an options config: booleans, strings, or string arrays for `multiple`. */
export type ParsedOptions<O extends OptionsConfig> = {
  [K in keyof O]?: O[K] extends { type: "boolean" }
    ? boolean
    : O[K] extends { multiple: true }
      ? string[]
      : string;
};

/**
 * `--timeout -1` as `--timeout=-1`: parseArgs takes "-1" for an option and would say the value is
 * missing; joined, the value reaches its own check, which says what the rule is.
 */
function joinNegativeValues(argv: readonly string[], options: OptionsConfig): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const option = arg.startsWith("--") ? options[arg.slice(2)] : undefined;
    if (option?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  return args;
}

/** parseArgs with localized usage errors. */
export function parseCommandArgs<O extends OptionsConfig>(
  argv: readonly string[],
  options: O,
  lang: Lang,
  config: { allowPositionals?: boolean } = {},
): { values: ParsedOptions<O>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: config.allowPositionals ?? false,
    });
    return { values: parsed.values as ParsedOptions<O>, positionals: parsed.positionals };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const text = error instanceof Error ? error.message : String(error);
    const option = /'([^']+)'/.exec(text)?.[1] ?? text;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw usageError(t(lang, "cli.unknownOption", { option }));
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      throw usageError(t(lang, "cli.missingValue", { option: option.split(" ")[0] }));
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw usageError(t(lang, "cli.unexpectedArgument", { value: option }));
    }
    throw usageError(text);
  }
}

/** The --lang value, checked. */
export function langValue(value: string | undefined, fallback: Lang): Lang {
  if (value === undefined) return fallback;
  const lang = parseLang(value);
  if (lang === undefined || value.length > 5) throw usageError(t(fallback, "cli.badLang", { value }));
  return lang;
}

/** A TCP port from its text: an integer 0-65535. */
export function portValue(value: string | undefined, fallback: number, lang: Lang): number {
  if (value === undefined) return fallback;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) throw usageError(t(lang, "cli.badPort", { value }));
  return port;
}

/** A non-negative number (seconds, counts...) from its text. */
export function numberValue(
  option: string,
  value: string | undefined,
  fallback: number,
  lang: Lang,
  rule: { min?: number; integer?: boolean } = {},
): number {
  if (value === undefined) return fallback;
  const number = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  const min = rule.min ?? 0;
  if (!Number.isFinite(number) || number < min || (rule.integer === true && !Number.isInteger(number))) {
    const text =
      lang === "es"
        ? `${rule.integer ? "un número entero" : "un número"} >= ${min}`
        : `${rule.integer ? "an integer" : "a number"} >= ${min}`;
    throw usageError(t(lang, "cli.badNumber", { option: `--${option}`, rule: text, value }));
  }
  return number;
}

/** The usage error for a missing positional argument, named as the help text names it (TEMA, TOPIC...). */
export function missingArgument(lang: Lang, name: "TOPIC" | "NAME" | "PATTERN"): EnchufeError {
  return usageError(t(lang, "cli.missingArgument", { name: t(lang, `arg.${name}`) }));
}

/** Why `topic` is not valid, in `lang`; undefined when it is valid. Same rules as protocol/topics.ts. */
export function localTopicProblem(topic: string, wildcards: boolean, lang: Lang): string | undefined {
  if (topicProblem(topic, wildcards) === undefined) return undefined;
  if (topic.length === 0) return t(lang, "topic.empty");
  if (topic.length > MAX_TOPIC_BYTES) return t(lang, "topic.tooLong", { max: MAX_TOPIC_BYTES });
  const tokens = topic.split(".");
  if (tokens.includes("")) return t(lang, "topic.emptyToken");
  const bad = tokens.findIndex(
    (token, i) => topicProblem(token, wildcards && (token !== ">" || i === tokens.length - 1)) !== undefined,
  );
  const token = tokens[bad] ?? topic;
  if (wildcards && token === ">") return t(lang, "topic.wildcardNotLast");
  const key: MessageKey = wildcards ? "topic.badTokenWildcards" : "topic.badToken";
  return t(lang, key, { token });
}

/** A topic (or, with `wildcards`, a pattern) from the command line; an invalid one is a usage error. */
export function topicArgument(topic: string, wildcards: boolean, lang: Lang): string {
  const problem = localTopicProblem(topic, wildcards, lang);
  if (problem !== undefined) throw usageError(t(lang, "error.EINVALIDTOPIC", { topic, problem }));
  return topic;
}
