import type { ErrorCode } from "../errors.js";
import type { Catalog } from "./lang.js";

/**
 * One line per error code, saying what happened and what to do. Placeholders come from the error's
 * `details` ({address}, {host}, {port}, {step}, {seconds}, {limit}...). Typed so that every code in
 * ERROR_CODES must have a text in both languages.
 */
export const errors = {
  es: {
    "error.ECONNREFUSED":
      "No se pudo conectar con {address}: la conexión fue rechazada. ¿Está corriendo el servidor? Inícialo primero (enchufe server) o revisa --host y --port.",
    "error.EADDRINUSE":
      "El puerto {port} ya está en uso por otro programa. Espera a que se libere o usa otro puerto: npx enchufe server --port N (o npm start -- --port N); --port 0 elige uno libre.",
    "error.EACCES":
      "El sistema no permite escuchar en el puerto {port} (los puertos menores que 1024 necesitan privilegios). Usa otro puerto con --port, por ejemplo --port 5000.",
    "error.EADDRNOTAVAIL":
      "La dirección {host} no pertenece a esta máquina. Usa --host 127.0.0.1, --host 0.0.0.0 (todas las interfaces) o una IP de esta máquina.",
    "error.ENOTFOUND": "No se encontró el host '{host}'. Revisa el nombre o usa una dirección IP con --host.",
    "error.ENETUNREACH":
      "No hay ruta de red hacia {address}. Revisa la dirección, tu conexión de red y el cortafuegos.",
    "error.ECONNRESET":
      "La conexión con {address} se cortó de golpe (reset) durante el paso '{step}'. Inténtalo de nuevo.",
    "error.ETIMEDOUT":
      "Se agotó el tiempo en el paso '{step}' con {address} ({seconds} s). Revisa que el servidor responda o aumenta el límite con --timeout SEGUNDOS.",
    "error.EABORTED": "La operación fue cancelada.",
    "error.ECLOSED": "La conexión con {address} se cerró antes de terminar el paso '{step}'.",
    "error.EUSAGE": "{message} Usa --help para ver las opciones.",
    "error.EOPTION": "Opción no válida: {message}",
    "error.EFILE": "No se pudo usar el archivo '{path}': {reason}",
    "error.EGREETINGTOOLARGE":
      "El saludo de {address} supera el máximo de {limit} bytes. ¿Es un servidor enchufe? Revisa --host y --port.",
    "error.EPROTOCOL": "El otro extremo rompió el protocolo de enchufe: {message}",
    "error.ETOOLARGE": "El mensaje supera el tamaño máximo ({limit} bytes). Envía mensajes más pequeños.",
    "error.ELINETOOLONG": "La línea supera el máximo de {limit} bytes.",
    "error.EINVALIDTOPIC":
      "El tema '{topic}' no es válido: {problem}. Usa palabras separadas por puntos (letras, dígitos, '_' y '-').",
    "error.ESLOWCONSUMER": "El servidor cerró la conexión: no leíamos lo bastante rápido.",
    "error.ENORESPONDERS":
      "Nadie atiende la petición '{name}'. Inicia un servicio que la responda o revisa el nombre.",
    "error.ENOSUCHUSER":
      "Nadie está conectado con ese apodo ({message}). Revisa el apodo (en el chat, /who los lista) o espera a que se conecte.",
    "error.EREQUESTFAILED": "La petición '{name}' falló en el servicio que la atendió: {message}",
    "error.EBUFFERFULL":
      "Demasiados mensajes pendientes mientras no hay conexión ({limit}). Espera a que se reconecte o aumenta el límite.",
    "error.ESERVERCLOSED": "El servidor cerró la conexión: {message}",
    "error.EWEBSOCKET":
      "El WebSocket {address} no se abrió ({reason}). Revisa la URL (ws://host:puerto/ws), que el servidor esté en marcha y, desde una página de otro origen, su --ws-origin y la CSP de la página.",
    "error.ENOWEBSOCKET":
      "Este Node no trae WebSocket (Node 22 o posterior sí): actualiza Node o pasa una clase en la opción webSocket (por ejemplo la del paquete ws).",
    "error.EAUTH": "Autenticación fallida: usuario, contraseña o token incorrectos.",
    "error.EAUTHREQUIRED": "El servidor exige autenticación: usa --user (y contraseña) o --token.",
    "error.EDENIED": "Permiso denegado: {message}",
    "error.EPLAINTEXTAUTH":
      "El servidor no acepta credenciales sin cifrar fuera de localhost. Conéctate con --tls (o el servidor debe usar --allow-plaintext-auth).",
    "error.ERATELIMIT": "Demasiados intentos o mensajes: espera un poco y vuelve a intentarlo.",
    "error.ETLSUNTRUSTED":
      "El certificado TLS de {address} no está firmado por una CA de confianza. Indica la CA con --ca ARCHIVO (o --insecure solo para pruebas).",
    "error.ETLSHOSTNAME":
      "El certificado TLS de {address} no corresponde al nombre '{host}'. Conéctate con el nombre del certificado o usa --servername NOMBRE.",
    "error.ETLSEXPIRED":
      "Un certificado TLS ha caducado o aún no es válido. Genera uno nuevo (enchufe cert).",
    "error.ETLSPLAIN":
      "Un lado habla TLS y el otro TCP sin cifrar ({address}). Usa --tls en el cliente si el servidor tiene TLS, o quítalo si no.",
    "error.ETLSCLIENTCERT":
      "El servidor exige un certificado de cliente o rechazó el tuyo. Usa --cert y --key con un certificado de su CA.",
    "error.ETLS": "Falló el saludo TLS con {address}: {message}",
    "error.EUSERS": "Problema con el archivo de usuarios '{path}': {message}",
    "error.ECLUSTER": "No se puede conectar con Redis en {url}: {reason}. Arranca Redis o corrige --cluster.",
    "error.ESTOREFULL":
      "No se pudo guardar el mensaje en el historial de '{directory}': {reason}. Libera espacio en el disco (o sube el límite de tamaño de archivo); el servidor sigue sirviendo lo ya guardado.",
    "error.ESTORE":
      "No se pudo leer o escribir el historial en '{directory}' ({file}): {reason}. Revisa que la carpeta exista y que el servidor tenga permiso sobre ella.",
    "error.ESTORELOCKED":
      "El historial de '{directory}' ya lo usa otro proceso en marcha (pid {pid}). Detén ese servidor o usa otra carpeta con --data; si ese proceso no es un servidor enchufe, borra {file}.",
    "error.ENOTKEPT":
      "El servidor entregó el mensaje a quien estaba conectado, pero no pudo guardarlo en su historial ({message}), así que no lo confirmó. Su disco está lleno o falla: avisa a quien lo administra y vuelve a publicarlo después.",
  },
  en: {
    "error.ECONNREFUSED":
      "Could not connect to {address}: connection refused. Is the server running? Start it first (enchufe server) or check --host and --port.",
    "error.EADDRINUSE":
      "Port {port} is already in use by another program. Wait until it is free or choose another port: npx enchufe server --port N (or npm start -- --port N); --port 0 picks a free one.",
    "error.EACCES":
      "The system does not allow listening on port {port} (ports below 1024 need privileges). Choose another port with --port, e.g. --port 5000.",
    "error.EADDRNOTAVAIL":
      "The address {host} does not belong to this machine. Use --host 127.0.0.1, --host 0.0.0.0 (all interfaces) or an IP of this machine.",
    "error.ENOTFOUND": "Host '{host}' was not found. Check the name or use an IP address with --host.",
    "error.ENETUNREACH":
      "No network route to {address}. Check the address, your network connection and the firewall.",
    "error.ECONNRESET": "The connection to {address} was reset during the '{step}' step. Try again.",
    "error.ETIMEDOUT":
      "The '{step}' step with {address} timed out ({seconds} s). Check that the server answers, or raise the limit with --timeout SECONDS.",
    "error.EABORTED": "The operation was cancelled.",
    "error.ECLOSED": "The connection to {address} closed before the '{step}' step finished.",
    "error.EUSAGE": "{message} Use --help to see the options.",
    "error.EOPTION": "Invalid option: {message}",
    "error.EFILE": "Could not use the file '{path}': {reason}",
    "error.EGREETINGTOOLARGE":
      "The greeting from {address} is larger than {limit} bytes. Is it an enchufe server? Check --host and --port.",
    "error.EPROTOCOL": "The peer broke the enchufe protocol: {message}",
    "error.ETOOLARGE": "The message is larger than the maximum ({limit} bytes). Send smaller messages.",
    "error.ELINETOOLONG": "The line is longer than the maximum of {limit} bytes.",
    "error.EINVALIDTOPIC":
      "Topic '{topic}' is not valid: {problem}. Use dot-separated words (letters, digits, '_' and '-').",
    "error.ESLOWCONSUMER": "The server closed the connection: we were not reading fast enough.",
    "error.ENORESPONDERS":
      "Nobody answers request '{name}'. Start a service that responds to it, or check the name.",
    "error.ENOSUCHUSER":
      "Nobody is connected with that nickname ({message}). Check the nickname (in the chat, /who lists them) or wait until they connect.",
    "error.EREQUESTFAILED": "Request '{name}' failed in the service that handled it: {message}",
    "error.EBUFFERFULL":
      "Too many messages waiting while disconnected ({limit}). Wait for the reconnection or raise the limit.",
    "error.ESERVERCLOSED": "The server closed the connection: {message}",
    "error.EWEBSOCKET":
      "The WebSocket {address} did not open ({reason}). Check the URL (ws://host:port/ws), that the server is running and, from a page of another origin, its --ws-origin and the page's CSP.",
    "error.ENOWEBSOCKET":
      "This Node has no WebSocket (Node 22 and later do): upgrade Node or pass a class as the webSocket option (for example the ws package's).",
    "error.EAUTH": "Authentication failed: wrong user, password or token.",
    "error.EAUTHREQUIRED": "The server requires authentication: use --user (and a password) or --token.",
    "error.EDENIED": "Permission denied: {message}",
    "error.EPLAINTEXTAUTH":
      "The server refuses unencrypted credentials off localhost. Connect with --tls (or the server must use --allow-plaintext-auth).",
    "error.ERATELIMIT": "Too many attempts or messages: wait a moment and try again.",
    "error.ETLSUNTRUSTED":
      "The TLS certificate of {address} is not signed by a trusted CA. Give the CA with --ca FILE (or --insecure, for tests only).",
    "error.ETLSHOSTNAME":
      "The TLS certificate of {address} does not match the name '{host}'. Connect with the certificate's name or use --servername NAME.",
    "error.ETLSEXPIRED":
      "A TLS certificate has expired or is not yet valid. Generate a new one (enchufe cert).",
    "error.ETLSPLAIN":
      "One side speaks TLS and the other plain TCP ({address}). Use --tls on the client if the server has TLS, or drop it if not.",
    "error.ETLSCLIENTCERT":
      "The server requires a client certificate or refused yours. Use --cert and --key with a certificate from its CA.",
    "error.ETLS": "The TLS handshake with {address} failed: {message}",
    "error.EUSERS": "Problem with the users file '{path}': {message}",
    "error.ECLUSTER": "Cannot reach Redis at {url}: {reason}. Start Redis or fix --cluster.",
    "error.ESTOREFULL":
      "Could not store the message in the history at '{directory}': {reason}. Free disk space (or raise the file size limit); the server keeps serving what is already stored.",
    "error.ESTORE":
      "Could not read or write the history at '{directory}' ({file}): {reason}. Check that the folder exists and that the server may use it.",
    "error.ESTORELOCKED":
      "The history at '{directory}' is in use by another running process (pid {pid}). Stop that server or use another folder with --data; if that process is not an enchufe server, delete {file}.",
    "error.ENOTKEPT":
      "The server delivered the message to whoever was connected, but could not keep it in its history ({message}), so it did not acknowledge it. Its disk is full or failing: tell whoever runs it, and publish again later.",
  },
} as const satisfies Catalog<`error.${ErrorCode}`>;
