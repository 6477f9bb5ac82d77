// Types of buffer.mjs (the browser build's node:buffer), for the test that checks it against Node's.
export { Buffer } from "node:buffer";
/** True when `bytes` are valid UTF-8 (node:buffer's isUtf8). */
export function isUtf8(bytes: Uint8Array): boolean;
