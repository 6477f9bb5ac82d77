/**
 * The chat's terminal: readline edits the input line at the bottom, and every incoming line is printed
 * above it. Readline wraps a long input over several rows; before printing, the whole input block is
 * cleared (its row count comes from readline's cursor position), and after it the input is redrawn,
 * so nothing garbles at any width. With piped input there is no prompt: lines are read and printed.
 */
import { clearScreenDown, createInterface, cursorTo, type Interface, moveCursor } from "node:readline";
import type { CliContext } from "../context.js";

const PROMPT = "> ";

/** What the screen reports: a line the user entered, and the end of input (Ctrl+C, Ctrl+D, end of a pipe). */
export interface ScreenHandlers {
  readonly line: (line: string) => void;
  readonly end: () => void;
}

/** The input line and the output above it. */
export class ChatScreen {
  readonly #ctx: CliContext;
  readonly #rl: Interface;
  readonly #interactive: boolean;
  /** Whether the prompt and the input are on the screen (false before the first prompt and after the end). */
  #inputShown = false;

  constructor(ctx: CliContext, interactive: boolean, handlers: ScreenHandlers) {
    this.#ctx = ctx;
    this.#interactive = interactive;
    this.#rl = createInterface({
      input: ctx.stdin,
      ...(interactive ? { output: ctx.stdout, prompt: PROMPT } : {}),
      crlfDelay: Number.POSITIVE_INFINITY,
      terminal: interactive,
    });
    this.#rl.on("line", (line) => {
      // Readline left the entered line on the screen; it is replaced by what the chat shows for it.
      if (this.#interactive) this.#eraseEntered(line);
      handlers.line(line);
      if (this.#inputShown) this.#rl.prompt(true);
    });
    // Ctrl+C ends the chat like Ctrl+D: one key, at once.
    this.#rl.on("SIGINT", () => this.#rl.close());
    this.#rl.once("close", () => {
      this.#hideInput();
      handlers.end();
    });
  }

  /** Shows the prompt (interactive only). */
  start(): void {
    if (!this.#interactive) return;
    this.#inputShown = true;
    this.#rl.prompt();
  }

  /** Prints `lines` on stdout (or stderr) above the input line, which is redrawn intact below them. */
  print(lines: readonly string[], stream: "stdout" | "stderr" = "stdout"): void {
    if (lines.length === 0) return;
    const target = stream === "stdout" ? this.#ctx.stdout : this.#ctx.stderr;
    if (!this.#inputShown) {
      target.write(`${lines.join("\n")}\n`);
      return;
    }
    const out = this.#ctx.stdout as NodeJS.WriteStream;
    const { rows } = this.#rl.getCursorPos();
    this.#clearInput(rows);
    target.write(`${lines.join("\n")}\n`);
    // Readline's redraw first moves up the rows it believes the cursor is below the prompt: its
    // `prevRows`, a plain property since Node 0.x, left stale by a paste that wraps (then it is 0 while
    // the cursor is a row lower). That many line feeds put the cursor where the redraw then lands on
    // the row below the printed lines; the rows it crosses are cleared by the redraw. The redraw
    // itself sets `prevRows` right again.
    const believed = (this.#rl as Interface & { prevRows?: number }).prevRows ?? rows;
    out.write("\n".repeat(believed));
    this.#rl.prompt(true);
  }

  /** Removes the input line from the screen and closes the input (idempotent). */
  stop(): void {
    this.#hideInput();
    this.#rl.close();
  }

  #hideInput(): void {
    if (!this.#inputShown) return;
    this.#inputShown = false;
    this.#clearInput(this.#rl.getCursorPos().rows);
  }

  /** Clears the input block: from the prompt's row (`rowsAbove` above the cursor) to the bottom. */
  #clearInput(rowsAbove: number): void {
    const out = this.#ctx.stdout as NodeJS.WriteStream;
    if (rowsAbove > 0) moveCursor(out, 0, -rowsAbove);
    cursorTo(out, 0);
    clearScreenDown(out);
  }

  /**
   * After Enter the cursor is on the row below the entered input. How many rows it took is readline's own
   * measure (`_getDisplayPos`, the name Node keeps for it: wide characters count two columns, combining
   * marks none, as readline wrapped them); an input that exactly fills its last row leaves the cursor on
   * one more row, and so does Enter.
   */
  #eraseEntered(line: string): void {
    const out = this.#ctx.stdout as NodeJS.WriteStream;
    const columns = out.columns > 0 ? out.columns : 80;
    const shown = `${PROMPT}${line}`;
    const position = (this.#rl as MeasuringInterface)._getDisplayPos?.(shown);
    this.#clearInput(
      position === undefined ? Math.floor([...shown].length / columns) + 1 : position.rows + 1,
    );
  }
}

/** Readline's measure of a string on its terminal (a method every Node version since 12 has). */
interface MeasuringInterface {
  _getDisplayPos?(text: string): { rows: number; cols: number };
}
