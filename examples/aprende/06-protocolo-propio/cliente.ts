// cliente.py in TypeScript: sends three messages (one with a newline inside, one of 100,000 bytes) and
// shows each answer. Run: npx tsx examples/aprende/06-protocolo-propio/cliente.ts [port]
import net from "node:net";
import { encode, MessageReader } from "./protocolo.js";

const ANSWER = {
  es: (bytes: number, view: string) => `respuesta de ${bytes} bytes: ${view}`,
  en: (bytes: number, view: string) => `answer of ${bytes} bytes: ${view}`,
};
const answer = ANSWER[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);
const messages = [Buffer.from("hola"), Buffer.from("dos\nlineas"), Buffer.alloc(100_000, "x")];

const client = net.connect(port, "127.0.0.1");
const reader = new MessageReader();
client.write(encode(messages.shift()!));
client.on("data", (chunk) => {
  for (const message of reader.push(chunk)) {
    const view =
      message.length <= 40 ? message : Buffer.concat([message.subarray(0, 20), Buffer.from("...")]);
    console.log(answer(message.length, JSON.stringify(view.toString())));
    const next = messages.shift();
    if (next === undefined) client.end();
    else client.write(encode(next));
  }
});
client.on("error", (error: NodeJS.ErrnoException) => {
  console.error(`Error: ${error.code ?? error.message}`);
  process.exitCode = 1;
});
