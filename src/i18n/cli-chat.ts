import type { Catalog } from "./lang.js";

/** Texts of `enchufe chat`: its help, the connection's status lines and the refusals it explains. */
export const cliChat = {
  es: {
    "chat.help": `Uso: enchufe chat [--nick APODO] [--room SALA] [opciones]

Chatea con el servidor en modo texto (como nc o telnet, pero cómodo). Escribe /help para ver los comandos.
Tus mensajes se ven como los ven los demás ([sala] apodo: texto); las entradas y salidas de la sala
también se muestran. Ctrl+C o Ctrl+D salen al momento.
Con la entrada redirigida (un archivo o una tubería), envía cada línea y termina al acabar.

  --nick APODO           tu apodo (con --user, por defecto tu nombre de usuario)
  --room SALA            entra en SALA al conectar (por defecto general)
  --timestamps           pone la hora (HH:MM) delante de cada línea
  --no-reconnect         si se pierde la conexión, termina con código 1 en vez de reconectar
  --host HOST            servidor (por defecto 127.0.0.1)
  --port PUERTO          puerto (por defecto 5000)
  --timeout SEGUNDOS     límite para conectar (por defecto 10)
  --lang es|en, --trace, --debug
{tls}

Si se pierde la conexión, chat lo dice y reconecta (varios intentos, cada vez más espaciados), y vuelve
a tu sala con tu apodo. Los apodos salen en color en una terminal que lo admite (nunca con NO_COLOR ni
en una tubería). Un inicio de sesión fallido o un servidor que lo exige terminan con código 1.`,
    "chat.you": "(tú)",
    "chat.lost": "enchufe: se perdió la conexión con {host}:{port}.",
    "chat.reconnecting": "enchufe: reconectando en {seconds} s (intento {attempt} de {max})...",
    "chat.reconnected": "enchufe: reconectado: de vuelta en la sala {room}.",
    "chat.gaveUp":
      "enchufe: no se pudo reconectar tras {max} intentos. Comprueba que el servidor está en marcha y vuelve a ejecutar enchufe chat.",
    "chat.noReconnect": "enchufe: chat termina (--no-reconnect).",
    "chat.refused": "enchufe: el servidor no aceptó la sesión: {line}",
  },
  en: {
    "chat.help": `Usage: enchufe chat [--nick NICK] [--room ROOM] [options]

Chat with the server in text mode (like nc or telnet, but comfortable). Type /help for the commands.
Your own messages show as others see them ([room] nick: text); people joining and leaving the room
show too. Ctrl+C or Ctrl+D leave at once.
With redirected input (a file or a pipe) it sends every line and exits at the end.

  --nick NICK            your nickname (with --user, your user name by default)
  --room ROOM            join ROOM on connecting (default general)
  --timestamps           put the time (HH:MM) before every line
  --no-reconnect         when the connection is lost, exit with code 1 instead of reconnecting
  --host HOST            server (default 127.0.0.1)
  --port PORT            port (default 5000)
  --timeout SECONDS      limit for connecting (default 10)
  --lang es|en, --trace, --debug
{tls}

When the connection is lost, chat says so and reconnects (a few attempts, further apart each time),
back in your room with your nickname. Nicknames are coloured on a terminal that supports it (never
under NO_COLOR or in a pipe). A failed login, or a server that requires one, exits with code 1.`,
    "chat.you": "(you)",
    "chat.lost": "enchufe: lost the connection to {host}:{port}.",
    "chat.reconnecting": "enchufe: reconnecting in {seconds} s (attempt {attempt} of {max})...",
    "chat.reconnected": "enchufe: reconnected: back in room {room}.",
    "chat.gaveUp":
      "enchufe: could not reconnect after {max} attempts. Check that the server is running and run enchufe chat again.",
    "chat.noReconnect": "enchufe: chat ends (--no-reconnect).",
    "chat.refused": "enchufe: the server did not accept the session: {line}",
  },
} as const satisfies Catalog<
  | "chat.help"
  | "chat.you"
  | "chat.lost"
  | "chat.reconnecting"
  | "chat.reconnected"
  | "chat.gaveUp"
  | "chat.noReconnect"
  | "chat.refused"
>;
