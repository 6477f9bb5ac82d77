// node:buffer in the browser build: the `buffer` package's Buffer (a Uint8Array subclass with Node's
// methods), plus isUtf8, which that package lacks (a fatal TextDecoder says the same).
import { Buffer } from "buffer";

const strict = new TextDecoder("utf-8", { fatal: true });

export { Buffer };

/** True when `bytes` are valid UTF-8 (node:buffer's isUtf8). */
export function isUtf8(bytes) {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
