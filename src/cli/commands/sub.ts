/**
 * `enchufe sub TOPIC [--last N | --since POS | --since-time TIME] [--group NAME] [--count N]
 * [--show-position] [--raw | --raw0 | --json]`: prints each message as `[<topic>] <payload>`, like
 * `nats sub`; for scripts, the bare payloads or one JSON object per line. A start replays the history
 * first; after a reconnect it resumes where it stopped and says so when some was already gone. With
 * --group it is one worker of a queue group (`nats sub --queue`): it gets its share of the messages.
 */
import { isUtf8 } from "node:buffer";
import type { Message, ReplayInfo } from "../../client/subscription.js";
import { type Lang, t } from "../../i18n/index.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { localTopicProblem, missingArgument, numberValue, topicArgument, usageError } from "../args.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectLongRunning } from "../connection.js";
import { EXIT_OK } from "../context.js";
import { START_OPTIONS, startFrom } from "../history-start.js";
import { onOutputClosed, reportError } from "../output.js";

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...START_OPTIONS,
  "show-position": { type: "boolean" },
  count: { type: "string", short: "n" },
  group: { type: "string" },
  raw: { type: "boolean" },
  raw0: { type: "boolean" },
  json: { type: "boolean" },
} as const;

type Format = "text" | "raw" | "raw0" | "json";

const NEWLINE = Buffer.from("\n");

/** One message as a JSON line: the payload as UTF-8 text, or `{ "base64": ... }` when it is not UTF-8. */
export function jsonLine(message: Message): string {
  const bytes = Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength);
  const payload = isUtf8(bytes) ? bytes.toString("utf8") : { base64: bytes.toString("base64") };
  const { topic, from, headers, position, time } = message;
  return `${JSON.stringify({ topic, from, payload, headers, private: message.private, position, time })}\n`;
}

/** `#42 ` before a message (`#- ` when the server did not keep it), for --show-position. */
export function positionPrefix(message: Message): string {
  return message.position === 0 ? "#- " : `#${message.position} `;
}

function write(stdout: NodeJS.WritableStream, format: Format, message: Message, showPosition: boolean): void {
  switch (format) {
    case "raw":
      stdout.write(message.payload);
      stdout.write(NEWLINE);
      return;
    case "raw0":
      stdout.write(message.payload);
      return;
    case "json":
      stdout.write(jsonLine(message));
      return;
    case "text":
      stdout.write(
        `${showPosition ? positionPrefix(message) : ""}[${message.topic}] ${sanitizeLine(message.payload)}\n`,
      );
  }
}

/** The output format from --raw / --raw0 / --json, at most one of them. */
function formatOf(values: { raw?: boolean; raw0?: boolean; json?: boolean }, lang: Lang): Format {
  const chosen = (["raw", "raw0", "json"] as const).filter((name) => values[name] === true);
  if (chosen.length > 1) {
    throw usageError(t(lang, "cli.conflict", { a: `--${chosen[0]}`, b: `--${chosen[1]}` }));
  }
  return chosen[0] ?? "text";
}

export const run = defineCommand({
  options: OPTIONS,
  positionals: true,
  help: "help.sub",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, positionals, lang, debug }, ctx) => {
    const [topic, ...extra] = positionals;
    if (topic === undefined) throw missingArgument(lang, "TOPIC");
    if (extra.length > 0) throw usageError(t(lang, "cli.unexpectedArgument", { value: extra[0] }));
    topicArgument(topic, true, lang);
    const group = values.group;
    const problem = group === undefined ? undefined : localTopicProblem(group, false, lang);
    if (problem !== undefined) throw usageError(t(lang, "cli.invalidGroup", { group, problem }));
    const format = formatOf(values, lang);
    const start = startFrom(values, lang);
    const startFlag = (["last", "since", "since-time"] as const).find((name) => values[name] !== undefined);
    if (startFlag !== undefined && group !== undefined) {
      throw usageError(t(lang, "cli.conflict", { a: `--${startFlag}`, b: "--group" }));
    }
    const count = numberValue("count", values.count, 0, lang, { integer: true });
    const showPosition = values["show-position"] === true;
    const client = await connectLongRunning(values, ctx, lang, "enchufe-sub");
    client.on("error", (error: unknown) => {
      if (!subscription.closed) reportError(ctx, lang, error, debug);
    });
    let replays = 0;
    client.on("replayed", (replay: ReplayInfo) => {
      replays++;
      if (replay.recovered) return;
      // The first replay is the start asked for; a later one is a resume after a lost connection.
      ctx.stderr.write(`${t(lang, replays === 1 ? "sub.notRecovered" : "sub.gap")}\n`);
    });
    const subscription = client.subscribe(
      topic,
      group === undefined ? { ...(start && { start }) } : { group },
    );
    const stop = () => subscription.unsubscribe();
    const unwatch = onOutputClosed(ctx.stdout, stop);
    let received = 0;
    try {
      await client.flush();
      if (subscription.error !== undefined) throw subscription.error;
      const subscribed =
        group === undefined
          ? t(lang, "cli.subscribed", { topic })
          : t(lang, "cli.subscribedGroup", { topic, group });
      ctx.stderr.write(`${subscribed}\n`);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      for await (const message of subscription) {
        write(ctx.stdout, format, message, showPosition);
        received++;
        if (count > 0 && received >= count) break;
      }
      if (subscription.error !== undefined) throw subscription.error;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      unwatch();
      await client.close();
    }
    return EXIT_OK;
  },
});
