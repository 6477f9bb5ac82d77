import { type Frame, type FrameDecoder, NEED_DATA } from "../../src/protocol/frames.js";

/** Every complete frame the decoder holds, in order (the session loop without a handler). */
export function drain(decoder: FrameDecoder): Frame[] {
  const frames: Frame[] = [];
  for (let frame = decoder.next(); frame !== NEED_DATA; frame = decoder.next()) frames.push(frame);
  return frames;
}
