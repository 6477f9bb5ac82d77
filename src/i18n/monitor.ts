/**
 * The live view (`enchufe server --monitor`): the dashboard page's texts (loaded by the library's
 * src/server/monitor/, so no CLI catalogue here) and the CLI's --monitor messages.
 */
import type { Catalog } from "./lang.js";

export const monitor = {
  es: {
    "monitor.title": "enchufe: el servidor en vivo",
    "monitor.connections": "Conexiones",
    "monitor.connectionsNow": "conexiones abiertas",
    "monitor.messageRate": "Mensajes por segundo",
    "monitor.in": "recibidos",
    "monitor.out": "enviados",
    "monitor.rooms": "Salas y quién está",
    "monitor.noRooms": "No hay nadie en ninguna sala.",
    "monitor.events": "Últimos sucesos",
    "monitor.noEvents": "Todavía no ha pasado nada: conecta un cliente en otra terminal.",
    "monitor.counters": "Contadores",
    "monitor.c.total": "conexiones en total",
    "monitor.c.text": "de texto ahora",
    "monitor.c.framed": "programas ahora",
    "monitor.c.websocket": "websocket ahora",
    "monitor.c.messagesIn": "mensajes recibidos",
    "monitor.c.messagesOut": "mensajes enviados",
    "monitor.c.bytesIn": "bytes recibidos",
    "monitor.c.bytesOut": "bytes enviados",
    "monitor.c.slow": "cortados por lentos",
    "monitor.c.rate": "cortados por ritmo",
    "monitor.c.auth": "inicios de sesión fallidos",
    "monitor.c.subscriptions": "suscripciones",
    "monitor.c.cluster": "clúster",
    "monitor.uptime": "activo desde hace {seconds} s",
    "monitor.draining": "el servidor se está cerrando",
    "monitor.unreachable": "No se puede leer /varz: ¿sigue en marcha el servidor?",
    "monitor.event.connect": "{nick} se conectó desde {address}",
    "monitor.event.disconnect": "{nick} se desconectó ({reason})",
    "monitor.event.join": "{nick} entró en {room}",
    "monitor.event.leave": "{nick} salió de {room}",
    "monitor.event.nick": "{oldNick} ahora se llama {nick}",
    "monitor.event.login": "inicio de sesión de {user}: {result}",
    "monitor.event.loginOk": "correcto",
    "monitor.event.loginFailed": "fallido",
    "monitor.cli.listening": "Vista en vivo en http://{address}/ (métricas en /metrics)",
    "monitor.cli.samePort":
      "--monitor {port} es el mismo puerto que el del chat: elige otro (por ejemplo --monitor {suggestion}).",
    "monitor.cli.badValue":
      "--monitor necesita [HOST:]PUERTO, por ejemplo --monitor 8222 o --monitor 0.0.0.0:8222; se recibió '{value}'.",
    "monitor.cli.publicBind":
      "Aviso: la vista en vivo escucha en {host}, abierta a la red y sin contraseña: cualquiera que llegue a ella ve los nicks y las direcciones de tus clientes.",
    "monitor.cli.inUse":
      "El puerto {port} de --monitor ya está en uso por otro programa: elige otro con --monitor PUERTO (0 elige uno libre).",
    "monitor.cli.modeConflict": "--monitor solo funciona en modo sesión (sin --once ni --greet-only).",
    "help.serverMonitor": `

Vista en vivo (apagada por defecto):
  --monitor [HOST:]PUERTO    sirve por HTTP un panel (/), /healthz, /readyz, /varz, /connz, /events y
                             /metrics (Prometheus); un puerto solo escucha en 127.0.0.1; nunca el puerto del chat`,
  },
  en: {
    "monitor.title": "enchufe: the server live",
    "monitor.connections": "Connections",
    "monitor.connectionsNow": "open connections",
    "monitor.messageRate": "Messages per second",
    "monitor.in": "in",
    "monitor.out": "out",
    "monitor.rooms": "Rooms and who is in them",
    "monitor.noRooms": "Nobody is in any room.",
    "monitor.events": "Latest events",
    "monitor.noEvents": "Nothing has happened yet: connect a client in another terminal.",
    "monitor.counters": "Counters",
    "monitor.c.total": "connections in total",
    "monitor.c.text": "text now",
    "monitor.c.framed": "programs now",
    "monitor.c.websocket": "websocket now",
    "monitor.c.messagesIn": "messages in",
    "monitor.c.messagesOut": "messages out",
    "monitor.c.bytesIn": "bytes in",
    "monitor.c.bytesOut": "bytes out",
    "monitor.c.slow": "slow consumers cut",
    "monitor.c.rate": "rate-limit cut-offs",
    "monitor.c.auth": "failed logins",
    "monitor.c.subscriptions": "subscriptions",
    "monitor.c.cluster": "cluster",
    "monitor.uptime": "up {seconds} s",
    "monitor.draining": "the server is shutting down",
    "monitor.unreachable": "Cannot read /varz: is the server still running?",
    "monitor.event.connect": "{nick} connected from {address}",
    "monitor.event.disconnect": "{nick} disconnected ({reason})",
    "monitor.event.join": "{nick} joined {room}",
    "monitor.event.leave": "{nick} left {room}",
    "monitor.event.nick": "{oldNick} is now {nick}",
    "monitor.event.login": "login of {user}: {result}",
    "monitor.event.loginOk": "ok",
    "monitor.event.loginFailed": "failed",
    "monitor.cli.listening": "Live view on http://{address}/ (metrics at /metrics)",
    "monitor.cli.samePort":
      "--monitor {port} is the chat port itself: pick another one (for example --monitor {suggestion}).",
    "monitor.cli.badValue":
      "--monitor needs [HOST:]PORT, for example --monitor 8222 or --monitor 0.0.0.0:8222; received '{value}'.",
    "monitor.cli.publicBind":
      "Warning: the live view listens on {host}, open to the network with no password: anyone who reaches it sees your clients' nicknames and addresses.",
    "monitor.cli.inUse":
      "Port {port} of --monitor is already in use by another program: pick another one with --monitor PORT (0 picks a free one).",
    "monitor.cli.modeConflict": "--monitor works only in session mode (without --once or --greet-only).",
    "help.serverMonitor": `

Live view (off by default):
  --monitor [HOST:]PORT      serves over HTTP a dashboard (/), /healthz, /readyz, /varz, /connz, /events and
                             /metrics (Prometheus); a bare port listens on 127.0.0.1; never the chat port`,
  },
} as const satisfies Catalog<
  | "monitor.title"
  | "monitor.connections"
  | "monitor.connectionsNow"
  | "monitor.messageRate"
  | "monitor.in"
  | "monitor.out"
  | "monitor.rooms"
  | "monitor.noRooms"
  | "monitor.events"
  | "monitor.noEvents"
  | "monitor.counters"
  | "monitor.c.total"
  | "monitor.c.text"
  | "monitor.c.framed"
  | "monitor.c.websocket"
  | "monitor.c.messagesIn"
  | "monitor.c.messagesOut"
  | "monitor.c.bytesIn"
  | "monitor.c.bytesOut"
  | "monitor.c.slow"
  | "monitor.c.rate"
  | "monitor.c.auth"
  | "monitor.c.subscriptions"
  | "monitor.c.cluster"
  | "monitor.uptime"
  | "monitor.draining"
  | "monitor.unreachable"
  | "monitor.event.connect"
  | "monitor.event.disconnect"
  | "monitor.event.join"
  | "monitor.event.leave"
  | "monitor.event.nick"
  | "monitor.event.login"
  | "monitor.event.loginOk"
  | "monitor.event.loginFailed"
  | "monitor.cli.listening"
  | "monitor.cli.samePort"
  | "monitor.cli.badValue"
  | "monitor.cli.inUse"
  | "monitor.cli.publicBind"
  | "monitor.cli.modeConflict"
  | "help.serverMonitor"
>;

export type MonitorKey = typeof monitor extends Catalog<infer K> ? K : never;
