// TEMPORARY stand-in written by the server engineer until the codec branch lands (take the codec's version on merge).
import { PREFACE } from "./frames.js";

export function detectMode(firstByte: number): "framed" | "text" {
  return firstByte === 0 ? "framed" : "text";
}

export function findPrefaceEnd(data: Buffer): number {
  const index = data.indexOf(PREFACE);
  return index === -1 ? -1 : index + PREFACE.length;
}
