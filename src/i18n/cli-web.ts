/** The CLI's texts about browsers and WebSocket on the messaging port (`enchufe server --help`). */
import type { Catalog } from "./lang.js";

type Key = "help.webServer";

export const cliWeb = {
  es: {
    "help.webServer": `
Navegadores (WebSocket en el mismo puerto, docs/PROTOCOL.md):
  ws://HOST:PUERTO/ws (wss:// con --tls-cert), subprotocolo enchufe.text (líneas) o enchufe.v1 (tramas)
  --ws-origin PATRÓN    acepta páginas de ese origen (repetible; * vale cualquier texto, p. ej.
                        'https://*.ejemplo.org'); sin él solo se aceptan el origen del propio servidor
                        y los programas que no envían Origin`,
  },
  en: {
    "help.webServer": `
Browsers (WebSocket on the same port, docs/PROTOCOL.md):
  ws://HOST:PORT/ws (wss:// with --tls-cert), subprotocol enchufe.text (lines) or enchufe.v1 (frames)
  --ws-origin PATTERN   accept pages from that origin (repeatable; * matches any text, e.g.
                        'https://*.example.org'); without it only the server's own origin and
                        programs that send no Origin are accepted`,
  },
} as const satisfies Catalog<Key>;
