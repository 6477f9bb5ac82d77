// servidor_direccion.py in TypeScript with only node:net: listen on the address you choose.
// Run: npx tsx servidor_direccion.ts [host] [port]   (host 127.0.0.1; port 5000 or env PORT)
import net from "node:net";

const TEXTS = {
  es: {
    listening: "Escuchando en {address} ({scope})",
    "127.0.0.1": "solo esta máquina: loopback IPv4",
    "::1": "solo esta máquina: loopback IPv6",
    "0.0.0.0": "todas las interfaces IPv4: también otras máquinas de tu red",
    "::": "todas las interfaces, IPv6 e IPv4: también otras máquinas de tu red",
    other: "solo quien llegue por la interfaz que tiene esa dirección",
    notMine:
      'Error: {host} no es una dirección de esta máquina (EADDRNOTAVAIL). Usa 127.0.0.1, 0.0.0.0 o una de las que muestra "ip addr".',
  },
  en: {
    listening: "Listening on {address} ({scope})",
    "127.0.0.1": "this machine only: IPv4 loopback",
    "::1": "this machine only: IPv6 loopback",
    "0.0.0.0": "every IPv4 interface: other machines on your network too",
    "::": "every interface, IPv6 and IPv4: other machines on your network too",
    other: "only whoever comes through the interface that has that address",
    notMine:
      'Error: {host} is not an address of this machine (EADDRNOTAVAIL). Use 127.0.0.1, 0.0.0.0 or one of those "ip addr" shows.',
  },
};
const text: Record<string, string> = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const host = process.argv[2] ?? "127.0.0.1";
const port = Number(process.argv[3] ?? process.env.PORT ?? 5000);

const server = net.createServer((conn) => {
  // An IPv4 client of a server on "::" shows as ::ffff:10.0.5.2 (an IPv4-mapped IPv6 address).
  console.log(`Conexion establecida desde ${conn.remoteAddress}:${conn.remotePort}`);
  conn.end("Hola, Julian estas aprendiendo a programacion distribuida y has creado tu primer socket!");
  server.close();
});
server.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRNOTAVAIL") throw error;
  console.error(text.notMine!.replace("{host}", host));
  process.exitCode = 1;
});
server.listen(port, host, () => {
  const actual = (server.address() as net.AddressInfo).port;
  const address = host.includes(":") ? `[${host}]:${actual}` : `${host}:${actual}`;
  const scope = text[host] ?? text.other!;
  console.log(text.listening!.replace("{address}", address).replace("{scope}", scope));
  console.log("Servidor esperando conexion tenga paciencia...");
});
