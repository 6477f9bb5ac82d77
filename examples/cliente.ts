// cliente.py, in TypeScript with only node:net. Run: npx tsx examples/cliente.ts [port]
import net from "node:net";

const port = Number(process.argv[2] ?? 5000);
const client = net.connect(port, "127.0.0.1");
const chunks: Buffer[] = [];
client.on("data", (chunk) => chunks.push(chunk));
client.on("end", () => console.log(`Mensaje del servidor: ${Buffer.concat(chunks).toString("utf8")}`));
client.on("error", (error) => console.error(`Error: ${error.message}. ¿Está corriendo el servidor?`));
