// servidor.py, in TypeScript with only node:net. Run: npx tsx examples/servidor.ts [port]
// The port comes from the command line or the PORT variable (5000 by default; 0 picks a free one).
import net from "node:net";

const TEXTS = {
  es: {
    listening: "Escuchando en",
    inUse: (port: number) => `el puerto ${port} ya está en uso`,
    tryAnother: "Prueba con otro puerto",
  },
  en: {
    listening: "Listening on",
    inUse: (port: number) => `port ${port} is already in use`,
    tryAnother: "Try another port",
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);

const server = net.createServer((conn) => {
  console.log(`Conexion establecida desde ${conn.remoteAddress}:${conn.remotePort}`);
  conn.end("Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!");
  server.close(); // like listen(1) + one accept(): serve one client, then stop
});
server.on("error", (error: NodeJS.ErrnoException) => {
  // One line, no stack: the usual case is a port already taken by another program.
  const reason = error.code === "EADDRINUSE" ? text.inUse(port) : (error.code ?? error.message);
  console.error(`Error: ${reason}. ${text.tryAnother}: npx tsx examples/servidor.ts 0`);
  process.exitCode = 1;
});
server.listen(port, "127.0.0.1", () => {
  console.log(`${text.listening} 127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  console.log("Servidor esperando conexion tenga paciencia...");
});
