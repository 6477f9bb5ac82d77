/** The `enchufe` command: dispatches to one module per sub-command. Resolves to the exit code. */
import { readFileSync } from "node:fs";
import { parseLang, t } from "../i18n/index.js";
import { detectLang, langValue } from "./args.js";
import { commands } from "./commands/index.js";
import { type CliContext, EXIT_OK, EXIT_USAGE } from "./context.js";
import { closestCommand, commandList, HELP_COMMAND } from "./help.js";
import { flagsTakenByNpm } from "./npm-args.js";
import { reportError } from "./output.js";

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** How many leading arguments are a global `--lang X` / `--lang=X` (before the command's name). */
function leadingLang(argv: readonly string[]): number {
  if (argv[0] === "--lang") return 2;
  return argv[0]?.startsWith("--lang=") === true ? 1 : 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const base: CliContext = {
    lang: parseLang(process.env.ENCHUFE_LANG) ?? "es",
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  };
  const skip = leadingLang(argv);
  let lang = detectLang(argv, base);
  if (skip > 0) {
    try {
      lang = langValue(skip === 2 ? (argv[1] ?? "") : argv[0]!.slice(7), base.lang);
    } catch (error) {
      return reportError(base, base.lang, error, false);
    }
  }
  const ctx: CliContext = { ...base, lang };
  const [name, ...rest] = argv.slice(skip);
  if (name === "--version" || name === "-v") {
    ctx.stdout.write(`enchufe ${version()}\n`);
    return EXIT_OK;
  }
  if (name === HELP_COMMAND && rest[0] !== undefined && !rest[0].startsWith("-")) {
    return dispatch(rest[0], ["--help", ...rest.slice(1)], ctx);
  }
  if (name === undefined || name === "--help" || name === "-h" || name === HELP_COMMAND) {
    // Bare `enchufe` is a usage error (exit 2, on stderr); asking for help is not.
    const out = name === undefined && skip === 0 ? ctx.stderr : ctx.stdout;
    out.write(`${t(lang, "help.main", { commands: commandList(lang, Object.keys(commands)) })}\n`);
    return out === ctx.stderr ? EXIT_USAGE : EXIT_OK;
  }
  const npm = flagsTakenByNpm(ctx.env, argv.slice(skip), lang);
  if (npm !== undefined) {
    ctx.stderr.write(`enchufe: ${t(lang, npm.key, npm)}\n`);
    return EXIT_USAGE;
  }
  return dispatch(name, rest, ctx);
}

/** Runs sub-command `name`, or says it does not exist (with the closest one) and exits 2. */
async function dispatch(name: string, argv: readonly string[], ctx: CliContext): Promise<number> {
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (load === undefined) {
    const suggestion = closestCommand(name, Object.keys(commands));
    const text =
      suggestion === undefined
        ? t(ctx.lang, "cli.unknownCommand", { name })
        : t(ctx.lang, "cli.unknownCommandSuggest", { name, suggestion });
    ctx.stderr.write(`enchufe: ${text}\n`);
    return EXIT_USAGE;
  }
  const command = await load();
  return command(argv, ctx);
}
