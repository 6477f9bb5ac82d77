/**
 * Frame size limits both ends agree on (pure numbers). A frame may carry FRAME_OVERHEAD_BYTES beyond the
 * payload limit a server announces in WELCOME (topic, names, headers), so a decoder's limit is
 * `maxPayload + FRAME_OVERHEAD_BYTES`.
 */

/** Bytes a frame may carry beyond its payload (topic, headers, names). */
export const FRAME_OVERHEAD_BYTES = 64 * 1024;

/** The largest frame a client accepts before WELCOME has told it the server's limit (WELCOME is small). */
export const HANDSHAKE_FRAME_BYTES = 64 * 1024;
