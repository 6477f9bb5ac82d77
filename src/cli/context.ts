import type { Lang } from "../i18n/index.js";

/** What a sub-command gets from the process: streams, environment, and the default language. */
export interface CliContext {
  /** The language from ENCHUFE_LANG (default "es"); a command's own --lang overrides it. */
  readonly lang: Lang;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A sub-command: receives the arguments after its name and resolves to the process exit code. */
export type Command = (argv: readonly string[], ctx: CliContext) => Promise<number>;

/** Exit codes: 0 success, 1 runtime failure, 2 usage error (bad flag or value). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
