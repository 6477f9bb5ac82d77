/**
 * Where a server encodes its small frames (replies, requests for responders), back to back: the slab of
 * src/protocol/slab.ts. A session appends the frames of one turn to one run of a slab and writes the run
 * once, when its output is uncorked: one socket write per turn instead of one per frame, and no Buffer per
 * frame.
 */
export { OutputSlab, SLAB_BYTES } from "../protocol/slab.js";
