// servidor.py, in TypeScript with only node:net. Run: npx tsx examples/servidor.ts [port]
import net from "node:net";

const port = Number(process.argv[2] ?? 5000);
const server = net.createServer((conn) => {
  console.log(`Conexion establecida desde ${conn.remoteAddress}:${conn.remotePort}`);
  conn.end("Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!");
  server.close(); // like listen(1) + one accept(): serve one client, then stop
});
server.on("error", (error: NodeJS.ErrnoException) => {
  // One line, no stack: the usual case is a port already taken by another program.
  const reason =
    error.code === "EADDRINUSE" ? `el puerto ${port} ya está en uso` : (error.code ?? error.message);
  console.error(`Error: ${reason}. Prueba con otro puerto: npx tsx examples/servidor.ts 0`);
  process.exitCode = 1;
});
server.listen(port, "127.0.0.1", () => {
  console.log(`Escuchando en 127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  console.log("Servidor esperando conexion tenga paciencia...");
});
