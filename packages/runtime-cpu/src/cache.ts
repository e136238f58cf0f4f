// Key/value caches and the scratch workspace generated modules compute in, in an arena or in plain arrays.
import { Arena } from './arena.js';
import type { Matrix } from './kernels/linear.js';
import type { MatrixDtype } from '@tdl/runtime';

/** How a model instance computes: in an arena (WebAssembly kernels) or with plain arrays and JS kernels. */
export interface ModelOptions {
  readonly arena?: Arena;
  /** How the arena keeps weight matrices: f32 (the default), bf16 or f16 for half the bytes, q8_0 or q4_0 blocks. */
  readonly weightFormat?: MatrixDtype;
}

/**
 * Keys and values of one attention layer: [capacity, width] each. A self-attention cache holds one
 * such pair per sequence (`select` switches between them), so batched decoding keeps every sequence's
 * keys apart while the weights are shared; sequence 0 is the one a plain forward pass uses.
 */
export class KVCache {
  keys: Float32Array;
  values: Float32Array;
  private sequence = 0;
  /** The pairs of sequences not selected now. */
  private readonly parked = new Map<number, { keys: Float32Array; values: Float32Array }>();
  private rowsAt = -1;
  private rowsCount = -1;
  private keyView: Float32Array;
  private valueView: Float32Array;

  constructor(
    public capacity: number,
    readonly width: number,
    private readonly arena?: Arena,
  ) {
    this.keys = this.allocate(capacity * width);
    this.values = this.allocate(capacity * width);
    this.keyView = this.valueView = this.keys;
  }

  /** Grows the cache to hold at least `capacity` rows (for a memory longer than the last one). */
  ensure(capacity: number): void {
    if (capacity <= this.capacity) return;
    if (this.parked.size) throw new Error('internal error: a cache holding several sequences was grown');
    if (this.arena) {
      this.arena.free(this.keys);
      this.arena.free(this.values);
    }
    this.capacity = capacity;
    this.keys = this.allocate(capacity * this.width);
    this.values = this.allocate(capacity * this.width);
    this.rowsAt = -1;
  }

  /** Makes `sequence`'s keys and values the ones read and written (allocated, zeroed, on first use). */
  select(sequence: number): void {
    if (sequence === this.sequence) return;
    if (this.sequence >= 0) this.parked.set(this.sequence, { keys: this.keys, values: this.values });
    const next = this.parked.get(sequence);
    this.parked.delete(sequence);
    this.keys = next ? next.keys : this.allocate(this.capacity * this.width);
    this.values = next ? next.values : this.allocate(this.capacity * this.width);
    this.sequence = sequence;
    this.rowsAt = -1;
  }

  /** Gives `to` (a sequence without keys yet) a copy of the first `rows` keys and values of `from`. */
  fork(from: number, to: number, rows: number): void {
    if (to === this.sequence || this.parked.has(to)) throw new Error(`internal error: sequence ${to} forked onto while it holds keys`);
    const target = { keys: this.allocate(this.capacity * this.width), values: this.allocate(this.capacity * this.width) };
    // Looked up after allocating, which may grow the arena.
    const source = from === this.sequence ? { keys: this.keys, values: this.values } : this.parked.get(from);
    if (!source) throw new Error(`internal error: sequence ${from} has no keys to fork`);
    const n = Math.min(rows, this.capacity) * this.width;
    target.keys.set(source.keys.subarray(0, n));
    target.values.set(source.values.subarray(0, n));
    this.parked.set(to, target);
  }

  /** Frees `sequence`'s keys and values; selecting it again starts it empty. */
  release(sequence: number): void {
    const pair = sequence === this.sequence ? { keys: this.keys, values: this.values } : this.parked.get(sequence);
    if (!pair) return;
    this.parked.delete(sequence);
    if (this.arena) {
      this.arena.free(pair.keys);
      this.arena.free(pair.values);
    }
    if (sequence === this.sequence) {
      this.keys = this.values = new Float32Array(0);
      this.sequence = -1;
      this.rowsAt = -1;
    }
  }

  /** The rows [start, start + count) of the keys, to write new keys into. */
  keyRows(start: number, count: number): Float32Array {
    this.rows(start, count);
    return this.keyView;
  }

  valueRows(start: number, count: number): Float32Array {
    this.rows(start, count);
    return this.valueView;
  }

  /** Views of rows [start, start + count), kept while the same rows are asked for (no allocation). */
  private rows(start: number, count: number): void {
    if (start === this.rowsAt && count === this.rowsCount) return;
    this.keyView = this.keys.subarray(start * this.width, (start + count) * this.width);
    this.valueView = this.values.subarray(start * this.width, (start + count) * this.width);
    this.rowsAt = start;
    this.rowsCount = count;
  }

