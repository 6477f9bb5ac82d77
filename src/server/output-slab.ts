/**
 * Where a server encodes its small frames (replies, requests for responders), back to back: Node's Buffer
 * pool idea with bigger slabs. A session appends the frames of one turn to one run of a slab and writes the
 * run once, when its output is uncorked: one socket write per turn instead of one per frame, and no Buffer
 * per frame. Bytes once reserved are never written again (a socket may still hold a run while it is queued):
 * a full slab is left to the garbage collector and a new one taken.
 */

/** Bytes per slab; a frame larger than what is left starts a new slab (of its own size if larger). */
export const SLAB_BYTES = 64 * 1024;

export class OutputSlab {
  /** The slab being filled: frames are encoded at reserve()'s offset in it. */
  buffer: Buffer = Buffer.alloc(0);
  /** Bytes of `buffer` already reserved. */
  used = 0;

  /** Reserves `size` bytes in `buffer` (a new slab when they do not fit) and returns their offset. */
  reserve(size: number): number {
    if (this.buffer.length - this.used < size) {
      this.buffer = Buffer.allocUnsafe(Math.max(SLAB_BYTES, size));
      this.used = 0;
    }
    const offset = this.used;
    this.used = offset + size;
    return offset;
  }
}
