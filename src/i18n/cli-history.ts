/** The CLI's texts about the history (`enchufe server --history/--data/--fsync`, docs/HISTORY.md). */
import type { Catalog } from "./lang.js";

type Key =
  | "help.history"
  | "history.opened"
  | "history.dedupeKeys"
  | "history.dropped"
  | "history.truncated"
  | "history.staleLock"
  | "history.newEpoch"
  | "history.failing"
  | "history.recovered"
  | "history.warning"
  | "history.needsData"
  | "history.clusterData"
  | "help.historyCommand"
  | "cli.badTime"
  | "sub.notRecovered"
  | "sub.gap"
  | "history.nothing"
  | "history.someGone";

export const cliHistory = {
  es: {
    "help.history": `
Historial (docs/HISTORY.md; clientes del protocolo versión 2, /history en modo texto):
  --history N           mensajes guardados por tema (por defecto 1000; 0 = sin historial)
  --data DIR            guarda el historial en DIR (sobrevive a un reinicio); sin él, en memoria
  --fsync POLÍTICA      con --data: always (nada confirmado se pierde ni si se apaga la máquina),
                        MS (por defecto 1000: un fallo de la máquina pierde como mucho ~1 s; un fallo
                        del proceso, nada) o never (lo decide el sistema, hasta ~30 s)
  --join-replay N       líneas del historial que ve quien entra con /join (por defecto 10; 0 = ninguna)
  Con --cluster el historial es uno para todos los nodos (un stream de Redis); --data no se usa.`,
    "history.opened":
      "Historial en {directory}: {kept} mensajes guardados de {records} leídos ({segments} segmentos, {ms} ms)",
    "history.dedupeKeys":
      "Historial: {count} ids de publicaciones confirmadas de la ventana de duplicados recuperados; si se reenvían, se responden DUPLICATE y no se guardan otra vez",
    "history.dropped":
      "Historial: un registro dañado en {file} (byte {offset}, {bytes} bytes) se ha saltado; el resto se sirve",
    "history.truncated":
      "Historial: {file} terminaba con un registro a medio escribir (byte {offset}, {bytes} bytes): cortado",
    "history.staleLock":
      "Historial: el proceso {pid} que usaba {directory} ya no está (se cerró sin avisar): el directorio se toma",
    "history.newEpoch":
      "Historial: {directory} empieza un historial nuevo ({why}): los clientes que reanuden empezarán de cero",
    "history.failing":
      "El historial no puede escribir ({why}): los mensajes se entregan en vivo pero no se guardan, y quien publica con confirmación recibe un error. Libera espacio en {directory}.",
    "history.recovered": "El historial vuelve a escribir: los mensajes nuevos se guardan otra vez",
    "history.warning": "Aviso del historial: {what} ({file}): {why}",
    "history.needsData":
      "--fsync solo tiene sentido con --data DIR (sin --data el historial está en memoria)",
    "history.clusterData":
      "--data no se usa con --cluster: el historial de un clúster es uno, en Redis (cada nodo guarda una copia en memoria). Para que sobreviva a un reinicio de Redis, configura su persistencia (appendonly yes; appendfsync always para no perder nada confirmado).",
    "help.historyCommand": `Uso: enchufe history TEMA [--last N | --since POS | --since-time HORA] [--json] [opciones]   (alias: historial)

Muestra los mensajes que el servidor guarda de TEMA (se admiten * y >), del más antiguo al más nuevo,
como [tema HH:MM] quién: mensaje (la hora en que el servidor lo guardó), y termina.

  --last N               los N últimos (por defecto 20)
  --since POS            desde la posición POS (la que muestra enchufe sub --show-position)
  --since-time HORA      desde una hora ISO 8601, por ejemplo 2026-12-02T10:00 o 2026-12-02T10:00:00Z
  --json                 un objeto JSON por línea (como enchufe sub --json, con position y time)
  --host HOST            servidor (por defecto 127.0.0.1)
  --port PUERTO          puerto (por defecto 5000)
  --timeout SEGUNDOS     límite para conectar (por defecto 10)
  --lang es|en, --trace, --debug
{tls}`,
    "cli.badTime":
      "No entiendo la hora '{value}': escríbela en ISO 8601, por ejemplo 2026-12-02T10:00 (hora local) o 2026-12-02T10:00:00Z (UTC).",
    "sub.notRecovered":
      "Parte de lo pedido ya no está en el historial (el servidor guarda un número limitado de mensajes por tema): se muestra desde el más antiguo que queda.",
    "sub.gap":
      "Se perdieron mensajes mientras la conexión estuvo caída: el servidor ya no los guardaba (su historial es limitado, o se reinició sin --data).",
    "history.nothing": "No hay nada en el historial de {topic}.",
    "history.someGone":
      "Parte de lo pedido ya no está en el historial (el servidor guarda un número limitado de mensajes por tema).",
  },
  en: {
    "help.history": `
History (docs/HISTORY.md; protocol version 2 clients, /history in text mode):
  --history N           messages kept per topic (default 1000; 0 = no history)
  --data DIR            keep the history in DIR (it survives a restart); without it, in memory
  --fsync POLICY        with --data: always (nothing acknowledged is lost, even if the machine fails),
                        MS (default 1000: a machine crash loses at most ~1 s; a process crash, nothing)
                        or never (the system decides, up to ~30 s)
  --join-replay N       history lines a user sees on /join (default 10; 0 = none)
  With --cluster the nodes share one history (a Redis stream); --data is not used.`,
    "history.opened":
      "History in {directory}: {kept} messages kept of {records} read ({segments} segments, {ms} ms)",
    "history.dedupeKeys":
      "History: {count} acknowledged publish ids of the dedupe window read back; a resend of one is answered DUPLICATE and not kept again",
    "history.dropped":
      "History: a damaged record in {file} (byte {offset}, {bytes} bytes) was skipped; the rest is served",
    "history.truncated":
      "History: {file} ended with a half-written record (byte {offset}, {bytes} bytes): cut off",
    "history.staleLock":
      "History: process {pid}, which used {directory}, is gone (it did not close cleanly): taking the directory over",
    "history.newEpoch":
      "History: {directory} starts a new history ({why}): clients that resume will start over",
    "history.failing":
      "The history cannot write ({why}): messages are delivered live but not kept, and acknowledged publishes get an error. Free space in {directory}.",
    "history.recovered": "The history writes again: new messages are kept again",
    "history.warning": "History warning: {what} ({file}): {why}",
    "history.needsData": "--fsync only makes sense with --data DIR (without --data the history is in memory)",
    "history.clusterData":
      "--data is not used with --cluster: a cluster has one history, in Redis (each node keeps a copy in memory). To keep it across a Redis restart, configure Redis's persistence (appendonly yes; appendfsync always to lose nothing acknowledged).",
    "help.historyCommand": `Usage: enchufe history TOPIC [--last N | --since POS | --since-time TIME] [--json] [options]   (alias: historial)

Prints the messages the server keeps of TOPIC (* and > allowed), oldest first, as
[topic HH:MM] who: message (the time the server kept it), and exits.

  --last N               the last N (default 20)
  --since POS            from position POS on (the one enchufe sub --show-position prints)
  --since-time TIME      since an ISO 8601 time, e.g. 2026-12-02T10:00 or 2026-12-02T10:00:00Z
  --json                 one JSON object per line (as enchufe sub --json, with position and time)
  --host HOST            server (default 127.0.0.1)
  --port PORT            port (default 5000)
  --timeout SECONDS      limit for connecting (default 10)
  --lang es|en, --trace, --debug
{tls}`,
    "cli.badTime":
      "I do not understand the time '{value}': write it in ISO 8601, e.g. 2026-12-02T10:00 (local time) or 2026-12-02T10:00:00Z (UTC).",
    "sub.notRecovered":
      "Some of what was asked for is no longer in the history (the server keeps a limited number of messages per topic): showing from the oldest one left.",
    "sub.gap":
      "Messages were lost while the connection was down: the server no longer kept them (its history is limited, or it restarted without --data).",
    "history.nothing": "Nothing in the history of {topic}.",
    "history.someGone":
      "Some of what was asked for is no longer in the history (the server keeps a limited number of messages per topic).",
  },
} as const satisfies Catalog<Key>;
