// servidor_tls.py in TypeScript with only node:tls: the same greeting, encrypted.
// Run: npx tsx servidor_tls.ts [dir] [port]   (dir certs, with server.pem and server-key.pem; port 5000 or env PORT)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import tls from "node:tls";

const TEXTS = {
  es: { listening: "Escuchando en 127.0.0.1:{port} (TLS)", encrypted: "Cifrado: {version}, {cipher}" },
  en: { listening: "Listening on 127.0.0.1:{port} (TLS)", encrypted: "Encrypted: {version}, {cipher}" },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const dir = process.argv[2] || "certs";
const port = Number(process.argv[3] ?? process.env.PORT ?? 5000);

const server = tls.createServer(
  {
    cert: readFileSync(join(dir, "server.pem")),
    key: readFileSync(join(dir, "server-key.pem")),
    minVersion: "TLSv1.2",
  },
  (conn) => {
    // 'secureConnection': the TLS handshake is done; conn reads and writes plaintext, tls encrypts it.
    console.log(`Conexion establecida desde ${conn.remoteAddress}:${conn.remotePort}`);
    console.log(
      text.encrypted
        .replace("{version}", String(conn.getProtocol()))
        .replace("{cipher}", conn.getCipher().name),
    );
    conn.end("Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!");
    server.close();
  },
);
server.on("tlsClientError", (error) => console.error(`Error: TLS (${error.message})`));
server.listen(port, "127.0.0.1", () => {
  const address = server.address() as { port: number };
  console.log(text.listening.replace("{port}", String(address.port)));
  console.log("Servidor esperando conexion tenga paciencia...");
});