  private allocate(n: number): Float32Array {
    return this.arena ? this.arena.allocF32(n) : new Float32Array(n);
  }
}

/**
 * Scratch buffers by slot: each intermediate value of a generated module has a slot, and its buffer
 * grows to the largest size asked for, so decoding allocates nothing after the first step. With an
 * arena, buffers, weights and caches live in its memory, where the WebAssembly kernels reach them.
 */
export class Workspace {
  private readonly f32s: Float32Array[] = [];
  private readonly f32Views: Float32Array[] = [];
  private readonly i32s: Int32Array[] = [];
  /** Self-attention caches, which hold one pair of keys and values per sequence. */
  private readonly sequenced: KVCache[] = [];
  private readonly staging: Float32Array[] = [];
  private readonly arena: Arena | undefined;
  private readonly weightFormat: MatrixDtype;

  constructor(options: ModelOptions = {}) {
    this.arena = options.arena;
    this.weightFormat = options.weightFormat ?? 'f32';
    if (this.weightFormat !== 'f32' && !this.arena) throw new Error(`internal error: ${this.weightFormat} weights need an arena`);
  }

  f32(slot: number, n: number): Float32Array {
    const view = this.f32Views[slot];
    if (view && view.length === n) return view;
    let buf = this.f32s[slot];
    if (!buf || buf.length < n) {
      const size = Math.max(n, (buf?.length ?? 0) * 2);
      if (buf && this.arena) this.arena.free(buf);
      this.f32s[slot] = buf = this.arena ? this.arena.allocF32(size) : new Float32Array(size);
    }
    return (this.f32Views[slot] = buf.subarray(0, n));
  }

  i32(slot: number, n: number): Int32Array {
    let buf = this.i32s[slot];
    if (!buf || buf.length < n) this.i32s[slot] = buf = new Int32Array(Math.max(n, (buf?.length ?? 0) * 2));
    return buf.subarray(0, n);
  }

  /**
   * A weight [rows, cols] that `linear` multiplies by: packed into the arena in its format or block format
   * (or packed already, when staged), or as it is.
   */
  matrix(w: Float32Array, rows: number, cols: number): Matrix {
    if (!this.arena) return w;
    const staged = this.arena.takeStaged(w);
    if (staged && (staged.rows !== rows || staged.cols !== cols)) throw new Error(`internal error: a staged [${staged.rows}, ${staged.cols}] matrix used as [${rows}, ${cols}]`);
    return staged ?? this.arena.packAs(w, rows, cols, this.weightFormat);
  }

  /** A weight another WebAssembly kernel reads (a bias): copied into the arena, or as it is. */
  tensor(w: Float32Array): Float32Array {
    return this.arena ? this.arena.copyIn(w) : w;
  }

  /** The key/value cache of one self-attention layer, [capacity, width] each, one pair per sequence. */
  kvCache(capacity: number, width: number): KVCache {
    const cache = new KVCache(capacity, width, this.arena);
    this.sequenced.push(cache);
    return cache;
  }

  /** The key/value cache of one cross-attention layer, filled from the memory, shared by every sequence. */
  memoryCache(width: number): KVCache {
    return new KVCache(0, width, this.arena);
  }

  /** Makes every self-attention cache read and write `sequence`'s keys and values. */
  selectSequence(sequence: number): void {
    for (const c of this.sequenced) c.select(sequence);
  }

  /** Copies the first `rows` keys and values of sequence `from` to a new sequence `to`, in every self-attention cache. */
  forkSequence(from: number, to: number, rows: number): void {
    for (const c of this.sequenced) c.fork(from, to, rows);
  }

  /** Frees `sequence`'s keys and values in every self-attention cache. */
  releaseSequence(sequence: number): void {
    for (const c of this.sequenced) c.release(sequence);
  }

  /** Bytes one sequence's keys and values take over all self-attention caches. */
  get sequenceBytes(): number {
    return this.sequenced.reduce((n, c) => n + 2 * c.capacity * c.width * 4, 0);
  }

  /**
   * Scratch rows for a batched decode step's new keys (`which` 0) or values (1) before they go to
   * their sequences' caches; like `f32`, the buffer grows to the largest size asked for.
   */
  stagingRows(which: 0 | 1, n: number): Float32Array {
    let buf = this.staging[which];
    if (!buf || buf.length < n) {
      if (buf && this.arena) this.arena.free(buf);
      this.staging[which] = buf = this.arena ? this.arena.allocF32(Math.max(n, (buf?.length ?? 0) * 2)) : new Float32Array(n);
    }
    return buf.subarray(0, n);
  }
}

/** Copies `n` values of `src` into `dst` and returns `dst` (carried layer values use it). */
export function copy(dst: Float32Array, src: Float32Array, n: number): Float32Array {
  dst.set(src.length === n ? src : src.subarray(0, n));
  return dst;
}
