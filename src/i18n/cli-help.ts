import type { Catalog } from "./lang.js";

type Key =
  | "help.summary.server"
  | "help.summary.client"
  | "help.summary.chat"
  | "help.summary.pub"
  | "help.summary.sub"
  | "help.summary.history"
  | "help.summary.request"
  | "help.summary.reply"
  | "help.summary.cert"
  | "help.summary.user"
  | "help.summary.help"
  | "help.alias"
  | "cli.unknownCommandSuggest"
  | "cli.npmTookFlags"
  | "cli.npmTookValue";

/**
 * Texts of `enchufe --help`: one line per sub-command, keyed `help.summary.<name>` so that the
 * list is built from the command table (a command that lands gets its line by adding it here).
 */
export const cliHelp = {
  es: {
    "help.summary.server": "inicia el servidor de saludo, chat y mensajería",
    "help.summary.client": "muestra el saludo del servidor y termina, como cliente.py",
    "help.summary.chat": "chatea en las salas del servidor, como nc o telnet",
    "help.summary.pub": "publica un mensaje (o cada línea de la entrada) en un tema",
    "help.summary.sub": "muestra los mensajes de un tema (admite * y >)",
    "help.summary.history": "muestra los mensajes que el servidor guarda de un tema",
    "help.summary.request": "envía una petición (time, echo...) y muestra la respuesta",
    "help.summary.reply": "responde a las peticiones de un nombre (--echo o --exec)",
    "help.summary.cert": "crea una CA de desarrollo y certificados TLS",
    "help.summary.user": "gestiona el archivo de usuarios (contraseñas, tokens, permisos)",
    "help.summary.help": "muestra la ayuda de un comando (enchufe help COMANDO)",
    "help.alias": "alias: {alias}",
    "cli.unknownCommandSuggest":
      "Comando desconocido: '{name}'. ¿Quisiste decir '{suggestion}'? Usa 'npx enchufe --help' para ver los comandos.",
    "cli.npmTookFlags":
      "npm se quedó con {what}: con npm start, las opciones de enchufe van después de --, por ejemplo {example}",
    "cli.npmTookValue":
      "npm se quedó con la opción de {what}: con npm start, las opciones de enchufe van después de --, por ejemplo {example}",
  },
  en: {
    "help.summary.server": "start the greeting, chat and messaging server",
    "help.summary.client": "print the server's greeting and exit, like cliente.py",
    "help.summary.chat": "chat in the server's rooms, like nc or telnet",
    "help.summary.pub": "publish a message (or each input line) to a topic",
    "help.summary.sub": "print the messages of a topic (* and > allowed)",
    "help.summary.history": "print the messages the server keeps of a topic",
    "help.summary.request": "send a request (time, echo...) and print the reply",
    "help.summary.reply": "answer the requests to a name (--echo or --exec)",
    "help.summary.cert": "create a development CA and TLS certificates",
    "help.summary.user": "manage the users file (passwords, tokens, permissions)",
    "help.summary.help": "show a command's help (enchufe help COMMAND)",
    "help.alias": "alias: {alias}",
    "cli.unknownCommandSuggest":
      "Unknown command: '{name}'. Did you mean '{suggestion}'? Use 'npx enchufe --help' to see the commands.",
    "cli.npmTookFlags":
      "npm kept {what} for itself: with npm start, enchufe's options go after --, e.g. {example}",
    "cli.npmTookValue":
      "npm kept the option of {what} for itself: with npm start, enchufe's options go after --, e.g. {example}",
  },
} as const satisfies Catalog<Key>;
