// espia.py in TypeScript with only node:net: a man in the middle that forwards both ways and prints
// what anyone watching the network would see. Run: npx tsx espia.ts target-port [port]   (or env PORT)
import net from "node:net";

const TEXTS = {
  es: {
    listening: "Escuchando en 127.0.0.1:{port}, reenviando a 127.0.0.1:{target}",
    client: "cliente -> servidor",
    server: "servidor -> cliente",
    record: "registro TLS",
  },
  en: {
    listening: "Listening on 127.0.0.1:{port}, forwarding to 127.0.0.1:{target}",
    client: "client -> server",
    server: "server -> client",
    record: "TLS record",
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
// A TLS record's first byte is its type; the second is 3 (the version: 3.1 to 3.4).
const TLS_TYPES: Record<number, string> = {
  20: "change_cipher_spec",
  21: "alert",
  22: "handshake",
  23: "application_data",
};
const target = Number(process.argv[2]);
const port = Number(process.argv[3] ?? process.env.PORT ?? 5000);

function show(direction: "client" | "server", data: Buffer): void {
  const printable = [...data.subarray(0, 72)].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : "."));
  const lines = [
    `${text[direction]}: ${data.length} bytes`,
    `  hex:   ${data
      .subarray(0, 16)
      .toString("hex", 0, 16)
      .replace(/(..)(?!$)/g, "$1 ")}`,
  ];
  const type = TLS_TYPES[data[0]!];
  if (data.length >= 5 && type !== undefined && data[1] === 3) lines.push(`  ${text.record}: ${type}`);
  lines.push(`  texto: ${printable.join("")}`);
  console.log(lines.join("\n"));
}

const server = net.createServer((client) => {
  server.close(); // one client
  const upstream = net.connect(target, "127.0.0.1");
  client.on("data", (data) => {
    show("client", data);
    upstream.write(data);
  });
  upstream.on("data", (data) => {
    show("server", data);
    client.write(data);
  });
  client.on("end", () => upstream.end()); // the FIN is forwarded too
  upstream.on("end", () => client.end());
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
});
server.listen(port, "127.0.0.1", () => {
  const address = server.address() as net.AddressInfo;
  console.log(text.listening.replace("{port}", String(address.port)).replace("{target}", String(target)));
});
