/** enchufe's public library API. */
export { EnchufeError, ERROR_CODES, type ErrorCode, type ErrorDetails, isEnchufeError } from "./errors.js";
export { type Lang, parseLang, t } from "./i18n/index.js";
export type { MessageEvent, RoomInfo } from "./server/broker.js";
export type { IncomingRequest, RequestHandler, RequestResult } from "./server/handlers.js";
export {
  DEFAULT_MESSAGING_OPTIONS,
  type MessagingOptions,
  resolveMessagingOptions,
} from "./server/limits.js";
export { type ConnectionInfo, MessagingHandler } from "./server/messaging.js";
export type { ClientInfo, DisconnectReason } from "./server/session.js";
