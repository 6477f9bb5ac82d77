/**
 * CRC-32 (IEEE 802.3, the polynomial zlib, gzip and PNG use) of a byte range. Node's own `zlib.crc32`
 * exists only from Node 20.15 / 22.2; enchufe supports every Node 20, so older ones get the table
 * version below, which gives the same values (a test checks both agree).
 */
import * as zlib from "node:zlib";

function makeTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const TABLE = makeTable();

/** The CRC-32 of `bytes`, computed in JavaScript (one table lookup per byte). */
export function tableCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The CRC-32 of `bytes`: zlib's native one where this Node has it, else tableCrc32. */
export const crc32: (bytes: Uint8Array) => number =
  typeof zlib.crc32 === "function" ? (bytes) => zlib.crc32(bytes) : tableCrc32;
