import { parseLang } from "../i18n/index.js";
import { commands } from "./commands/index.js";
import { type CliContext, EXIT_USAGE } from "./context.js";

/** The `enchufe` command: dispatches to one module per sub-command. Resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const ctx: CliContext = {
    lang: parseLang(process.env.ENCHUFE_LANG) ?? "es",
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  };
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : commands[name];
  if (load === undefined) {
    ctx.stderr.write(`enchufe: unknown command '${name ?? ""}'\n`);
    return EXIT_USAGE;
  }
  const command = await load();
  return command(rest, ctx);
}
