// servidor_fallos.py in TypeScript with only node:net: a server that fails on purpose.
// Run: npx tsx servidor_fallos.ts saludo|mudo|reset|latin1 [port]   (or env PORT; 0 picks a free port)
import net from "node:net";

const TEXTS = {
  es: {
    usage: "Uso: npx tsx servidor_fallos.ts saludo|mudo|reset|latin1 [PUERTO]",
    listening: "Escuchando en 127.0.0.1:{port} (modo {mode})",
    inUse:
      "Error: el puerto {port} ya está en uso (EADDRINUSE). Cierra el otro programa o usa otro puerto (0 elige uno libre).",
  },
  en: {
    usage: "Usage: npx tsx servidor_fallos.ts saludo|mudo|reset|latin1 [PORT]",
    listening: "Listening on 127.0.0.1:{port} (mode {mode})",
    inUse:
      "Error: port {port} is already in use (EADDRINUSE). Stop the other program or use another port (0 picks a free one).",
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const GREETING = "Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!";

const mode = process.argv[2] ?? "";
if (!["saludo", "mudo", "reset", "latin1"].includes(mode)) {
  console.error(text.usage);
  process.exit(2);
}
const port = Number(process.argv[3] ?? process.env.PORT ?? 5000);

const server = net.createServer((conn) => {
  console.log(`Conexion establecida desde ${conn.remoteAddress}:${conn.remotePort}`);
  server.close(); // one client, like the original
  conn.on("error", () => {}); // the client may leave first: nothing to report here
  if (mode === "saludo") conn.end(GREETING);
  else if (mode === "latin1") conn.end(Buffer.from("Hola desde Latin-1: café, niño, corazón", "latin1"));
  else if (mode === "reset")
    conn.resetAndDestroy(); // close with RST instead of FIN (SO_LINGER 0)
  else conn.on("end", () => conn.end()).resume(); // mudo: send nothing, wait until the client gives up
});
server.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE") throw error;
  console.error(text.inUse.replace("{port}", String(port)));
  process.exitCode = 1;
});
// On Linux and macOS Node sets SO_REUSEADDR by itself: a connection in TIME_WAIT does not block the port.
server.listen(port, "127.0.0.1", () => {
  const { port: actual } = server.address() as net.AddressInfo;
  console.log(text.listening.replace("{port}", String(actual)).replace("{mode}", mode));
  console.log("Servidor esperando conexion tenga paciencia...");
});
