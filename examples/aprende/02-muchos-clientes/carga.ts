// carga.py in TypeScript: N clients (200 by default, at most 1000) connect at once, all on one event
// loop, and read the greeting until the first newline or until the server closes.
// Run: npx tsx examples/aprende/02-muchos-clientes/carga.ts [clients] [port]
import net from "node:net";

const TEXTS = {
  es: {
    start: (clients: number, port: number) => `${clients} clientes a la vez contra 127.0.0.1:${port}`,
    end: (good: number, all: number, ms: number) =>
      `saludos completos: ${good} de ${all}; el más lento tardó ${ms} ms`,
  },
  en: {
    start: (clients: number, port: number) => `${clients} clients at once against 127.0.0.1:${port}`,
    end: (good: number, all: number, ms: number) =>
      `complete greetings: ${good} of ${all}; the slowest took ${ms} ms`,
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const clients = Math.min(Number(process.argv[2] ?? 200), 1000);
const port = Number(process.argv[3] ?? process.env.PORT ?? 5000);
const GREETING = "Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!";

/** One client: resolves with whether it got the whole greeting and how long it took. */
function client(): Promise<{ ok: boolean; ms: number }> {
  const start = performance.now();
  return new Promise((resolve) => {
    let received = "";
    const socket = net.connect({ port, host: "127.0.0.1", timeout: 10_000 });
    const finish = () => {
      socket.destroy();
      resolve({ ok: received.split("\n")[0] === GREETING, ms: performance.now() - start });
    };
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
      if (received.includes("\n")) finish();
    });
    socket.on("end", finish);
    socket.on("timeout", finish);
    socket.on("error", finish);
  });
}

console.log(text.start(clients, port));
const results = await Promise.all(Array.from({ length: clients }, client));
const good = results.filter((result) => result.ok).length;
const slowest = Math.round(Math.max(...results.map((result) => result.ms)));
console.log(text.end(good, clients, slowest));
