// cliente_tls.py in TypeScript with only node:tls: checks who the server is before reading anything.
// Run: npx tsx cliente_tls.ts [dir] [port]   (trusts dir/ca.pem, default certs/ca.pem; dir "-" trusts
// only the system's CAs; port 5000 or env PORT)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import tls from "node:tls";

const TEXTS = {
  es: {
    encrypted: "Cifrado: {version}, {cipher}",
    untrusted:
      "Error: no confío en el certificado del servidor ({reason}). Dime en qué CA confiar: npx tsx cliente_tls.ts certs",
  },
  en: {
    encrypted: "Encrypted: {version}, {cipher}",
    untrusted:
      "Error: I do not trust the server's certificate ({reason}). Tell me which CA to trust: npx tsx cliente_tls.ts certs",
  },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const dir = process.argv[2] || "certs";
const port = Number(process.argv[3] ?? process.env.PORT ?? 5000);
const chunks: Buffer[] = [];

// Checks the certificate's signature (against our development CA) and that it names this host.
const ca = dir === "-" ? undefined : readFileSync(join(dir, "ca.pem"));
const client = tls.connect({ host: "127.0.0.1", port, ca }, () => {
  console.log(
    text.encrypted
      .replace("{version}", String(client.getProtocol()))
      .replace("{cipher}", client.getCipher().name),
  );
});
client.on("data", (chunk) => chunks.push(chunk));
client.on("end", () => {
  console.log(`Mensaje del servidor: ${Buffer.concat(chunks).toString("utf8")}`);
  client.destroy();
});
client.on("error", (error: NodeJS.ErrnoException) => {
  // UNABLE_TO_VERIFY_LEAF_SIGNATURE: signed by a CA we do not trust; ERR_TLS_CERT_ALTNAME_INVALID: another host.
  console.error(text.untrusted.replace("{reason}", error.code ?? error.message));
  process.exitCode = 1;
});
