import type { Catalog } from "./index.js";

/** Texts about the cluster bus (Redis) and worker processes. */
export const cluster = {
  es: {
    "cluster.unreachable":
      "No se puede conectar con Redis en {url}: {reason}. Arranca Redis o corrige --cluster.",
    "cluster.down":
      "Se perdió la conexión con Redis: los mensajes siguen entregándose en este nodo, pero no a los demás. Reintentando...",
    "cluster.resynced":
      "Redis ha vuelto: presencia, apodos y suscripciones de este nodo sincronizados de nuevo.",
    "cluster.workersNeedCluster":
      "--workers necesita --cluster redis://HOST:PUERTO para que los procesos compartan salas y presencia.",
  },
  en: {
    "cluster.unreachable": "Cannot reach Redis at {url}: {reason}. Start Redis or fix --cluster.",
    "cluster.down":
      "Lost the connection to Redis: messages are still delivered on this node, but not to the others. Retrying...",
    "cluster.resynced":
      "Redis is back: this node's presence, nicknames and subscriptions are synchronized again.",
    "cluster.workersNeedCluster":
      "--workers needs --cluster redis://HOST:PORT so that the processes share rooms and presence.",
  },
} as const satisfies Catalog<
  "cluster.unreachable" | "cluster.down" | "cluster.resynced" | "cluster.workersNeedCluster"
>;
