// A server that speaks protocolo.ts: it answers every message with "eco: " and the message, in the
// same framing. It serves until Ctrl+C. Run: npx tsx examples/aprende/06-protocolo-propio/servidor.ts [port]
import net from "node:net";
import { encode, MessageReader } from "./protocolo.js";

const TEXTS = {
  es: { listening: "Escuchando en", got: (bytes: number) => `mensaje de ${bytes} bytes` },
  en: { listening: "Listening on", got: (bytes: number) => `message of ${bytes} bytes` },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);

const server = net.createServer((conn) => {
  const reader = new MessageReader();
  conn.on("data", (chunk) => {
    try {
      for (const message of reader.push(chunk)) {
        console.log(text.got(message.length));
        conn.write(encode(Buffer.concat([Buffer.from("eco: "), message])));
      }
    } catch (error) {
      console.error(`Error: ${(error as Error).message}`);
      conn.destroy(); // a peer that breaks the protocol is closed, the server goes on
    }
  });
  conn.on("error", () => {});
});
server.listen(port, "127.0.0.1", () => {
  console.log(`${text.listening} 127.0.0.1:${(server.address() as net.AddressInfo).port}`);
});
