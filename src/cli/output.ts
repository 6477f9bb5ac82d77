/** How the CLI shows errors and trace events: one localized line, stack traces only with --debug. */
import { EnchufeError } from "../errors.js";
import { type Lang, type MessageKey, t } from "../i18n/index.js";
import type { TraceEvent } from "../transport/trace.js";
import { type CliContext, EXIT_FAILURE, EXIT_USAGE } from "./context.js";

const ERRNO_WORDS = new Set(["ENOENT", "EACCES", "EPERM", "EISDIR", "ENOTDIR", "EMFILE", "EROFS", "ENOSPC"]);

/** A Node error code (ENOENT...) in words, in `lang`. */
export function errnoWords(lang: Lang, code: string): string {
  return ERRNO_WORDS.has(code) ? t(lang, `errno.${code}` as MessageKey) : t(lang, "errno.other", { code });
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** The error's details with the parts the library words in English (Node error codes) in `lang`. */
function localizedDetails(lang: Lang, error: EnchufeError): Record<string, unknown> {
  const details: Record<string, unknown> = { ...error.details };
  const errno = errnoOf(error.cause);
  if (error.code === "EFILE" && errno !== undefined) details.reason = errnoWords(lang, errno);
  if (error.code === "EUSERS" && errno !== undefined) {
    details.message = t(lang, "files.cannotRead", { reason: errnoWords(lang, errno) });
  }
  return details;
}

/** Prints `error` on stderr in the user's language and returns the exit code to use. */
export function reportError(ctx: CliContext, lang: Lang, error: unknown, debug: boolean): number {
  if (error instanceof EnchufeError) {
    const params = { message: error.message, ...localizedDetails(lang, error) } as Record<
      string,
      string | number | undefined
    >;
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

/** How many bytes of a frame `--trace` shows in hex. */
const TRACE_HEX_BYTES = 48;

/** One trace line for a lifecycle event. */
export function traceLine(lang: Lang, event: TraceEvent): string {
  if (event.step === "preface") return t(lang, `trace.preface-${event.direction}`);
  if (event.step === "frame") {
    const { data } = event;
    const hex = data
      .subarray(0, TRACE_HEX_BYTES)
      .toString("hex")
      .replace(/(..)(?=.)/g, "$1 ");
    return t(lang, `trace.frame-${event.direction}`, {
      type: event.type,
      bytes: data.length,
      hex: data.length > TRACE_HEX_BYTES ? `${hex} …` : hex,
    });
  }
  const { step, ...params } = event;
  return t(lang, `trace.${step}` as MessageKey, params as Record<string, string | number>);
}

/**
 * Calls `onClosed` once when the reader of `stream` goes away (EPIPE: `enchufe sub x | head -1`), so
 * the command can end quietly with exit 0, like `cat`. Returns a function that stops watching.
 */
export function onOutputClosed(stream: NodeJS.WritableStream, onClosed: () => void): () => void {
  let called = false;
  // Any write error on stdout (EPIPE above all) means nobody reads it any more: nothing to print there.
  const listener = () => {
    if (called) return;
    called = true;
    onClosed();
  };
  stream.on("error", listener);
  return () => {
    // Keep a no-op listener: a late EPIPE must not become an uncaught 'error' event.
    stream.off("error", listener);
    stream.on("error", ignore);
  };
}

function ignore(): void {}
