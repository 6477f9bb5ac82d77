import type { Command } from "../context.js";

/**
 * The sub-command table: name (and alias) to the module that runs it.
 * Each command lives in its own file in this folder and is loaded only when used.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {};
