// chat.py in TypeScript: two people; each line goes to the other with its number in front. When one
// finishes sending (FIN), the other's side is ended too; when both have finished, the server stops.
// Run: npx tsx examples/aprende/03-ambos-sentidos/chat.ts [port]
import net from "node:net";
import { createInterface } from "node:readline";

const TEXTS = {
  es: {
    listening: "Escuchando en",
    wait: "* eres la persona 1; esperando a la otra persona...\n",
    two: (n: number) => `* eres la persona ${n}; ya sois dos: escribe y pulsa Enter\n`,
    end: (n: number) => `la persona ${n} terminó de enviar (FIN); se lo paso a la persona ${3 - n}`,
    over: "chat terminado",
  },
  en: {
    listening: "Listening on",
    wait: "* you are person 1; waiting for the other person...\n",
    two: (n: number) => `* you are person ${n}; you are two now: type and press Enter\n`,
    end: (n: number) => `person ${n} finished sending (FIN); passing it on to person ${3 - n}`,
    over: "chat over",
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);
const people: net.Socket[] = [];

/** Passes `from`'s lines to `to`, numbered; at `from`'s FIN, sends FIN to `to`. */
function relay(from: net.Socket, to: net.Socket, n: number): void {
  const lines = createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => to.write(`[${n}] ${line}\n`));
  lines.on("close", () => {
    console.log(text.end(n));
    to.end();
  });
}

const server = net.createServer({ allowHalfOpen: true }, (conn) => {
  people.push(conn);
  if (people.length === 1) conn.write(text.wait);
  if (people.length < 2) return;
  server.close(); // two is enough: accept nobody else; 'close' comes once both connections end
  const [one, two] = people as [net.Socket, net.Socket];
  one.write(text.two(1));
  two.write(text.two(2));
  relay(one, two, 1);
  relay(two, one, 2);
});
server.on("close", () => console.log(text.over));
server.listen({ port, host: "127.0.0.1", backlog: 2 }, () => {
  console.log(`${text.listening} 127.0.0.1:${(server.address() as net.AddressInfo).port}`);
});
