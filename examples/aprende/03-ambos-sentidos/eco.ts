// eco.py in TypeScript: sends back every byte it gets. allowHalfOpen: true keeps our side open after the
// client's FIN ('end'); without it Node would end our side by itself at that moment.
// Run: npx tsx examples/aprende/03-ambos-sentidos/eco.ts [port]
import net from "node:net";

const TEXTS = {
  es: {
    listening: "Escuchando en",
    end: (peer: string, bytes: number) =>
      `${peer}: terminó de enviar (FIN) tras ${bytes} bytes; cierro yo también`,
  },
  en: {
    listening: "Listening on",
    end: (peer: string, bytes: number) => `${peer}: finished sending (FIN) after ${bytes} bytes; I close too`,
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);

const server = net.createServer({ allowHalfOpen: true }, (conn) => {
  const peer = `${conn.remoteAddress}:${conn.remotePort}`;
  console.log(`Conexion establecida desde ${peer}`);
  let bytes = 0;
  conn.on("data", (chunk) => {
    bytes += chunk.length;
    conn.write(chunk);
  });
  conn.on("end", () => {
    console.log(text.end(peer, bytes));
    conn.end(); // our FIN, after the echo still queued
  });
});
server.listen(port, "127.0.0.1", () => {
  console.log(`${text.listening} 127.0.0.1:${(server.address() as net.AddressInfo).port}`);
});
