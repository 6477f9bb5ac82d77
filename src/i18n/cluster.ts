import type { Catalog } from "./lang.js";

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
    "cluster.badUrl":
      "--cluster debe ser redis://HOST:PUERTO o rediss://HOST:PUERTO (TLS), con usuario:contraseña@ si hace falta (recibido: '{value}').",
    "cluster.badOption": "Opción del clúster no válida: {message}",
    "cluster.badWorkers": "--workers debe ser un entero de 1 a 256, o auto (recibido: '{value}').",
    "cluster.workerDied":
      "El proceso de trabajo {pid} terminó inesperadamente ({how}): se detienen los demás.",
    "cluster.joined": "Unido al clúster en {url} como el nodo {node}.",
    "help.serverCluster": `

Clúster (varios procesos o máquinas compartiendo salas a través de Redis):
  --cluster URL              redis://HOST:PUERTO o rediss://HOST:PUERTO (TLS); todos los nodos usan el mismo
  --cluster-password-file F  contraseña de Redis, leída de un archivo (mejor que ponerla en la URL)
  --cluster-ca ARCHIVO       CA para verificar el certificado TLS de Redis (activa TLS)
  --cluster-heartbeat SEG    cada cuánto el nodo dice que sigue vivo (por defecto 5)
  --cluster-ttl SEG          tras cuánto silencio un nodo caído sale de /who en los demás (por defecto 6 latidos = 30)
  --cluster-log N            lotes que guarda el registro compartido del historial en Redis (por defecto 100000):
                             lo que recibe un nodo que arranca
  --workers N|auto           arranca N procesos en esta máquina en el mismo puerto (auto = uno por CPU); necesita --cluster`,
  },
  en: {
    "cluster.unreachable": "Cannot reach Redis at {url}: {reason}. Start Redis or fix --cluster.",
    "cluster.down":
      "Lost the connection to Redis: messages are still delivered on this node, but not to the others. Retrying...",
    "cluster.resynced":
      "Redis is back: this node's presence, nicknames and subscriptions are synchronized again.",
    "cluster.workersNeedCluster":
      "--workers needs --cluster redis://HOST:PORT so that the processes share rooms and presence.",
    "cluster.badUrl":
      "--cluster must be redis://HOST:PORT or rediss://HOST:PORT (TLS), with user:password@ if needed (received: '{value}').",
    "cluster.badOption": "Invalid cluster option: {message}",
    "cluster.badWorkers": "--workers must be an integer from 1 to 256, or auto (received: '{value}').",
    "cluster.workerDied": "Worker process {pid} ended unexpectedly ({how}): stopping the others.",
    "cluster.joined": "Joined the cluster at {url} as node {node}.",
    "help.serverCluster": `

Cluster (several processes or machines sharing rooms through Redis):
  --cluster URL              redis://HOST:PORT or rediss://HOST:PORT (TLS); every node uses the same one
  --cluster-password-file F  the Redis password, read from a file (better than putting it in the URL)
  --cluster-ca FILE          CA to verify Redis's TLS certificate (turns TLS on)
  --cluster-heartbeat SEC    how often the node says it is alive (default 5)
  --cluster-ttl SEC          how long before a dead node's users leave /who elsewhere (default 6 beats = 30)
  --cluster-log N            batches the history's shared log keeps in Redis (default 100000): what a node
                             that starts gets
  --workers N|auto           starts N processes on this machine on the same port (auto = one per CPU); needs --cluster`,
  },
} as const satisfies Catalog<
  | "cluster.unreachable"
  | "cluster.down"
  | "cluster.resynced"
  | "cluster.workersNeedCluster"
  | "cluster.badUrl"
  | "cluster.badOption"
  | "cluster.badWorkers"
  | "cluster.workerDied"
  | "cluster.joined"
  | "help.serverCluster"
>;
