// cliente_robusto.py in TypeScript with only node:net: every common error caught and explained.
// Run: npx tsx cliente_robusto.ts [port] [host]   (or env PORT; TIMEOUT in seconds, default 5)
import net from "node:net";

const TEXTS = {
  es: {
    ECONNREFUSED:
      "Error: {to} rechazó la conexión (ECONNREFUSED). ¿Está corriendo el servidor? Inícialo primero.",
    ETIMEDOUT: "Error: el servidor no envió nada en {s} s (ETIMEDOUT). Revisa el servidor o aumenta TIMEOUT.",
    connectTimeout:
      "Error: {to} no respondió en {s} s al conectar (ETIMEDOUT). Revisa la dirección; un cortafuegos puede estar descartando los paquetes.",
    ECONNRESET:
      "Error: el servidor cortó la conexión de golpe (ECONNRESET). Vuelve a intentarlo; si se repite, mira el registro del servidor.",
    ENETUNREACH:
      "Error: no hay ruta de red hacia {to} (ENETUNREACH). Revisa la dirección y tu conexión de red.",
    notUtf8: "Aviso: el servidor envió bytes que no son UTF-8 (TextDecoder fatal); se muestran como �.",
  },
  en: {
    ECONNREFUSED: "Error: {to} refused the connection (ECONNREFUSED). Is the server running? Start it first.",
    ETIMEDOUT: "Error: the server sent nothing in {s} s (ETIMEDOUT). Check the server or raise TIMEOUT.",
    connectTimeout:
      "Error: {to} did not answer within {s} s while connecting (ETIMEDOUT). Check the address; a firewall may be dropping the packets.",
    ECONNRESET:
      "Error: the server cut the connection abruptly (ECONNRESET). Try again; if it happens again, read the server's log.",
    ENETUNREACH:
      "Error: there is no network route to {to} (ENETUNREACH). Check the address and your network connection.",
    notUtf8: "Warning: the server sent bytes that are not UTF-8 (TextDecoder fatal); shown as �.",
  },
};
type Failure = "ECONNREFUSED" | "ETIMEDOUT" | "connectTimeout" | "ECONNRESET" | "ENETUNREACH";
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];

const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);
const host = process.argv[3] ?? "127.0.0.1";
const seconds = Number(process.env.TIMEOUT ?? 5);
const chunks: Buffer[] = [];
let finished = false;

function fail(code: Failure): void {
  if (finished) return;
  finished = true;
  console.error(
    text[code]
      .replace("{to}", host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`)
      .replace("{s}", String(seconds)),
  );
  process.exitCode = 1;
  client.destroy();
}

function show(): void {
  if (finished) return;
  finished = true;
  client.destroy();
  const bytes = Buffer.concat(chunks); // decoded all together: a character may arrive split in two chunks
  let message: string;
  try {
    message = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    console.error(text.notUtf8);
    message = bytes.toString("utf8"); // invalid bytes become �
  }
  console.log(`Mensaje del servidor: ${message}`);
}

// timeout: a 'timeout' event after that long without activity, while connecting or reading.
const client = net.connect({ port, host, timeout: seconds * 1000 });
client.on("timeout", () => fail(client.connecting ? "connectTimeout" : "ETIMEDOUT"));
client.on("data", (chunk) => {
  chunks.push(chunk);
  if (chunk.includes(0x0a)) show(); // a server that keeps the connection open ends its line with \n
});
client.on("end", show);
client.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EHOSTUNREACH") fail("ENETUNREACH");
  else if (error.code !== undefined && error.code in text) fail(error.code as Failure);
  else throw error;
});
