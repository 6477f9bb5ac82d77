/**
 * `npm start --port 5731` gives npm the flag (npm_config_port=true) and enchufe only `5731`. This
 * spots it (flags npm kept, or arguments the server never takes), so that the usage error says the
 * command that works: `npm start -- --port 5731`.
 */
import { type Lang, t } from "../i18n/index.js";

/**
 * The server's flags as its help describes them (test/cli/help.test.ts keeps that complete): each
 * name, and whether a value follows it (`--port PUERTO`, `--lang es|en`, `--workers N|auto`).
 */
function serverFlags(lang: Lang): Map<string, boolean> {
  const keys = [
    "help.server",
    "help.serverLimits",
    "help.tlsServer",
    "help.serverCluster",
    "help.main",
  ] as const;
  const text = keys.map((key) => t(lang, key)).join("\n");
  const flags = new Map<string, boolean>([["-p", true]]);
  for (const match of text.matchAll(/--([a-z][a-z-]*)( (?:[A-ZÁÉÍÓÚÑ]|es\|en))?/g)) {
    const flag = `--${match[1]!}`;
    flags.set(flag, flags.get(flag) === true || match[2] !== undefined);
  }
  return flags;
}

/** The arguments that are neither a flag nor a flag's value: the server takes none. */
function strayArguments(argv: readonly string[], flags: ReadonlyMap<string, boolean>): string[] {
  const stray: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) stray.push(arg);
    else if (!arg.includes("=") && flags.get(arg) === true) i++;
  }
  return stray;
}

/**
 * Under `npm start` (`enchufe server`): what npm kept for itself (`--port`, or the `'5731'` left
 * without its flag) and an example that passes it on; undefined when npm kept nothing.
 */
export function flagsTakenByNpm(
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
  lang: Lang,
): { key: "cli.npmTookFlags" | "cli.npmTookValue"; what: string; example: string } | undefined {
  if (env.npm_lifecycle_event !== "start" || argv[0] !== "server") return undefined;
  const known = serverFlags(lang);
  const taken = Object.entries(env)
    .filter(([key]) => key.startsWith("npm_config_"))
    .map(([key, value]) => ({ flag: `--${key.slice(11).replaceAll("_", "-")}`, value }))
    .filter(({ flag }) => known.has(flag));
  // The server takes no arguments: one here is a flag's value whose flag npm kept.
  const leftover = strayArguments(argv.slice(1), known);
  if (taken.length === 0 && leftover.length === 0) return undefined;
  const port = leftover.find((arg) => /^\d{1,5}$/.test(arg)) ?? "5001";
  const words = taken.map(({ flag, value }) => {
    if (flag === "--port" && value === "true") return `--port ${port}`;
    return value === "true" ? flag : `${flag} ${value}`;
  });
  return {
    key: taken.length > 0 ? "cli.npmTookFlags" : "cli.npmTookValue",
    what:
      taken.length > 0
        ? taken.map(({ flag }) => flag).join(", ")
        : leftover.map((arg) => `'${arg}'`).join(" "),
    example: `npm start -- ${words.length > 0 ? words.join(" ") : `--port ${port}`}`,
  };
}
