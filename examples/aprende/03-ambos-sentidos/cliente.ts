// cliente.py in TypeScript: your lines go to the server, what arrives is printed. When your input ends
// (Ctrl+D, or the end of a printf) socket.end() sends FIN; reading goes on until the other side closes.
// Run: npx tsx examples/aprende/03-ambos-sentidos/cliente.ts [port]
import net from "node:net";

const END = { es: "(el otro lado cerró: fin)", en: "(the other side closed: the end)" };
const end = END[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);

// allowHalfOpen: if the other side finishes first, we may still send until our input ends.
const client = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
process.stdin.pipe(client); // at the end of standard input, pipe calls client.end(): our FIN
client.pipe(process.stdout, { end: false });
client.on("end", () => console.log(end));
client.on("error", (error: NodeJS.ErrnoException) => {
  console.error(`Error: ${error.code ?? error.message}`);
  process.exitCode = 1;
});
