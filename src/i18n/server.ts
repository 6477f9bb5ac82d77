import type { Catalog } from "./lang.js";

/** Texts the messaging server sends to people in text mode (notices "* ", errors "! "). */
export const server = {
  es: {
    "server.guest": "invitado",
    "server.private": "privado",
    "server.nick.set": "* ahora eres {nick}",
    "server.nick.changed": "* {old} ahora se llama {nick}",
    "server.join.you": "* estás en la sala {room}",
    "server.join.other": "* {nick} entró en {room}",
    "server.leave.other": "* {nick} salió de {room}",
    "server.rooms": "* salas: {list}",
    "server.rooms.none": "* no hay salas con gente",
    "server.who": "* en {room}: {list}",
    "server.history.header": "* historial de {room} ({count}):",
    "server.history.none": "* {room} no tiene historial todavía",
    "server.history.off": "* este servidor no guarda historial",
    "server.msg.sent": "* mensaje privado enviado a {nick}",
    "server.bye": "* adiós",
    "server.lang.set": "* idioma: español",
    "server.shutdown": "* el servidor se está cerrando",
    "server.stats.connections":
      "* enchufe {version}, activo desde hace {uptime} s; conexiones: {now} ahora ({text} de texto, {framed} de programas, {websocket} websocket), {total} en total; salas: {rooms}; suscripciones: {subscriptions}",
    "server.stats.traffic":
      "* mensajes: {in} recibidos, {out} enviados; bytes: {bytesIn} recibidos, {bytesOut} enviados; cortados: {slow} por lentos, {rate} por exceso de ritmo; inicios de sesión fallidos: {auth}",
    "server.help":
      "* comandos: /nick NOMBRE, /join SALA, /rooms, /who, /history [N], /msg NICK TEXTO, /login USUARIO CONTRASEÑA, /lang es|en, /help, /quit, /stats; cualquier otra línea va a tu sala",
    "server.error.unknownCommand": "! comando desconocido: {command} (prueba /help)",
    "server.error.usage": "! uso: {usage}",
    "server.error.nickTaken": "! el nick {nick} ya está en uso",
    "server.error.nickInvalid":
      "! nick no válido: {nick} (1-32 letras, dígitos, '_', '-', '.', empieza por letra o dígito)",
    "server.error.roomInvalid":
      "! sala no válida: {room} (letras, dígitos, '_', '-', partes separadas por '.')",
    "server.error.noSuchUser": "! no hay nadie conectado con el nick {nick}",
    "server.error.lineTooLong": "! línea demasiado larga (máximo {max} bytes): se cierra la conexión",
    "server.error.lateHttp":
      "! esto es una petición HTTP que llegó después del saludo: abre la página en el navegador otra vez (o envía la petición en cuanto conectes); se cierra la conexión",
    "server.error.flood": "! demasiadas líneas seguidas: se cierra la conexión",
    "server.error.idle": "! sin actividad durante demasiado tiempo: se cierra la conexión",
    "server.error.tooManyFromAddress":
      "! demasiadas conexiones desde tu dirección; cierra alguna e inténtalo de nuevo",
    "server.error.tooFast": "! demasiadas conexiones nuevas desde tu dirección; espera un momento",
    "server.login.ok": "* sesión iniciada como {user}",
    "server.error.loginFailed": "! inicio de sesión fallido: usuario o contraseña incorrectos",
    "server.error.loginRequired": "! este servidor exige iniciar sesión: /login USUARIO CONTRASEÑA",
    "server.error.plaintextAuth": "! no se aceptan credenciales sin cifrar: conéctate con TLS",
    "server.error.loginThrottled":
      "! demasiados intentos fallidos: espera un poco antes de volver a intentarlo",
    "server.error.denyJoin": "! permiso denegado: no puedes entrar en la sala {room}",
    "server.error.noGroups":
      "! los usuarios de texto no pueden unirse a grupos de trabajo (cada mensaje a un solo trabajador): eso es para programas, `enchufe sub {room} --group {group}`; con /join {room} recibes todas las líneas",
    "server.error.denyTalk": "! permiso denegado: no puedes hablar en la sala {room}",
    "server.error.full": "! el servidor está lleno, inténtalo más tarde",
    "server.error.nickReserved":
      "! el nick {nick} es de un usuario registrado: inicia sesión con /login {nick} CONTRASEÑA para usarlo",
    "server.error.userNickInUse": "! otra sesión tuya ya usa el nick {nick}: esta conserva su nick actual",
    "server.error.lineTimeout":
      "! la línea no se completó en {seconds} s (falta el salto de línea): se cierra la conexión",
  },
  en: {
    "server.guest": "guest",
    "server.private": "private",
    "server.nick.set": "* you are now {nick}",
    "server.nick.changed": "* {old} is now known as {nick}",
    "server.join.you": "* you are now in room {room}",
    "server.join.other": "* {nick} joined {room}",
    "server.leave.other": "* {nick} left {room}",
    "server.rooms": "* rooms: {list}",
    "server.rooms.none": "* no room has anyone in it",
    "server.who": "* in {room}: {list}",
    "server.history.header": "* history of {room} ({count}):",
    "server.history.none": "* nothing in {room}'s history yet",
    "server.history.off": "* this server keeps no history",
    "server.msg.sent": "* private message sent to {nick}",
    "server.bye": "* bye",
    "server.lang.set": "* language: English",
    "server.shutdown": "* the server is shutting down",
    "server.stats.connections":
      "* enchufe {version}, up {uptime} s; connections: {now} now ({text} text, {framed} programs, {websocket} websocket), {total} in total; rooms: {rooms}; subscriptions: {subscriptions}",
    "server.stats.traffic":
      "* messages: {in} in, {out} out; bytes: {bytesIn} in, {bytesOut} out; cut off: {slow} slow consumers, {rate} over the rate limit; failed logins: {auth}",
    "server.help":
      "* commands: /nick NAME, /join ROOM, /rooms, /who, /history [N], /msg NICK TEXT, /login USER PASSWORD, /lang es|en, /help, /quit, /stats; any other line goes to your room",
    "server.error.unknownCommand": "! unknown command: {command} (try /help)",
    "server.error.usage": "! usage: {usage}",
    "server.error.nickTaken": "! the nick {nick} is already taken",
    "server.error.nickInvalid":
      "! invalid nick: {nick} (1-32 letters, digits, '_', '-', '.', starting with a letter or digit)",
    "server.error.roomInvalid": "! invalid room: {room} (letters, digits, '_', '-', parts separated by '.')",
    "server.error.noSuchUser": "! nobody is connected with the nick {nick}",
    "server.error.lineTooLong": "! line too long (at most {max} bytes): closing the connection",
    "server.error.lateHttp":
      "! this is an HTTP request that came after the greeting: load the page in the browser again (or send the request as soon as you connect); closing the connection",
    "server.error.flood": "! too many lines in a row: closing the connection",
    "server.error.idle": "! idle for too long: closing the connection",
    "server.error.tooManyFromAddress": "! too many connections from your address; close some and try again",
    "server.error.tooFast": "! too many new connections from your address; wait a moment",
    "server.login.ok": "* logged in as {user}",
    "server.error.loginFailed": "! login failed: wrong user or password",
    "server.error.loginRequired": "! this server requires a login: /login USER PASSWORD",
    "server.error.plaintextAuth": "! credentials are refused on an unencrypted connection: connect with TLS",
    "server.error.loginThrottled": "! too many failed logins: wait a little before trying again",
    "server.error.denyJoin": "! permission denied: you may not join room {room}",
    "server.error.noGroups":
      "! text users cannot join queue groups (each message to one worker): that is for programs, `enchufe sub {room} --group {group}`; /join {room} gets you every line",
    "server.error.denyTalk": "! permission denied: you may not talk in room {room}",
    "server.error.full": "! the server is full, try again later",
    "server.error.nickReserved":
      "! the nick {nick} belongs to a registered user: log in with /login {nick} PASSWORD to use it",
    "server.error.userNickInUse":
      "! another session of yours already uses the nick {nick}: this one keeps its nick",
    "server.error.lineTimeout":
      "! the line was not completed within {seconds} s (no line break): closing the connection",
  },
} as const satisfies Catalog<
  | "server.guest"
  | "server.private"
  | "server.nick.set"
  | "server.nick.changed"
  | "server.join.you"
  | "server.join.other"
  | "server.leave.other"
  | "server.rooms"
  | "server.rooms.none"
  | "server.who"
  | "server.history.header"
  | "server.history.none"
  | "server.history.off"
  | "server.msg.sent"
  | "server.bye"
  | "server.lang.set"
  | "server.shutdown"
  | "server.stats.connections"
  | "server.stats.traffic"
  | "server.help"
  | "server.error.unknownCommand"
  | "server.error.usage"
  | "server.error.nickTaken"
  | "server.error.nickInvalid"
  | "server.error.roomInvalid"
  | "server.error.noSuchUser"
  | "server.error.lineTooLong"
  | "server.error.lateHttp"
  | "server.error.flood"
  | "server.error.idle"
  | "server.error.tooManyFromAddress"
  | "server.error.tooFast"
  | "server.login.ok"
  | "server.error.loginFailed"
  | "server.error.loginRequired"
  | "server.error.plaintextAuth"
  | "server.error.loginThrottled"
  | "server.error.denyJoin"
  | "server.error.noGroups"
  | "server.error.denyTalk"
  | "server.error.full"
  | "server.error.lineTimeout"
  | "server.error.nickReserved"
  | "server.error.userNickInUse"
>;
