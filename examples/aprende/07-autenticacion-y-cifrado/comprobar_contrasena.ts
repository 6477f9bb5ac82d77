// comprobar_contrasena.py in TypeScript: how a password stored as an scrypt hash is checked.
// Run: npx tsx comprobar_contrasena.ts users.json name password
import { scryptSync, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";

const TEXTS = {
  es: { right: "Contraseña correcta para {name}.", wrong: "Contraseña incorrecta para {name}." },
  en: { right: "Correct password for {name}.", wrong: "Wrong password for {name}." },
};
const text = TEXTS[process.env.ENCHUFE_LANG === "en" ? "en" : "es"];
const [file, name, password] = process.argv.slice(2) as [string, string, string];

const stored = JSON.parse(readFileSync(file, "utf8")).users[name].password;
// The same computation with the same salt and parameters; then the results are compared.
const computed = scryptSync(password, Buffer.from(stored.salt, "base64"), stored.keylen, {
  N: stored.N,
  r: stored.r,
  p: stored.p,
});
// timingSafeEqual takes as long whether it matches or not: time reveals no matching bytes.
if (timingSafeEqual(computed, Buffer.from(stored.hash, "base64"))) {
  console.log(text.right.replace("{name}", name));
} else {
  console.log(text.wrong.replace("{name}", name));
  process.exitCode = 1;
}
