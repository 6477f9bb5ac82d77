import type { Catalog } from "./index.js";

type Key =
  | "help.cert"
  | "cert.badName"
  | "cert.createdCa"
  | "cert.reusedCa"
  | "cert.createdServer"
  | "cert.createdClient"
  | "cert.next";

/** Texts of `enchufe cert` and the security features. */
export const security = {
  es: {
    "help.cert": `Uso: enchufe cert [--out DIR] [NOMBRE_O_IP ...] [--client NOMBRE]

Crea una CA de desarrollo local y un certificado de servidor para localhost, 127.0.0.1, ::1
y los nombres o IPs indicados: ca.pem, ca-key.pem, server.pem, server-key.pem en DIR
(por defecto ./certs). Las claves privadas quedan con permisos 0600. Si DIR ya tiene una CA,
la reutiliza.

  --out DIR          carpeta de salida (por defecto certs)
  --client NOMBRE    crea además NOMBRE.pem y NOMBRE-key.pem para TLS mutuo (repetible)`,
    "cert.badName": "Nombre no válido para un certificado: '{name}'.",
    "cert.createdCa": "CA de desarrollo creada: {path}",
    "cert.reusedCa": "Usando la CA existente: {path}",
    "cert.createdServer": "Certificado de servidor: {path} (para {names})",
    "cert.createdClient": "Certificado de cliente para '{name}': {path}",
    "cert.next": "Inicia el servidor con TLS:\n  {server}\nY conéctate:\n  {client}",
  },
  en: {
    "help.cert": `Usage: enchufe cert [--out DIR] [NAME_OR_IP ...] [--client NAME]

Creates a local development CA and a server certificate for localhost, 127.0.0.1, ::1 and
the names or IPs given: ca.pem, ca-key.pem, server.pem, server-key.pem in DIR (default ./certs).
Private keys get mode 0600. When DIR already has a CA, it is reused.

  --out DIR          output folder (default certs)
  --client NAME      also create NAME.pem and NAME-key.pem for mutual TLS (repeatable)`,
    "cert.badName": "Not a valid certificate name: '{name}'.",
    "cert.createdCa": "Development CA created: {path}",
    "cert.reusedCa": "Using the existing CA: {path}",
    "cert.createdServer": "Server certificate: {path} (for {names})",
    "cert.createdClient": "Client certificate for '{name}': {path}",
    "cert.next": "Start the server with TLS:\n  {server}\nAnd connect:\n  {client}",
  },
} as const satisfies Catalog<Key>;
