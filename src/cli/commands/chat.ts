/**
 * `enchufe chat [--nick N] [--room R]`: a person's chat session in text mode.
 * On a terminal, incoming lines print above the input line without disturbing what is being typed
 * (src/cli/chat/screen.ts); the connection reconnects by itself (src/cli/chat/link.ts); lines are
 * decorated with times and nickname colours (src/cli/chat/format.ts).
 * With piped standard input, each line is sent in order and the command exits once the server
 * has processed them all (it sends /quit and waits for the server to close).
 */
import { t } from "../../i18n/index.js";
import { chosenLang } from "../args.js";
import { type LineStyle, ownLine, styleLine, wantsColours } from "../chat/format.js";
import { CHAT_RECONNECT, ChatLink, type LinkStatus } from "../chat/link.js";
import { ChatScreen } from "../chat/screen.js";
import { defineCommand } from "../command.js";
import { CONNECTION_OPTIONS, connectionFrom } from "../connection.js";
import { EXIT_FAILURE, EXIT_OK } from "../context.js";

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  nick: { type: "string" },
  room: { type: "string" },
  timestamps: { type: "boolean" },
  "no-reconnect": { type: "boolean" },
} as const;

/** How long Ctrl+C or Ctrl+D wait for the server to answer /quit before leaving anyway. */
const LEAVE_WAIT_MS = 300;

export const run = defineCommand({
  options: OPTIONS,
  help: "chat.help",
  helpParams: (lang) => ({ tls: t(lang, "help.tlsClient") }),
  run: async ({ values, lang }, ctx) => {
    const options = await connectionFrom(values, ctx, lang);
    const interactive = ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;
    const style: LineStyle = {
      timestamps: values.timestamps === true,
      colours: wantsColours(ctx.env, ctx.stdout),
      now: () => new Date(),
    };
    const statusLine = (event: LinkStatus): string => {
      switch (event.kind) {
        case "lost":
          return t(lang, "chat.lost", { host: options.host, port: options.port });
        case "reconnecting":
          return t(lang, "chat.reconnecting", {
            seconds: (event.delayMs / 1000).toFixed(1),
            attempt: event.attempt,
            max: event.max,
          });
        case "reconnected":
          return t(lang, "chat.reconnected", { room: event.room });
        case "gaveUp":
          return t(lang, "chat.gaveUp", { max: event.max });
        case "noReconnect":
          return t(lang, "chat.noReconnect");
        case "refused":
          return t(lang, "chat.refused", { line: event.line });
      }
    };
    const link = new ChatLink(
      options,
      // --lang (or ENCHUFE_LANG) also asks the server to speak that language to this user (/lang).
      {
        nick: values.nick,
        room: values.room,
        lang: chosenLang(values.lang, ctx.env, lang),
      },
      values["no-reconnect"] === true ? false : CHAT_RECONNECT,
      {
        lines: (lines) =>
          screen.print(
            lines.map((line) =>
              styleLine(
                style,
                line.kind === "server"
                  ? line.text
                  : ownLine(line.room, line.nick ?? t(lang, "chat.you"), line.text),
              ),
            ),
          ),
        status: (event) => screen.print([statusLine(event)], "stderr"),
      },
    );
    // Connected before the screen reads anything: nothing typed or piped is lost. The link's first
    // lines arrive on a later turn of the event loop, once the screen below exists.
    await link.start();
    const screen = new ChatScreen(ctx, interactive, {
      line: (line) => link.send(line),
      // Ctrl+C, Ctrl+D or the end of a pipe: a terminal leaves at once, a pipe once all is processed.
      end: () => link.leave(interactive ? LEAVE_WAIT_MS : Number.POSITIVE_INFINITY),
    });
    // A reader that goes away (`chat | head -1`) ends the chat quietly, as it ends `cat`.
    ctx.stdout.on("error", (error: NodeJS.ErrnoException) => {
      link.stop(error.code === "EPIPE" ? EXIT_OK : EXIT_FAILURE);
    });
    screen.start();
    const code = await link.done;
    screen.stop();
    return code;
  },
});
