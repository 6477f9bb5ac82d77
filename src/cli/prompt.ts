/** Reading a secret: from a file, from a terminal with echo off, or as one line of standard input. */
import type { CliContext } from "./context.js";
import { readCliFile } from "./files.js";

async function readLineFromStream(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) {
    text += String(chunk);
    const newline = text.indexOf("\n");
    if (newline !== -1) return text.slice(0, newline).replace(/\r$/, "");
  }
  return text.replace(/\r$/, "");
}

/** Reads a password on a terminal without echoing it. Rejects on Ctrl+C. */
function promptHidden(ctx: CliContext, question: string): Promise<string> {
  const stdin = ctx.stdin as NodeJS.ReadStream;
  ctx.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") {
          finish();
          resolve(value);
          return;
        }
        if (char === "\u0003") {
          finish();
          reject(new Error("cancelled"));
          return;
        }
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      ctx.stderr.write("\n");
    };
    stdin.on("data", onData);
  });
}

/** The secret from `file` (its first line), else a hidden terminal prompt, else one line of stdin. */
export async function readSecret(
  ctx: CliContext,
  file: string | undefined,
  question: string,
): Promise<string> {
  if (file !== undefined) return (await readCliFile(file)).toString("utf8").split(/\r?\n/)[0] ?? "";
  if (ctx.stdin.isTTY === true) return promptHidden(ctx, question);
  return readLineFromStream(ctx.stdin);
}
