// servidor_hilos.py in TypeScript: no threads, one event loop. Node calls the function below for each
// new connection; while it waits for the network it runs other callbacks. It runs until Ctrl+C.
// Run: npx tsx examples/aprende/02-muchos-clientes/servidor_eventos.ts [port]
import net from "node:net";

const LISTENING = { es: "Escuchando en", en: "Listening on" };
const listening = LISTENING[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);
const GREETING = "Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!";

const server = net.createServer((conn) => {
  console.log(`Conexion establecida desde ${conn.remoteAddress}:${conn.remotePort}`);
  conn.end(GREETING);
});
server.listen({ port, host: "127.0.0.1", backlog: 511 }, () => {
  console.log(`${listening} 127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  console.log("Servidor esperando conexion tenga paciencia...");
});
