/**
 * `enchufe reply NAME (--echo | --exec 'CMD')`: a responder from the command line, like `nats reply`.
 * `--exec` runs CMD through /bin/sh -c once per request, the payload on its stdin; its stdout is the
 * answer, or, when it exits non-zero, its stderr is a HANDLER_ERROR reply. At most --concurrency
 * commands run at once; further requests wait in the subscription's queue.
 */
import { spawn } from "node:child_process";
import type { IncomingRequest } from "../../client/subscription.js";
import { type Lang, t } from "../../i18n/index.js";
import { ReplyStatus } from "../../protocol/frames.js";
import { missingArgument, numberValue, topicArgument, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectLongRunning } from "../connection.js";
import { EXIT_OK } from "../context.js";
import { reportError } from "../output.js";

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  echo: { type: "boolean" },
  exec: { type: "string" },
  concurrency: { type: "string" },
  count: { type: "string", short: "n" },
} as const;

const DEFAULT_CONCURRENCY = 4;

/** What one run of the command gave: its exit code (or null when killed), stdout and stderr. */
interface ExecResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** Runs `command` through /bin/sh -c with `input` on its stdin; never rejects. */
function execOnce(
  command: string,
  input: Uint8Array,
  children: Set<ReturnType<typeof spawn>>,
): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], { stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    // A command that does not read its input closes the pipe early: not an error of the request.
    child.stdin.on("error", () => {});
    child.on("error", (error) => stderr.push(Buffer.from(error.message)));
    child.on("close", (code) => {
      children.delete(child);
      resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    });
    child.stdin.end(input);
  });
}

/** What every run of the command shares: the command, the language, the running children, the size limit. */
interface ExecSettings {
  readonly command: string;
  readonly lang: Lang;
  readonly children: Set<ReturnType<typeof spawn>>;
  /** The server's largest payload (from WELCOME), if known. */
  readonly maxPayload: () => number | undefined;
}

/** Answers `request` with the command's output, or HANDLER_ERROR with its stderr. */
async function answerWithCommand(request: IncomingRequest, settings: ExecSettings): Promise<void> {
  const { command, lang, children } = settings;
  const result = await execOnce(command, request.payload, children);
  const limit = settings.maxPayload();
  if (result.code === 0 && limit !== undefined && result.stdout.length > limit) {
    const reason = t(lang, "reply.tooLarge", { bytes: result.stdout.length, limit });
    request.respond(reason, { status: ReplyStatus.HANDLER_ERROR });
    return;
  }
  if (result.code === 0) {
    request.respond(result.stdout);
    return;
  }
  // The requester prints the reason as one line: its final newline is the command's, not the reason's.
  const stderr = result.stderr.toString("utf8").replace(/\r?\n$/, "");
  const reason = stderr.length > 0 ? stderr : t(lang, "reply.execFailed", { code: String(result.code) });
  request.respond(reason, { status: ReplyStatus.HANDLER_ERROR });
}

export const run = defineCommand({
  options: OPTIONS,
  positionals: true,
  help: "help.reply",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, positionals, lang, debug }, ctx) => {
    const [name, ...extra] = positionals;
    if (name === undefined) throw missingArgument(lang, "NAME");
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    topicArgument(name, true, lang);
    const command = values.exec;
    if ((values.echo === true) === (command !== undefined)) throw usageError(t(lang, "reply.mode"));
    const concurrency = numberValue("concurrency", values.concurrency, DEFAULT_CONCURRENCY, lang, {
      min: 1,
      integer: true,
    });
    const count = numberValue("count", values.count, 0, lang, { integer: true });
    const client = await connectLongRunning(values, ctx, lang, "enchufe-reply");
    client.on("error", (error: unknown) => {
      if (!responder.closed) reportError(ctx, lang, error, debug);
    });
    const responder = client.respond(name);
    const children = new Set<ReturnType<typeof spawn>>();
    const stop = () => {
      responder.unsubscribe();
      for (const child of children) child.kill("SIGTERM");
    };
    const running = new Set<Promise<void>>();
    const settings: ExecSettings = {
      command: command ?? "",
      lang,
      children,
      maxPayload: () => client.info?.maxPayload,
    };
    let answered = 0;
    try {
      await client.flush();
      if (responder.error !== undefined) throw responder.error;
      ctx.stderr.write(`${t(lang, "reply.listening", { name })}\n`);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      for await (const request of responder) {
        if (command === undefined) {
          request.respond(request.payload);
        } else {
          const job = answerWithCommand(request, settings).finally(() => running.delete(job));
          running.add(job);
          // At most `concurrency` commands at once: wait for one to end before taking the next request.
          if (running.size >= concurrency) await Promise.race(running);
        }
        answered++;
        if (count > 0 && answered >= count) break;
      }
      await Promise.all(running);
      if (responder.error !== undefined) throw responder.error;
      await client.flush().catch(() => {});
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      for (const child of children) child.kill("SIGTERM");
      await client.close();
    }
    return EXIT_OK;
  },
});
