/** The `enchufe` command: dispatches to one module per sub-command. Resolves to the exit code. */
import { readFileSync } from "node:fs";
import { parseLang, t } from "../i18n/index.js";
import { detectLang } from "./args.js";
import { COMMAND_SUMMARIES, commands } from "./commands/index.js";
import { type CliContext, EXIT_OK, EXIT_USAGE } from "./context.js";

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: readonly string[]): Promise<number> {
  const base: CliContext = {
    lang: parseLang(process.env.ENCHUFE_LANG) ?? "es",
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  };
  const lang = detectLang(argv, base);
  const ctx: CliContext = { ...base, lang };
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") {
    ctx.stdout.write(`enchufe ${version()}\n`);
    return EXIT_OK;
  }
  if (
    name === undefined ||
    name === "--help" ||
    name === "-h" ||
    name === "help" ||
    name.startsWith("--lang")
  ) {
    const list = COMMAND_SUMMARIES.map((c) => `  ${c.name.padEnd(10)} ${c[lang]}`).join("\n");
    const out = name === undefined ? ctx.stderr : ctx.stdout;
    out.write(`${t(lang, "help.main", { commands: list })}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const load = commands[name];
  if (load === undefined) {
    ctx.stderr.write(`enchufe: ${t(lang, "cli.unknownCommand", { name })}\n`);
    return EXIT_USAGE;
  }
  const command = await load();
  return command(rest, ctx);
}
