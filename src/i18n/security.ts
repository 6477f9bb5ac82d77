import type { Catalog } from "./lang.js";

type Key =
  | "help.cert"
  | "cert.badName"
  | "cert.createdCa"
  | "cert.reusedCa"
  | "cert.createdServer"
  | "cert.createdClient"
  | "cert.next"
  | "help.user"
  | "user.badAction"
  | "user.badPattern"
  | "user.badName"
  | "user.none"
  | "user.exists"
  | "user.missing"
  | "user.prompt"
  | "user.shortPassword"
  | "user.tokenOnce"
  | "user.done.add"
  | "user.done.remove"
  | "user.done.passwd"
  | "user.done.perms";

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
    "help.user": `Uso: enchufe user add|remove|passwd|token|perms NOMBRE --file usuarios.json [opciones]
     enchufe user list --file usuarios.json

Gestiona el archivo de usuarios del servidor (enchufe server --users usuarios.json).
La contraseña (8 caracteres como mínimo) se pide en la terminal sin mostrarla, o se lee de
--password-file, o de una línea de la entrada estándar. Solo se guardan hashes scrypt.
'token' muestra un token nuevo una sola vez.

  --file ARCHIVO          el archivo de usuarios (se crea con 'add')
  --password-file ARCHIVO lee la contraseña de la primera línea de ARCHIVO
  --publish PATRÓN        temas donde puede publicar (repetible; por defecto >, todo)
  --subscribe PATRÓN      temas a los que puede suscribirse y salas donde puede entrar (repetible)`,
    "user.badAction": "Acción desconocida '{action}': usa una de {actions}.",
    "user.badPattern": "Patrón de tema no válido: '{pattern}'.",
    "user.badName":
      "Nombre de usuario no válido: '{name}' (1-32 letras, dígitos, '_', '.', '-'; 'guest' está reservado).",
    "user.none": "No hay usuarios.",
    "user.exists": "el usuario {name} ya existe (usa 'passwd' o 'perms')",
    "user.missing": "no existe el usuario {name}",
    "user.prompt": "Contraseña para {name}: ",
    "user.shortPassword": "La contraseña debe tener al menos 8 caracteres.",
    "user.tokenOnce": "Token nuevo para {name} (se muestra solo esta vez; guárdalo):",
    "user.done.add": "Usuario {name} añadido a {path}.",
    "user.done.remove": "Usuario {name} eliminado de {path}.",
    "user.done.passwd": "Contraseña de {name} cambiada.",
    "user.done.perms": "Permisos de {name} actualizados.",
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
    "help.user": `Usage: enchufe user add|remove|passwd|token|perms NAME --file users.json [options]
       enchufe user list --file users.json

Manages the server's users file (enchufe server --users users.json). The password (at least
8 characters) is asked on the terminal without echo, or read from --password-file, or from one
line of standard input. Only scrypt hashes are stored. 'token' prints a new token once.

  --file FILE             the users file (created by 'add')
  --password-file FILE    read the password from FILE's first line
  --publish PATTERN       topics the user may publish to (repeatable; default >, everything)
  --subscribe PATTERN     topics the user may subscribe to and rooms it may join (repeatable)`,
    "user.badAction": "Unknown action '{action}': use one of {actions}.",
    "user.badPattern": "Invalid topic pattern: '{pattern}'.",
    "user.badName": "Invalid user name: '{name}' (1-32 letters, digits, '_', '.', '-'; 'guest' is reserved).",
    "user.none": "No users.",
    "user.exists": "user {name} already exists (use 'passwd' or 'perms')",
    "user.missing": "there is no user {name}",
    "user.prompt": "Password for {name}: ",
    "user.shortPassword": "The password must have at least 8 characters.",
    "user.tokenOnce": "New token for {name} (shown only this once; keep it):",
    "user.done.add": "User {name} added to {path}.",
    "user.done.remove": "User {name} removed from {path}.",
    "user.done.passwd": "Password of {name} changed.",
    "user.done.perms": "Permissions of {name} updated.",
    "cert.badName": "Not a valid certificate name: '{name}'.",
    "cert.createdCa": "Development CA created: {path}",
    "cert.reusedCa": "Using the existing CA: {path}",
    "cert.createdServer": "Server certificate: {path} (for {names})",
    "cert.createdClient": "Client certificate for '{name}': {path}",
    "cert.next": "Start the server with TLS:\n  {server}\nAnd connect:\n  {client}",
  },
} as const satisfies Catalog<Key>;
