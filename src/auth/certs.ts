/**
 * Development certificates for `enchufe cert`: a local CA, a server certificate for localhost,
 * 127.0.0.1, ::1 and extra names, and client certificates for mutual TLS. ECDSA P-256, PEM output,
 * pure JavaScript (no openssl program needed).
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";

// @peculiar/x509 takes a WebCrypto implementation; Node's is standard.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return webcrypto.subtle.importKey("pkcs8", Buffer.from(body, "base64"), ALGORITHM, true, ["sign"]);
}

function serial(): string {
  // Positive 16-byte serial number.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return Buffer.from(bytes).toString("hex");
}

/** Escapes a value for an X.500 name string (RFC 4514). */
function dnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, "\\$1");
}

/** Creates a self-signed CA valid for `days` (default 10 years). */
export async function createDevCa(name = "enchufe development CA", days = 3650): Promise<PemPair> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${dnValue(name)}, O=enchufe`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + days * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"],
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await keyToPem(keys.privateKey) };
}

async function issue(
  ca: PemPair,
  commonName: string,
  names: readonly string[],
  usage: "server" | "client",
  days: number,
): Promise<PemPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = await newKeys();
  const now = Date.now();
  const altNames = names.map((value) => ({
    type: isIP(value) === 0 ? ("dns" as const) : ("ip" as const),
    value,
  }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${dnValue(commonName)}, O=enchufe`,
    issuer: caCert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + days * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(
        [usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      ...(altNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(altNames, false)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await keyToPem(keys.privateKey) };
}

/** The names every development server certificate covers. */
export const DEFAULT_SERVER_NAMES: readonly string[] = ["localhost", "127.0.0.1", "::1"];

/** A server certificate from `ca` for localhost, 127.0.0.1, ::1 and `extraNames` (host names or IPs). */
export function issueServerCert(
  ca: PemPair,
  extraNames: readonly string[] = [],
  days = 825,
): Promise<PemPair> {
  const names = [...new Set([...DEFAULT_SERVER_NAMES, ...extraNames])];
  return issue(ca, names.find((n) => isIP(n) === 0) ?? "localhost", names, "server", days);
}

/** A client certificate from `ca` whose common name `name` becomes the user under mutual TLS. */
export function issueClientCert(ca: PemPair, name: string, days = 825): Promise<PemPair> {
  return issue(ca, name, [], "client", days);
}
