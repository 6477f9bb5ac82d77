/**
 * Where frames and lines that are written and never changed are encoded, back to back: Node's Buffer pool
 * idea with bigger slabs (each owner keeps its own: the server's replies, the read turn's deliveries, a text
 * renderer's lines). Node's pool makes a new 8 KiB ArrayBuffer every 8 KiB, and any Buffer of 4 KiB or
 * more is an ArrayBuffer of its own: each costs far more than the bytes (about 400 ns for a 3 KB Buffer
 * against 100 ns from a 64 KiB slab, measured). Bytes once reserved are never written again (a socket may
 * still hold them while they are queued): a full slab is left to the garbage collector and a new one taken.
 */

/** Bytes per slab; a frame larger than what is left starts a new slab (of its own size if larger). */
export const SLAB_BYTES = 64 * 1024;

/** take() serves runs up to this size from the slab (a larger one gets its own allocation: a slab stays small to retain). */
export const SLAB_RUN_BYTES = 16 * 1024;

export class OutputSlab {
  /** The slab being filled: frames are encoded at reserve()'s offset in it. */
  buffer: Buffer = Buffer.alloc(0);
  /** Bytes of `buffer` already reserved. */
  used = 0;

  /** True when `size` more bytes fit in the current slab (reserve() then gives the next offset in it). */
  fits(size: number): boolean {
    return this.buffer.length - this.used >= size;
  }

  /** Reserves `size` bytes in `buffer` (a new slab when they do not fit) and returns their offset. */
  reserve(size: number): number {
    if (!this.fits(size)) {
      this.buffer = Buffer.allocUnsafe(Math.max(SLAB_BYTES, size));
      this.used = 0;
    }
    const offset = this.used;
    this.used = offset + size;
    return offset;
  }

  /**
   * `size` bytes to fill once and never change, as a Buffer of their own: a view into the slab up to
   * SLAB_RUN_BYTES, its own allocation above.
   */
  take(size: number): Buffer {
    if (size > SLAB_RUN_BYTES) return Buffer.allocUnsafe(size);
    const at = this.reserve(size);
    return this.buffer.subarray(at, at + size);
  }
}
