import type { Catalog } from "./lang.js";

type Key =
  | "cli.listening"
  | "cli.waiting"
  | "cli.connection"
  | "cli.message"
  | "cli.invalidUtf8"
  | "cli.stopping"
  | "cli.stopped"
  | "cli.publicBind"
  | "cli.unknownCommand"
  | "cli.unknownOption"
  | "cli.missingValue"
  | "cli.badPort"
  | "cli.badNumber"
  | "cli.badLang"
  | "cli.conflict"
  | "cli.unexpectedArgument"
  | "cli.unexpected"
  | "cli.messageNul"
  | "cli.messageNewline"
  | "help.main"
  | "help.server"
  | "help.client"
  | "help.serverLimits"
  | "help.pub"
  | "help.sub"
  | "help.request"
  | "cli.missingArgument"
  | "cli.insecure"
  | "cli.together"
  | "cli.authWord"
  | "cli.reloaded"
  | "cli.clientError"
  | "help.tlsClient"
  | "help.tlsServer"
  | "cli.reconnecting"
  | "cli.reconnected"
  | "cli.subscribed"
  | "cli.subscribedGroup"
  | "cli.invalidGroup"
  | "trace.create"
  | "trace.bind"
  | "trace.listen"
  | "trace.accept"
  | "trace.connect"
  | "trace.connected"
  | "trace.send"
  | "trace.receive"
  | "trace.end"
  | "trace.close"
  | "trace.preface-sent"
  | "trace.preface-received"
  | "trace.frame-sent"
  | "trace.frame-received";

