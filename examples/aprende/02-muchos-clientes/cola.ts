// cola.py in TypeScript: what listen's backlog means. Node calls accept() for you as soon as it can, so
// to let the queue fill up this program blocks its own event loop: spawnSync runs the clients in a
// child process (this same file with the argument "clients") and waits, so nothing calls accept().
// Run: npx tsx examples/aprende/02-muchos-clientes/cola.ts [port]
import { spawnSync } from "node:child_process";
import net from "node:net";

const TEXTS = {
  es: {
    queue: "listen con backlog 1 y el bucle de eventos bloqueado: nadie llama a accept()",
    inside: (n: number) => `cliente ${n}: conectado (espera en la cola)`,
    outside: (n: number) => `cliente ${n}: sin respuesta en 0,5 s (la cola está llena)`,
  },
  en: {
    queue: "listen with backlog 1 and the event loop blocked: nobody calls accept()",
    inside: (n: number) => `client ${n}: connected (waiting in the queue)`,
    outside: (n: number) => `client ${n}: no answer within 0.5 s (the queue is full)`,
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];

/** Connects, or gives up after 0.5 s: true when the connection was made. */
function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1", timeout: 500 });
    socket.on("connect", () => resolve(true)); // left open: it stays in the queue
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(false));
  });
}

if (process.argv[2] === "clients") {
  // One after the other, so each connection is in before the next one tries.
  for (let n = 1; n <= 4; n++) {
    console.log((await tryConnect(Number(process.argv[3]))) ? text.inside(n) : text.outside(n));
  }
  process.exit(0);
}

const server = net.createServer((conn) => conn.destroy());
server.listen(
  { port: Number(process.argv[2] ?? process.env.PORT ?? 5000), host: "127.0.0.1", backlog: 1 },
  () => {
    console.log(text.queue);
    const { port } = server.address() as net.AddressInfo;
    const file = new URL(import.meta.url).pathname;
    spawnSync(process.execPath, [...process.execArgv, file, "clients", String(port)], { stdio: "inherit" });
    server.close();
  },
);
