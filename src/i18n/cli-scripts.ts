import type { Catalog } from "./lang.js";

type Key =
  | "arg.TOPIC"
  | "arg.NAME"
  | "arg.PATTERN"
  | "topic.empty"
  | "topic.tooLong"
  | "topic.wildcardNotLast"
  | "topic.emptyToken"
  | "topic.badToken"
  | "topic.badTokenWildcards"
  | "errno.ENOENT"
  | "errno.EACCES"
  | "errno.EPERM"
  | "errno.EISDIR"
  | "errno.ENOTDIR"
  | "errno.EMFILE"
  | "errno.EROFS"
  | "errno.ENOSPC"
  | "errno.other"
  | "files.cannotRead"
  | "env.badPort"
  | "env.badUrl"
  | "env.empty"
  | "help.reply"
  | "reply.mode"
  | "reply.listening"
  | "reply.execFailed"
  | "reply.tooLarge"
  | "request.timeout"
  | "pub.hint"
  | "client.empty"
  | "user.promptNew"
  | "user.confirm"
  | "user.mismatch";

/** Texts of the scripting sub-commands (pub, sub, request, reply) and their shared argument checks. */
export const cliScripts = {
  es: {
    "arg.TOPIC": "TEMA",
    "arg.NAME": "NOMBRE",
    "arg.PATTERN": "PATRÓN",
    "topic.empty": "está vacío",
    "topic.tooLong": "tiene más de {max} caracteres",
    "topic.wildcardNotLast": "usa '>' antes del último elemento (solo puede ir al final)",
    "topic.emptyToken": "tiene un elemento vacío (dos puntos seguidos, o un punto al principio o al final)",
    "topic.badToken": "'{token}' tiene caracteres no permitidos",
    "topic.badTokenWildcards":
      "'{token}' tiene caracteres no permitidos (los comodines '*' y '>' van solos entre puntos)",
    "errno.ENOENT": "no existe",
    "errno.EACCES": "sin permiso para leerlo",
    "errno.EPERM": "sin permiso para leerlo",
    "errno.EISDIR": "es una carpeta, no un archivo",
    "errno.ENOTDIR": "una parte de la ruta no es una carpeta",
    "errno.EMFILE": "hay demasiados archivos abiertos",
    "errno.EROFS": "el sistema de archivos es de solo lectura",
    "errno.ENOSPC": "no queda espacio en el disco",
    "errno.other": "error del sistema {code}",
    "files.cannotRead": "no se puede leer: {reason}",
    "env.badPort":
      "La variable {name} debe ser un puerto, un número entero entre 0 y 65535 (recibido: '{value}').",
    "env.badUrl":
      "La variable {name} debe tener la forma enchufe://HOST:PUERTO (o enchufes://HOST:PUERTO para TLS) (recibido: '{value}').",
    "env.empty": "La variable {name} está vacía: dale un valor o quítala.",
    "help.reply": `Uso: enchufe reply NOMBRE (--echo | --exec 'COMANDO') [opciones]

Atiende las peticiones NOMBRE (se admiten los comodines * y >) hasta Ctrl+C, como 'nats reply'.

  --echo                 responde con los mismos datos recibidos
  --exec 'COMANDO'       ejecuta COMANDO (con /bin/sh -c) por cada petición, con los datos en la
                         entrada estándar, y responde con lo que escribe en la salida estándar; si
                         termina con un código distinto de 0, la petición falla con su salida de error
  --concurrency N        cuántos COMANDO a la vez como máximo (por defecto 4)
  --count N              termina tras responder N peticiones
  --host HOST            servidor (por defecto 127.0.0.1, o ENCHUFE_HOST / ENCHUFE_URL)
  --port PUERTO          puerto (por defecto 5000, o ENCHUFE_PORT / ENCHUFE_URL)
  --timeout SEGUNDOS     límite para conectar (por defecto 10)
  --lang es|en, --trace, --debug
{tls}`,
    "reply.mode": "Indica cómo responder: --echo o --exec 'COMANDO' (una de las dos).",
    "reply.listening": "Respondiendo a {name}",
    "reply.execFailed": "el comando terminó con el código {code}",
    "reply.tooLarge":
      "la respuesta del comando ({bytes} bytes) supera el máximo del servidor ({limit} bytes)",
    "request.timeout":
      "La petición '{name}' no tuvo respuesta en {seconds} s. Revisa que el servicio que la atiende funcione (enchufe reply {name}), o aumenta el límite con --timeout SEGUNDOS.",
    "pub.hint": "Escribe los mensajes, uno por línea; Ctrl+D para terminar (o pasa MENSAJE tras el TEMA).",
    "client.empty":
      "El servidor {address} cerró la conexión sin enviar ningún saludo. ¿Es un servidor enchufe? Revisa --host y --port.",
    "user.promptNew": "Contraseña nueva para {name} (al menos 8 caracteres): ",
    "user.confirm": "Repite la contraseña: ",
    "user.mismatch": "Las contraseñas no coinciden. Vuelve a intentarlo.",
  },
  en: {
    "arg.TOPIC": "TOPIC",
    "arg.NAME": "NAME",
    "arg.PATTERN": "PATTERN",
    "topic.empty": "is empty",
    "topic.tooLong": "is longer than {max} characters",
    "topic.wildcardNotLast": "uses '>' before the last token (it may only come last)",
    "topic.emptyToken": "has an empty token (two dots, or a dot at either end)",
    "topic.badToken": "'{token}' has characters that are not allowed",
    "topic.badTokenWildcards":
      "'{token}' has characters that are not allowed (the wildcards '*' and '>' stand alone between dots)",
    "errno.ENOENT": "it does not exist",
    "errno.EACCES": "no permission to read it",
    "errno.EPERM": "no permission to read it",
    "errno.EISDIR": "it is a folder, not a file",
    "errno.ENOTDIR": "part of the path is not a folder",
    "errno.EMFILE": "too many open files",
    "errno.EROFS": "the file system is read-only",
    "errno.ENOSPC": "no space left on the disk",
    "errno.other": "system error {code}",
    "files.cannotRead": "cannot be read: {reason}",
    "env.badPort": "The variable {name} must be a port, an integer from 0 to 65535 (received: '{value}').",
    "env.badUrl":
      "The variable {name} must look like enchufe://HOST:PORT (or enchufes://HOST:PORT for TLS) (received: '{value}').",
    "env.empty": "The variable {name} is empty: give it a value or unset it.",
    "help.reply": `Usage: enchufe reply NAME (--echo | --exec 'COMMAND') [options]

Answers the requests named NAME (wildcards * and > allowed) until Ctrl+C, like 'nats reply'.

  --echo                 answer with the data received
  --exec 'COMMAND'       run COMMAND (through /bin/sh -c) per request, with the data on its standard
                         input, and answer with what it writes to standard output; when it exits
                         with a code other than 0, the request fails with its standard error
  --concurrency N        at most N COMMANDs at once (default 4)
  --count N              exit after answering N requests
  --host HOST            server (default 127.0.0.1, or ENCHUFE_HOST / ENCHUFE_URL)
  --port PORT            port (default 5000, or ENCHUFE_PORT / ENCHUFE_URL)
  --timeout SECONDS      limit for connecting (default 10)
  --lang es|en, --trace, --debug
{tls}`,
    "reply.mode": "Say how to answer: --echo or --exec 'COMMAND' (one of the two).",
    "reply.listening": "Answering {name}",
    "reply.execFailed": "the command exited with code {code}",
    "reply.tooLarge": "the command's answer ({bytes} bytes) is over the server's maximum ({limit} bytes)",
    "request.timeout":
      "Request '{name}' got no answer within {seconds} s. Check that the service answering it works (enchufe reply {name}), or raise the limit with --timeout SECONDS.",
    "pub.hint": "Type the messages, one per line; Ctrl+D to finish (or give MESSAGE after the TOPIC).",
    "client.empty":
      "The server {address} closed the connection without sending any greeting. Is it an enchufe server? Check --host and --port.",
    "user.promptNew": "New password for {name} (at least 8 characters): ",
    "user.confirm": "Repeat the password: ",
    "user.mismatch": "The passwords do not match. Try again.",
  },
} as const satisfies Catalog<Key>;
