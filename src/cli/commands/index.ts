import type { Command } from "../context.js";

/**
 * The sub-command table: name (and alias) to the module that runs it.
 * Each command lives in its own file in this folder and is loaded only when used.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  server: async () => (await import("./server.js")).run,
  servidor: async () => (await import("./server.js")).run,
  client: async () => (await import("./client.js")).run,
  cliente: async () => (await import("./client.js")).run,
  chat: async () => (await import("./chat.js")).run,
  pub: async () => (await import("./pub.js")).run,
  sub: async () => (await import("./sub.js")).run,
  history: async () => (await import("./history.js")).run,
  historial: async () => (await import("./history.js")).run,
  request: async () => (await import("./request.js")).run,
  reply: async () => (await import("./reply.js")).run,
  cert: async () => (await import("./cert.js")).run,
  user: async () => (await import("./user.js")).run,
};