/** Texts of the `enchufe` command itself and of `server` / `client`. */
export const cli = {
  es: {
    "cli.listening": "Escuchando en {address}",
    "cli.waiting": "Servidor esperando conexion tenga paciencia...",
    "cli.connection": "Conexion establecida desde {address}",
    "cli.message": "Mensaje del servidor: {text}",
    "cli.invalidUtf8":
      "aviso: el servidor envió bytes que no son UTF-8 válido; se muestran con caracteres de reemplazo (�).",
    "cli.stopping": "Deteniendo el servidor ({signal})...",
    "cli.stopped": "Servidor detenido.",
    "cli.publicBind":
      "aviso: escuchando en {host}, visible para otras máquinas de la red, sin {missing}. Lee docs/SECURITY.md.",
    "cli.unknownCommand": "Comando desconocido: '{name}'. Usa 'npx enchufe --help' para ver los comandos.",
    "cli.unknownOption": "Opción desconocida: '{option}'.",
    "cli.missingValue": "La opción {option} necesita un valor.",
    "cli.badPort": "--port debe ser un número entero entre 0 y 65535 (recibido: '{value}').",
    "cli.badNumber": "{option} debe ser {rule} (recibido: '{value}').",
    "cli.badLang": "--lang debe ser 'es' o 'en' (recibido: '{value}').",
    "cli.conflict": "Las opciones {a} y {b} no se pueden usar juntas.",
    "cli.unexpectedArgument": "Argumento inesperado: '{value}'.",
    "cli.messageNul":
      "El saludo de {option} contiene un byte NUL (0x00), que rompe la conexión de los clientes de programa. Quítalo del saludo.",
    "cli.messageNewline":
      "El saludo de {option} tiene un salto de línea, y en modo sesión el saludo es una sola línea. Quítalo, o usa --once o --greet-only para enviar los bytes tal cual.",
    "cli.unexpected": "Error inesperado en enchufe (es un fallo nuestro; por favor repórtalo):",
    "help.main": `enchufe: sockets TCP para aprender programación distribuida, y un servidor de mensajería.

Uso: enchufe <comando> [opciones]
Desde la carpeta del proyecto, sin instalar nada: npx enchufe <comando> [opciones]

Comandos:
{commands}

Opciones generales: --help, --version, --lang es|en (o la variable ENCHUFE_LANG), --trace, --debug
--trace muestra cada paso del ciclo de vida del socket; en pub, sub, request y reply, también cada trama
(su tipo y sus bytes en hexadecimal).
Usa 'enchufe <comando> --help' (o 'enchufe help <comando>') para ver las opciones de cada comando.`,
    "help.server": `Uso: enchufe server [opciones]   (alias: servidor)

Inicia el servidor. Por defecto escucha en 127.0.0.1:5000, saluda a cada cliente y atiende
sesiones de chat y mensajería hasta Ctrl+C (SIGINT) o SIGTERM.

  --host HOST            dirección donde escuchar (por defecto 127.0.0.1; 0.0.0.0 o :: para la red)
  --port PUERTO          puerto (por defecto 5000; 0 elige uno libre y lo muestra)
  --message TEXTO        el saludo (por defecto el del tutorial original)
  --message-file ARCHIVO el saludo, leído de un archivo
  --once                 como el servidor.py original: un cliente, el saludo, cerrar y terminar
  --greet-only           saluda y cierra con cada cliente, sin sesión, y sigue escuchando
  --lang es|en           idioma de los mensajes (por defecto es, o ENCHUFE_LANG)
  --trace                muestra cada paso del ciclo de vida del socket
  --log-timestamps       pone la hora (ISO 8601) delante de cada línea del registro
  --log-format text|json el registro como texto (por defecto) o un objeto JSON por evento
  --debug                muestra los detalles técnicos de los errores
{extra}`,
    "help.client": `Uso: enchufe client [opciones]   (alias: cliente)

Se conecta al servidor, muestra el saludo y cierra, como el cliente.py original.

  --host HOST            servidor (por defecto 127.0.0.1; también acepta 127.0.1 como el original)
  --port PUERTO          puerto (por defecto 5000)
  --timeout SEGUNDOS     límite para conectar y para leer (por defecto 10; 0 = sin límite)
  --lang es|en           idioma de los mensajes
  --trace                muestra cada paso del ciclo de vida del socket
  --debug                muestra los detalles técnicos de los errores
{extra}`,
    "help.serverLimits": `
Límites de la sesión de mensajería (docs/PROTOCOL.md):
  --max-line BYTES           línea de texto más larga (por defecto 65536)
  --max-payload BYTES        mensaje binario más grande (por defecto 1048576)
  --max-pending BYTES        salida pendiente por cliente antes de cortarlo por lento (por defecto 8388608)
  --handshake-timeout SEG    tiempo para el saludo de un cliente de programa (por defecto 10)
  --idle-timeout SEG         cierra clientes en silencio tras SEG (por defecto 0 = nunca)
  --line-timeout SEG         una línea de texto debe terminar SEG tras su primer byte, o se avisa y se cierra
                             (por defecto 30; 0 = sin límite)
  --max-connections N        conexiones simultáneas como máximo (por defecto 10000)
  --shutdown-timeout SEG     tiempo para vaciar las colas al detenerse (por defecto 5)`,
    "help.pub": `Uso: enchufe pub TEMA [MENSAJE] [opciones]

Publica MENSAJE en TEMA; sin MENSAJE, publica cada línea de la entrada estándar, en orden.
Espera a que el servidor confirme cada mensaje (guardado en su historial; con --fsync always, en disco)
y termina con un error si alguno no se confirma.

  --host HOST            servidor (por defecto 127.0.0.1)
  --port PUERTO          puerto (por defecto 5000)
  --timeout SEGUNDOS     límite para conectar (por defecto 10)
  --lang es|en, --trace, --debug
{tls}`,
    "help.sub": `Uso: enchufe sub TEMA [--last N | --since POS | --since-time HORA] [--group NOMBRE] [--count N]
                 [--show-position] [--raw | --raw0 | --json] [opciones]

Muestra cada mensaje de TEMA (se admiten los comodines * y >) como [tema] mensaje.
Se reconecta solo si la conexión se cae o el servidor se reinicia, y sigue donde lo dejó: no se
salta ni repite ningún mensaje que el servidor guarde (y avisa si alguno ya no estaba).

  --last N               empieza por los N últimos mensajes guardados de TEMA
  --since POS            empieza por la posición POS (todo lo guardado desde ella)
  --since-time HORA      empieza por lo guardado desde una hora ISO 8601 (2026-12-02T10:00)
  --show-position        pone delante de cada mensaje su posición en el historial: #42 [tema] mensaje
  --group NOMBRE         entra en el grupo de trabajo NOMBRE: cada mensaje de TEMA va a un solo miembro
                         del grupo, por turnos (varios trabajadores se reparten el trabajo)
  --count N              termina tras N mensajes
  --raw                  escribe solo los bytes de cada mensaje, cada uno seguido de un salto de línea
  --raw0                 escribe solo los bytes de cada mensaje, sin separador
  --json                 un objeto JSON por línea: topic, from, payload (texto UTF-8, o {"base64": ...}),
                         headers (pares [nombre, valor]), private, position (y time si viene del historial)
  --host HOST            servidor (por defecto 127.0.0.1)
  --port PUERTO          puerto (por defecto 5000)
  --timeout SEGUNDOS     límite para conectar (por defecto 10)
  --lang es|en, --trace, --debug
{tls}`,
    "help.request": `Uso: enchufe request NOMBRE [DATOS] [--timeout SEGUNDOS] [opciones]

Envía una petición (por ejemplo 'time' o 'echo') y muestra la respuesta. Sin DATOS, y con la
entrada estándar redirigida, los datos son toda la entrada estándar (echo hola | enchufe request echo).

  --host HOST            servidor (por defecto 127.0.0.1)
  --port PUERTO          puerto (por defecto 5000)
  --timeout SEGUNDOS     límite para conectar y para esperar la respuesta (por defecto 10)
  --lang es|en, --trace, --debug
{tls}`,
    "cli.missingArgument": "Falta el argumento {name}.",
    "cli.together": "La opción {a} necesita también {b}.",
    "cli.authWord": "autenticación (--users y --require-auth)",
    "cli.insecure":
      "AVISO: --insecure desactiva la verificación del certificado TLS: cualquiera en la red podría hacerse pasar por el servidor. Úsalo solo para pruebas.",
    "cli.reloaded": "Recargados el archivo de usuarios y el certificado TLS (SIGHUP).",
    "cli.clientError":
      "Error interno del servidor al atender a {nick} ({address}): se desconectó a ese cliente y el servidor sigue (usa --debug para ver los detalles).",
    "help.tlsClient": `  --tls                  conexión cifrada con TLS (verifica el certificado del servidor)
  --ca ARCHIVO           CA de confianza para el certificado del servidor (PEM)
  --servername NOMBRE    nombre esperado en el certificado del servidor
  --cert ARCHIVO --key ARCHIVO   certificado de cliente (TLS mutuo)
  --insecure             NO verifica el certificado (solo para pruebas)
  --user NOMBRE          inicia sesión (la contraseña se pide, o --password-file ARCHIVO)
  --token TOKEN          inicia sesión con un token (enchufe user token)
  Variables: ENCHUFE_URL=enchufe://HOST:PUERTO (enchufes:// con TLS), ENCHUFE_HOST, ENCHUFE_PORT
  dan el servidor por defecto; las opciones --host y --port mandan sobre ellas.`,
    "help.tlsServer": `
TLS y autenticación (docs/SECURITY.md):
  --tls-cert ARCHIVO --tls-key ARCHIVO   el puerto habla solo TLS (PEM; enchufe cert los crea)
  --tls-client-ca ARCHIVO                exige certificados de cliente de esta CA (TLS mutuo)
  --users ARCHIVO                        usuarios, contraseñas, tokens y permisos (enchufe user)
  --require-auth                         rechaza a los clientes anónimos
  --allow-plaintext-auth                 acepta credenciales sin TLS desde otras máquinas (no recomendado)
  --max-per-ip N                         conexiones simultáneas por dirección (por defecto 1000; 0 = sin límite)
  --connections-per-second N             conexiones nuevas por segundo por dirección (por defecto 200)
  --message-rate N                       mensajes por segundo por conexión (por defecto 50000)
  --line-rate N                          líneas de texto por segundo por persona (por defecto 500, ráfaga 4 N; 0 = sin límite)
  SIGHUP recarga el certificado y el archivo de usuarios sin cortar las sesiones.`,
    "cli.reconnecting": "Conexión perdida; reconectando...",
    "cli.reconnected": "Reconectado.",
    "cli.subscribed": "Suscrito a {topic}",
    "cli.subscribedGroup": "Suscrito a {topic} en el grupo de trabajo {group}",
    "cli.invalidGroup":
      "El nombre de grupo '{group}' no es válido: {problem}. Usa palabras separadas por puntos (letras, dígitos, '_' y '-').",
    "trace.create": "[traza] crear socket ({role})",
    "trace.bind": "[traza] bind: vincular a {address}",
    "trace.listen": "[traza] listen: escuchando en {address} (cola de {backlog})",
    "trace.accept": "[traza] accept: conexión #{id} desde {peer}",
    "trace.connect": "[traza] connect: conectando con {address}",
    "trace.connected": "[traza] conectado: {local} -> {peer}",
    "trace.send": "[traza] send: enviados {bytes} bytes a {peer}",
    "trace.receive": "[traza] recv: recibidos {bytes} bytes de {peer}",
    "trace.end": "[traza] {peer} terminó de enviar (FIN)",
    "trace.close": "[traza] close: conexión con {peer} cerrada ({sent} bytes enviados, {received} recibidos)",
    "trace.preface-sent": "[traza] preámbulo enviado: 00 45 4e 43 (soy un programa: hablo en tramas)",
    "trace.preface-received": "[traza] eco del preámbulo recibido: desde aquí, solo tramas",
    "trace.frame-sent": "[traza] trama enviada: {type}, {bytes} bytes: {hex}",
    "trace.frame-received": "[traza] trama recibida: {type}, {bytes} bytes: {hex}",
  },
  en: {
    "cli.listening": "Listening on {address}",
    "cli.waiting": "Server waiting for a connection, please be patient...",
    "cli.connection": "Connection established from {address}",
    "cli.message": "Message from the server: {text}",
    "cli.invalidUtf8":
      "warning: the server sent bytes that are not valid UTF-8; shown with replacement characters (�).",
    "cli.stopping": "Stopping the server ({signal})...",
    "cli.stopped": "Server stopped.",
    "cli.publicBind":
      "warning: listening on {host}, reachable from other machines on the network, without {missing}. Read docs/SECURITY.md.",
    "cli.unknownCommand": "Unknown command: '{name}'. Use 'npx enchufe --help' to see the commands.",
    "cli.unknownOption": "Unknown option: '{option}'.",
    "cli.missingValue": "Option {option} needs a value.",
    "cli.badPort": "--port must be an integer from 0 to 65535 (received: '{value}').",
    "cli.badNumber": "{option} must be {rule} (received: '{value}').",
    "cli.badLang": "--lang must be 'es' or 'en' (received: '{value}').",
    "cli.conflict": "Options {a} and {b} cannot be used together.",
    "cli.unexpectedArgument": "Unexpected argument: '{value}'.",
    "cli.messageNul":
      "The greeting from {option} contains a NUL byte (0x00), which breaks program clients' connection. Remove it from the greeting.",
    "cli.messageNewline":
      "The greeting from {option} contains a line break, and in session mode the greeting is one line. Remove it, or use --once or --greet-only to send the bytes as they are.",
    "cli.unexpected": "Unexpected error in enchufe (a bug on our side; please report it):",
    "help.main": `enchufe: TCP sockets for learning distributed programming, and a messaging server.

Usage: enchufe <command> [options]
From the project folder, with nothing installed: npx enchufe <command> [options]

Commands:
{commands}

General options: --help, --version, --lang es|en (or the ENCHUFE_LANG variable), --trace, --debug
--trace shows every step of the socket lifecycle; in pub, sub, request and reply, also every frame
(its type and its bytes in hex).
Use 'enchufe <command> --help' (or 'enchufe help <command>') for each command's options.`,
    "help.server": `Usage: enchufe server [options]   (alias: servidor)

Starts the server. By default it listens on 127.0.0.1:5000, greets every client and serves chat
and messaging sessions until Ctrl+C (SIGINT) or SIGTERM.

  --host HOST            address to listen on (default 127.0.0.1; 0.0.0.0 or :: for the network)
  --port PORT            port (default 5000; 0 picks a free one and prints it)
  --message TEXT         the greeting (default: the original tutorial's)
  --message-file FILE    the greeting, read from a file
  --once                 like the original servidor.py: one client, the greeting, close and exit
  --greet-only           greet and close every client, no session, keep listening
  --lang es|en           language of the messages (default es, or ENCHUFE_LANG)
  --trace                show every step of the socket lifecycle
  --log-timestamps       put the time (ISO 8601) before every log line
  --log-format text|json the log as text (default) or one JSON object per event
  --debug                show the technical details of errors
{extra}`,
    "help.client": `Usage: enchufe client [options]   (alias: cliente)

Connects to the server, prints the greeting and closes, like the original cliente.py.

  --host HOST            server (default 127.0.0.1; also takes the original's 127.0.1)
  --port PORT            port (default 5000)
  --timeout SECONDS      limit for connecting and for reading (default 10; 0 = no limit)
  --lang es|en           language of the messages
  --trace                show every step of the socket lifecycle
  --debug                show the technical details of errors
{extra}`,
    "help.serverLimits": `
Messaging session limits (docs/PROTOCOL.md):
  --max-line BYTES           longest text line (default 65536)
  --max-payload BYTES        largest binary message (default 1048576)
  --max-pending BYTES        output pending per client before it is cut off as slow (default 8388608)
  --handshake-timeout SEC    time for a program client's handshake (default 10)
  --idle-timeout SEC         close clients silent for SEC (default 0 = never)
  --line-timeout SEC         a text line must end within SEC of its first byte, else a notice and a close
                             (default 30; 0 = off)
  --max-connections N        most simultaneous connections (default 10000)
  --shutdown-timeout SEC     time to flush queues when stopping (default 5)`,
    "help.pub": `Usage: enchufe pub TOPIC [MESSAGE] [options]

Publishes MESSAGE to TOPIC; without MESSAGE, publishes each standard-input line, in order.
Waits until the server acknowledges every message (kept in its history; with --fsync always, on disk)
and exits with an error when one is not acknowledged.

  --host HOST            server (default 127.0.0.1)
  --port PORT            port (default 5000)
  --timeout SECONDS      limit for connecting (default 10)
  --lang es|en, --trace, --debug
{tls}`,
    "help.sub": `Usage: enchufe sub TOPIC [--last N | --since POS | --since-time TIME] [--group NAME] [--count N]
                 [--show-position] [--raw | --raw0 | --json] [options]

Prints each message of TOPIC (wildcards * and > allowed) as [topic] message.
Reconnects by itself when the connection drops or the server restarts, and goes on where it stopped:
no message the server keeps is skipped or repeated (and it says so when some was already gone).

  --last N               start with the last N messages kept of TOPIC
  --since POS            start at position POS (everything kept from it on)
  --since-time TIME      start with what was kept since an ISO 8601 time (2026-12-02T10:00)
  --show-position        put each message's position in the history before it: #42 [topic] message
  --group NAME           join queue group NAME: each message of TOPIC goes to one member of the group,
                         in turn (several workers share the work)
  --count N              exit after N messages
  --raw                  write only each message's bytes, each followed by a newline
  --raw0                 write only each message's bytes, with no separator
  --json                 one JSON object per line: topic, from, payload (UTF-8 text, or {"base64": ...}),
                         headers ([name, value] pairs), private, position (and time when from the history)
  --host HOST            server (default 127.0.0.1)
  --port PORT            port (default 5000)
  --timeout SECONDS      limit for connecting (default 10)
  --lang es|en, --trace, --debug
{tls}`,
    "help.request": `Usage: enchufe request NAME [DATA] [--timeout SECONDS] [options]

Sends a request (for example 'time' or 'echo') and prints the reply. Without DATA, and with
standard input redirected, the data is all of standard input (echo hi | enchufe request echo).

  --host HOST            server (default 127.0.0.1)
  --port PORT            port (default 5000)
  --timeout SECONDS      limit for connecting and for waiting for the reply (default 10)
  --lang es|en, --trace, --debug
{tls}`,
    "cli.missingArgument": "Missing argument {name}.",
    "cli.together": "Option {a} also needs {b}.",
    "cli.authWord": "authentication (--users and --require-auth)",
    "cli.insecure":
      "WARNING: --insecure turns off TLS certificate verification: anyone on the network could pretend to be the server. Use it for tests only.",
    "cli.reloaded": "Reloaded the users file and the TLS certificate (SIGHUP).",
    "cli.clientError":
      "Internal server error while serving {nick} ({address}): that client was disconnected and the server goes on (use --debug to see the details).",
    "help.tlsClient": `  --tls                  encrypt with TLS (verifies the server's certificate)
  --ca FILE              trusted CA for the server's certificate (PEM)
  --servername NAME      name expected in the server's certificate
  --cert FILE --key FILE client certificate (mutual TLS)
  --insecure             does NOT verify the certificate (tests only)
  --user NAME            log in (the password is asked, or --password-file FILE)
  --token TOKEN          log in with a token (enchufe user token)
  Variables: ENCHUFE_URL=enchufe://HOST:PORT (enchufes:// for TLS), ENCHUFE_HOST, ENCHUFE_PORT
  give the default server; the --host and --port options win over them.`,
    "help.tlsServer": `
TLS and authentication (docs/SECURITY.md):
  --tls-cert FILE --tls-key FILE   the port speaks only TLS (PEM; enchufe cert creates them)
  --tls-client-ca FILE             require client certificates from this CA (mutual TLS)
  --users FILE                     users, passwords, tokens and permissions (enchufe user)
  --require-auth                   refuse anonymous clients
  --allow-plaintext-auth           accept credentials without TLS from other machines (not advised)
  --max-per-ip N                   simultaneous connections per address (default 1000; 0 = no limit)
  --connections-per-second N       new connections per second per address (default 200)
  --message-rate N                 messages per second per connection (default 50000)
  --line-rate N                    text lines per second per person (default 500, burst 4 N; 0 = no limit)
  SIGHUP reloads the certificate and the users file without dropping sessions.`,
    "cli.reconnecting": "Connection lost; reconnecting...",
    "cli.reconnected": "Reconnected.",
    "cli.subscribed": "Subscribed to {topic}",
    "cli.subscribedGroup": "Subscribed to {topic} in queue group {group}",
    "cli.invalidGroup":
      "Queue group name '{group}' is not valid: {problem}. Use dot-separated words (letters, digits, '_' and '-').",
    "trace.create": "[trace] create socket ({role})",
    "trace.bind": "[trace] bind to {address}",
    "trace.listen": "[trace] listen on {address} (backlog {backlog})",
    "trace.accept": "[trace] accept: connection #{id} from {peer}",
    "trace.connect": "[trace] connect to {address}",
    "trace.connected": "[trace] connected: {local} -> {peer}",
    "trace.send": "[trace] send: {bytes} bytes to {peer}",
    "trace.receive": "[trace] recv: {bytes} bytes from {peer}",
    "trace.end": "[trace] {peer} finished sending (FIN)",
    "trace.close": "[trace] close: connection with {peer} closed ({sent} bytes sent, {received} received)",
    "trace.preface-sent": "[trace] preface sent: 00 45 4e 43 (I am a program: I speak frames)",
    "trace.preface-received": "[trace] preface echo received: from here on, only frames",
    "trace.frame-sent": "[trace] frame sent: {type}, {bytes} bytes: {hex}",
    "trace.frame-received": "[trace] frame received: {type}, {bytes} bytes: {hex}",
  },
} as const satisfies Catalog<Key>;
