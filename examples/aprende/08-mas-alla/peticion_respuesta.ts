// Request/reply with the enchufe library: one client answers "doble", another asks.
// Run: npx tsx peticion_respuesta.ts [port]   (port 5000 or env PORT)
import { connect, EnchufeError } from "enchufe";

const TEXTS = {
  es: { nobody: 'nadie responde a "triple"' },
  en: { nobody: 'nobody answers "triple"' },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const port = Number(process.argv[2] ?? process.env.PORT ?? 5000);

const calculator = await connect({ port, name: "calculadora" });
const requests = calculator.respond("doble");
await calculator.flush(); // the server knows the responder now
void (async () => {
  for await (const request of requests) {
    const number = Number(Buffer.from(request.payload).toString());
    request.respond(String(number * 2));
  }
})();

const client = await connect({ port, name: "cliente" });
const twice = await client.request("doble", "21", { timeoutMs: 2000 });
console.log(`doble(21) = ${Buffer.from(twice.payload).toString()}`);
const echo = await client.request("echo", "hola", { timeoutMs: 2000 }); // built into the server
console.log(`echo(hola) = ${Buffer.from(echo.payload).toString()}`);
try {
  await client.request("triple", "1", { timeoutMs: 2000 });
} catch (error) {
  if (!(error instanceof EnchufeError)) throw error;
  console.log(`triple(1): ${error.code} (${text.nobody})`); // tell errors apart by code, never by text
}
await client.close();
await calculator.close();
