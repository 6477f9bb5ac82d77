// mensajes.py in TypeScript: why one read is not "one message". TCP carries a stream of bytes.
// Sender and receiver live in this one program so the result is always the same.
// Run: npx tsx examples/aprende/01-el-original/mensajes.ts [port]
import { once } from "node:events";
import net from "node:net";

const TEXTS = {
  es: {
    two: 'El emisor hace 2 write: "hola\\n" y "que tal?\\n"',
    one: (bytes: number, text: string) => `El receptor recibe 1 evento 'data' de ${bytes} bytes: ${text}`,
    big: (bytes: number) => `El emisor hace 1 write de ${bytes} bytes y cierra`,
    got: (bytes: number, events: number) => `El receptor recibe ${bytes} bytes en ${events} eventos 'data'`,
  },
  en: {
    two: 'The sender makes 2 writes: "hola\\n" and "que tal?\\n"',
    one: (bytes: number, text: string) => `The receiver gets 1 'data' event of ${bytes} bytes: ${text}`,
    big: (bytes: number) => `The sender makes 1 write of ${bytes} bytes and closes`,
    got: (bytes: number, events: number) => `The receiver gets ${bytes} bytes in ${events} 'data' events`,
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);

const server = net.createServer();
server.listen(port, "127.0.0.1");
await once(server, "listening");
const sender = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
// Wait for both ends at once: either event may come first.
const [[receiver]] = (await Promise.all([once(server, "connection"), once(sender, "connect")])) as [
  [net.Socket],
  unknown,
];

// 1. Two writes, one 'data' event: both wait together in the receiver until Node reads them.
sender.write("hola\n");
sender.write("que tal?\n");
console.log(text.two);
const [chunk] = (await once(receiver, "data")) as [Buffer];
console.log(text.one(chunk.length, JSON.stringify(chunk.toString())));

// 2. One write, several 'data' events: Node reads at most 64 KiB at a time.
let bytes = 0;
let events = 0;
receiver.on("data", (piece: Buffer) => {
  bytes += piece.length;
  events += 1;
});
const big = Buffer.alloc(200_000, "x");
sender.end(big);
console.log(text.big(big.length));
await once(receiver, "end");
console.log(text.got(bytes, events));
server.close();
