/** The CLI's texts about the history (`enchufe server --history/--data/--fsync`, docs/HISTORY.md). */
import type { Catalog } from "./lang.js";

type Key =
  | "help.history"
  | "history.opened"
  | "history.dropped"
  | "history.truncated"
  | "history.staleLock"
  | "history.newEpoch"
  | "history.failing"
  | "history.recovered"
  | "history.warning"
  | "history.needsData";

export const cliHistory = {
  es: {
    "help.history": `
Historial (docs/HISTORY.md; clientes del protocolo versión 2, /history en modo texto):
  --history N           mensajes guardados por tema (por defecto 1000; 0 = sin historial)
  --data DIR            guarda el historial en DIR (sobrevive a un reinicio); sin él, en memoria
  --fsync POLÍTICA      con --data: always (nada confirmado se pierde ni si se apaga la máquina),
                        MS (por defecto 1000: un fallo de la máquina pierde como mucho ~1 s; un fallo
                        del proceso, nada) o never (lo decide el sistema, hasta ~30 s)
  --join-replay N       líneas del historial que ve quien entra con /join (por defecto 10; 0 = ninguna)`,
    "history.opened":
      "Historial en {directory}: {kept} mensajes guardados de {records} leídos ({segments} segmentos, {ms} ms)",
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
  },
  en: {
    "help.history": `
History (docs/HISTORY.md; protocol version 2 clients, /history in text mode):
  --history N           messages kept per topic (default 1000; 0 = no history)
  --data DIR            keep the history in DIR (it survives a restart); without it, in memory
  --fsync POLICY        with --data: always (nothing acknowledged is lost, even if the machine fails),
                        MS (default 1000: a machine crash loses at most ~1 s; a process crash, nothing)
                        or never (the system decides, up to ~30 s)
  --join-replay N       history lines a user sees on /join (default 10; 0 = none)`,
    "history.opened":
      "History in {directory}: {kept} messages kept of {records} read ({segments} segments, {ms} ms)",
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
  },
} as const satisfies Catalog<Key>;
