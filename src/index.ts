/** enchufe's public library API. */
export { EnchufeError, ERROR_CODES, type ErrorCode, type ErrorDetails, isEnchufeError } from "./errors.js";
export { type Lang, parseLang, t } from "./i18n/index.js";
