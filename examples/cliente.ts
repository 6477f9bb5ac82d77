// cliente.py, in TypeScript with only node:net. Run: npx tsx examples/cliente.ts [port]
// It reads the first line the server sends (or everything until it closes) and closes.
// The port comes from the command line or the PORT variable (5000 by default).
import net from "node:net";

const TEXTS = {
  es: { running: (port: number) => `¿Está corriendo el servidor en el puerto ${port}?` },
  en: { running: (port: number) => `Is the server running on port ${port}?` },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);
const client = net.connect(port, "127.0.0.1");
const chunks: Buffer[] = [];
let done = false;

function show(): void {
  if (done) return;
  done = true;
  const received = Buffer.concat(chunks).toString("utf8");
  const line = received.split("\n")[0]!.replace(/\r$/, "");
  console.log(`Mensaje del servidor: ${line}`);
  client.destroy();
}

client.on("data", (chunk) => {
  chunks.push(chunk);
  // A session server keeps the connection open after its greeting line: stop at the first newline.
  if (chunk.includes(0x0a)) show();
});
client.on("end", show);
client.on("error", (error: NodeJS.ErrnoException) => {
  if (done) return;
  done = true;
  console.error(`Error: ${error.code ?? error.message}. ${text.running(port)}`);
  process.exitCode = 1;
});
