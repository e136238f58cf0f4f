// Key/value caches and the scratch workspace generated modules compute in.

/** Keys and values of one attention layer: [capacity, width] each. */
export class KVCache {
  keys: Float32Array;
  values: Float32Array;

  constructor(
    public capacity: number,
    readonly width: number,
  ) {
    this.keys = new Float32Array(capacity * width);
    this.values = new Float32Array(capacity * width);
  }

  /** Grows the cache to hold at least `capacity` rows (for a memory longer than the last one). */
  ensure(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.capacity = capacity;
    this.keys = new Float32Array(capacity * this.width);
    this.values = new Float32Array(capacity * this.width);
  }

  /** The rows [start, start + count) of the keys, to write new keys into. */
  keyRows(start: number, count: number): Float32Array {
    return this.keys.subarray(start * this.width, (start + count) * this.width);
  }

  valueRows(start: number, count: number): Float32Array {
    return this.values.subarray(start * this.width, (start + count) * this.width);
  }
}

/**
 * Scratch buffers by slot: each intermediate value of a generated module has a slot, and its buffer
 * grows to the largest size asked for, so decoding allocates nothing after the first step.
 */
export class Workspace {
  private readonly f32s: Float32Array[] = [];
  private readonly i32s: Int32Array[] = [];

  f32(slot: number, n: number): Float32Array {
    let buf = this.f32s[slot];
    if (!buf || buf.length < n) this.f32s[slot] = buf = new Float32Array(Math.max(n, (buf?.length ?? 0) * 2));
    return buf.subarray(0, n);
  }

  i32(slot: number, n: number): Int32Array {
    let buf = this.i32s[slot];
    if (!buf || buf.length < n) this.i32s[slot] = buf = new Int32Array(Math.max(n, (buf?.length ?? 0) * 2));
    return buf.subarray(0, n);
  }
}

/** Copies `n` values of `src` into `dst` and returns `dst` (carried layer values use it). */
export function copy(dst: Float32Array, src: Float32Array, n: number): Float32Array {
  dst.set(src.subarray(0, n));
  return dst;
}
