/**
 * `enchufe chat [--nick N] [--room R]`: a person's chat session in text mode.
 * On a terminal, incoming lines print above the prompt without disturbing what is being typed.
 * With piped standard input, each line is sent in order and the command exits once the server
 * has processed them all (it sends /quit and waits for the server to close).
 */
import { clearLine, createInterface, cursorTo, type Interface } from "node:readline";
import { t } from "../../i18n/index.js";
import { LineDecoder } from "../../protocol/lines.js";
import { sanitizeLine } from "../../protocol/sanitize.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom, dialServer } from "../connection.js";
import { type CliContext, EXIT_OK } from "../context.js";

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  nick: { type: "string" },
  room: { type: "string" },
} as const;

/** Prints a line above the prompt, keeping the user's half-typed input intact. */
function printAbove(ctx: CliContext, rl: Interface | undefined, line: string): void {
  if (rl === undefined) {
    ctx.stdout.write(`${line}\n`);
    return;
  }
  const out = ctx.stdout as NodeJS.WriteStream;
  clearLine(out, 0);
  cursorTo(out, 0);
  out.write(`${line}\n`);
  rl.prompt(true);
}

export const run = defineCommand({
  options: OPTIONS,
  help: "help.chat",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, lang }, ctx) => {
    const options = await connectionFrom(values, ctx, lang);
    const socket = await dialServer(options);
    socket.setNoDelay(true);
    const interactive = ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;
    const rl = createInterface({
      input: ctx.stdin,
      ...(interactive ? { output: ctx.stdout, prompt: "> " } : {}),
      crlfDelay: Number.POSITIVE_INFINITY,
      terminal: interactive,
    });
    const prompt = interactive ? rl : undefined;
    const decoder = new LineDecoder({ maxLineBytes: 1024 * 1024 });
    const closed = new Promise<void>((resolve) => {
      socket.on("data", (chunk: Buffer) => {
        decoder.push(chunk);
        for (;;) {
          let line: Buffer | undefined;
          try {
            line = decoder.next();
          } catch {
            socket.destroy();
            return;
          }
          if (line === undefined) break;
          printAbove(ctx, prompt, sanitizeLine(line));
        }
      });
      socket.on("error", () => {});
      socket.once("close", () => resolve());
    });
    if (options.user !== undefined) socket.write(`/login ${options.user} ${options.password ?? ""}\n`);
    if (values.nick !== undefined) socket.write(`/nick ${values.nick}\n`);
    if (values.room !== undefined) socket.write(`/join ${values.room}\n`);
    rl.on("line", (line) => {
      if (!socket.destroyed) socket.write(`${line}\n`);
      prompt?.prompt();
    });
    rl.once("close", () => {
      // End of input (Ctrl+D or the end of a pipe): leave politely once everything sent is processed.
      if (!socket.destroyed) socket.write("/quit\n");
    });
    rl.once("SIGINT", () => rl.close());
    prompt?.prompt();
    await closed;
    rl.close();
    if (interactive) ctx.stdout.write("\n");
    return EXIT_OK;
  },
});
