// cliente.py, in TypeScript with only node:net. Run: npx tsx examples/cliente.ts [port]
// It reads the first line the server sends (or everything until it closes) and closes.
import net from "node:net";

const port = Number(process.argv[2] ?? 5000);
const client = net.connect(port, "127.0.0.1");
const chunks: Buffer[] = [];
let done = false;

function show(): void {
  if (done) return;
  done = true;
  const text = Buffer.concat(chunks).toString("utf8");
  const line = text.split("\n")[0]!.replace(/\r$/, "");
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
  console.error(`Error: ${error.code ?? error.message}. ¿Está corriendo el servidor en el puerto ${port}?`);
  process.exitCode = 1;
});
