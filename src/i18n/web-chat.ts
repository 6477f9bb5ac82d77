/**
 * The web chat page's texts (src/web/chat/, served at `/`): loaded by the browser bundle, so no other
 * catalogue here. The server's own lines (notices, errors) come from server.ts.
 */
import type { Catalog } from "./lang.js";

type Key =
  | "web.title"
  | "web.status.connecting"
  | "web.status.connected"
  | "web.status.reconnecting"
  | "web.status.left"
  | "web.nick.label"
  | "web.nick.button"
  | "web.nick.guest"
  | "web.rooms.title"
  | "web.rooms.none"
  | "web.rooms.entry"
  | "web.rooms.current"
  | "web.join.label"
  | "web.join.button"
  | "web.leave.button"
  | "web.members.title"
  | "web.members.you"
  | "web.members.write"
  | "web.log.label"
  | "web.send.to"
  | "web.send.room"
  | "web.send.private"
  | "web.send.label"
  | "web.send.button"
  | "web.send.placeholder"
  | "web.send.queued"
  | "web.message.private"
  | "web.message.privateTo"
  | "web.message.you";

export const webChat = {
  es: {
    "web.title": "enchufe: chat",
    "web.status.connecting": "Conectando…",
    "web.status.connected": "Conectado",
    "web.status.reconnecting": "Sin conexión: reintento {attempt} en {seconds} s…",
    "web.status.left": "Has salido del chat (/quit): recarga la página para volver",
    "web.nick.label": "Tu nick",
    "web.nick.button": "Cambiar",
    "web.nick.guest": "(invitado)",
    "web.rooms.title": "Salas",
    "web.rooms.none": "No hay nadie en ninguna sala.",
    "web.rooms.entry": "{room} ({members})",
    "web.rooms.current": "estás aquí",
    "web.join.label": "Entrar en la sala",
    "web.join.button": "Entrar",
    "web.leave.button": "Salir a general",
    "web.members.title": "En {room} ({count})",
    "web.members.you": "{nick} (tú)",
    "web.members.write": "Mensaje privado a {nick}",
    "web.log.label": "Mensajes de {room}",
    "web.send.to": "Para",
    "web.send.room": "toda la sala {room}",
    "web.send.private": "solo {nick} (privado)",
    "web.send.label": "Mensaje",
    "web.send.button": "Enviar",
    "web.send.placeholder": "Escribe un mensaje o un comando (/help)",
    "web.send.queued": "sin conexión: se enviará al reconectar",
    "web.message.private": "privado",
    "web.message.privateTo": "privado para {nick}",
    "web.message.you": "tú",
  },
  en: {
    "web.title": "enchufe: chat",
    "web.status.connecting": "Connecting…",
    "web.status.connected": "Connected",
    "web.status.reconnecting": "Connection lost: attempt {attempt} in {seconds} s…",
    "web.status.left": "You left the chat (/quit): reload the page to come back",
    "web.nick.label": "Your nick",
    "web.nick.button": "Change",
    "web.nick.guest": "(guest)",
    "web.rooms.title": "Rooms",
    "web.rooms.none": "No room has anyone in it.",
    "web.rooms.entry": "{room} ({members})",
    "web.rooms.current": "you are here",
    "web.join.label": "Join room",
    "web.join.button": "Join",
    "web.leave.button": "Back to general",
    "web.members.title": "In {room} ({count})",
    "web.members.you": "{nick} (you)",
    "web.members.write": "Private message to {nick}",
    "web.log.label": "Messages in {room}",
    "web.send.to": "To",
    "web.send.room": "everyone in {room}",
    "web.send.private": "only {nick} (private)",
    "web.send.label": "Message",
    "web.send.button": "Send",
    "web.send.placeholder": "Type a message or a command (/help)",
    "web.send.queued": "offline: sent once reconnected",
    "web.message.private": "private",
    "web.message.privateTo": "private to {nick}",
    "web.message.you": "you",
  },
} as const satisfies Catalog<Key>;
