/** How the CLI shows errors and trace events: one localized line, stack traces only with --debug. */
import { EnchufeError } from "../errors.js";
import { type Lang, type MessageKey, t } from "../i18n/index.js";
import type { TraceEvent } from "../transport/trace.js";
import { type CliContext, EXIT_FAILURE, EXIT_USAGE } from "./context.js";

/** Prints `error` on stderr in the user's language and returns the exit code to use. */
export function reportError(ctx: CliContext, lang: Lang, error: unknown, debug: boolean): number {
  if (error instanceof EnchufeError) {
    const params: Record<string, string | number | undefined> = { message: error.message, ...error.details };
    ctx.stderr.write(`enchufe: ${t(lang, `error.${error.code}`, params)}\n`);
    if (debug) ctx.stderr.write(`[${error.code}] ${error.stack ?? error.message}\n${causeText(error.cause)}`);
    return error.code === "EUSAGE" ? EXIT_USAGE : EXIT_FAILURE;
  }
  ctx.stderr.write(`enchufe: ${t(lang, "cli.unexpected")}\n`);
  ctx.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_FAILURE;
}

function causeText(cause: unknown): string {
  if (cause === undefined) return "";
  return `caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`;
}

/** One trace line for a lifecycle event. */
export function traceLine(lang: Lang, event: TraceEvent): string {
  const { step, ...params } = event;
  return t(lang, `trace.${step}` as MessageKey, params as Record<string, string | number>);
}
