import type { Catalog } from "./lang.js";

type Key =
  | "log.disconnect"
  | "log.login.ok"
  | "log.login.failed"
  | "log.login.token"
  | "log.method.password"
  | "log.method.token"
  | "log.method.certificate"
  | "log.why.EAUTH"
  | "log.why.ERATELIMIT"
  | "log.why.EPLAINTEXTAUTH"
  | "log.listening.tls"
  | "log.listening.auth"
  | "log.usersReloaded"
  | "log.badFormat"
  | "log.reason.closed"
  | "log.reason.quit"
  | "log.reason.shutdown"
  | "log.reason.idle"
  | "log.reason.slow-consumer"
  | "log.reason.protocol-error"
  | "log.reason.server-error"
  | "log.reason.too-large"
  | "log.reason.line-too-long"
  | "log.reason.line-timeout"
  | "log.reason.flood"
  | "log.reason.late-http"
  | "log.reason.rate-limit"
  | "log.reason.auth-failed"
  | "log.reason.handshake-timeout"
  | "log.reason.server-full";

/** The server's log lines beyond the original's (`enchufe server`): disconnects, logins, reloads. */
export const cliLog = {
  es: {
    "log.disconnect": "Desconectado {nick} ({address}): {reason}",
    "log.login.ok": "Sesión iniciada como {user} desde {address} ({method})",
    "log.login.failed": "Inicio de sesión fallido como {user} desde {address} ({method}): {why}",
    "log.login.token": "(token desconocido)",
    "log.method.password": "contraseña",
    "log.method.token": "token",
    "log.method.certificate": "certificado de cliente",
    "log.why.EAUTH": "usuario o credenciales incorrectos",
    "log.why.ERATELIMIT": "demasiados intentos fallidos desde esa dirección",
    "log.why.EPLAINTEXTAUTH": "credenciales sin cifrar, rechazadas",
    "log.listening.tls": "TLS",
    "log.listening.auth": "inicio de sesión obligatorio",
    "log.usersReloaded": "Recargado el archivo de usuarios (cambió en el disco).",
    "log.badFormat": "Valor no válido para --log-format: '{value}'. Usa text o json.",
    "log.reason.closed": "cerró la conexión",
    "log.reason.quit": "salió con /quit",
    "log.reason.shutdown": "el servidor se cierra",
    "log.reason.idle": "sin actividad demasiado tiempo",
    "log.reason.slow-consumer": "no leía a tiempo (consumidor lento)",
    "log.reason.protocol-error": "rompió el protocolo",
    "log.reason.server-error": "error interno del servidor",
    "log.reason.too-large": "mensaje demasiado grande",
    "log.reason.line-too-long": "línea demasiado larga",
    "log.reason.line-timeout": "línea sin terminar a tiempo",
    "log.reason.flood": "demasiadas líneas seguidas",
    "log.reason.late-http": "petición HTTP después del saludo",
    "log.reason.rate-limit": "demasiados mensajes",
    "log.reason.auth-failed": "inicio de sesión fallido",
    "log.reason.handshake-timeout": "no envió HELLO a tiempo",
    "log.reason.server-full": "servidor lleno",
  },
  en: {
    "log.disconnect": "Disconnected {nick} ({address}): {reason}",
    "log.login.ok": "Logged in as {user} from {address} ({method})",
    "log.login.failed": "Failed login as {user} from {address} ({method}): {why}",
    "log.login.token": "(unknown token)",
    "log.method.password": "password",
    "log.method.token": "token",
    "log.method.certificate": "client certificate",
    "log.why.EAUTH": "wrong user or credentials",
    "log.why.ERATELIMIT": "too many failed logins from that address",
    "log.why.EPLAINTEXTAUTH": "unencrypted credentials, refused",
    "log.listening.tls": "TLS",
    "log.listening.auth": "login required",
    "log.usersReloaded": "Reloaded the users file (it changed on disk).",
    "log.badFormat": "Invalid value for --log-format: '{value}'. Use text or json.",
    "log.reason.closed": "closed the connection",
    "log.reason.quit": "left with /quit",
    "log.reason.shutdown": "the server is shutting down",
    "log.reason.idle": "idle for too long",
    "log.reason.slow-consumer": "did not read in time (slow consumer)",
    "log.reason.protocol-error": "broke the protocol",
    "log.reason.server-error": "internal server error",
    "log.reason.too-large": "message too large",
    "log.reason.line-too-long": "line too long",
    "log.reason.line-timeout": "line not completed in time",
    "log.reason.flood": "too many lines in a row",
    "log.reason.late-http": "HTTP request after the greeting",
    "log.reason.rate-limit": "too many messages",
    "log.reason.auth-failed": "failed login",
    "log.reason.handshake-timeout": "no HELLO in time",
    "log.reason.server-full": "server full",
  },
} as const satisfies Catalog<Key>;
