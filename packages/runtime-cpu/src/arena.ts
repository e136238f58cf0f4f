// The arena: one model's tensors in a shared WebAssembly memory, and the SIMD kernels run over them,
// on the main thread or with a team of worker threads. Kernels find the arena of a tensor by its buffer.
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat, UsageError } from '@tdl/runtime';
import { Heap } from './wasm/heap.js';
import { isQuantFormat, type MatrixDtype, type WeightFormat } from '@tdl/runtime';
import { FORMAT_TABLE } from './wasm/linear.wat.js';
import { kernelModule, MAX_PAGES, type Task } from './wasm/kernels.js';
import { CONTROL } from './threads/control.js';
import { ThreadTeam, type ThreadOptions } from './threads/team.js';
import { checkQuantBlocks, quantizable, quantizeMatrix, QUANT_FORMAT_TABLE, QuantMatrix, type QuantFormat } from './quant/matrix.js';
import { quantScratchBytes } from './wasm/quant-linear.wat.js';

/**
 * Every arena's memory starts with MAGIC and the arena's id (words 0 and 1), so a tensor's arena is
 * found from its buffer. The buffer object itself is no key: V8 hands out new buffer objects for a
 * shared memory whenever any shared memory grows. Buffers seen before are remembered.
 */
const MAGIC = 0x21_6c_64_74; // "tdl!"
const ARENAS = new Map<number, WeakRef<Arena>>();
const FORGET = new FinalizationRegistry<number>((id) => ARENAS.delete(id));
const SEEN = new WeakMap<ArrayBufferLike, Arena | null>();
let nextId = 1;

/** The arena holding `a`, if any. */
export function arenaOf(a: Float32Array): Arena | undefined {
  const buffer = a.buffer;
  let arena = SEEN.get(buffer);
  if (arena === undefined) {
    arena = null;
    if (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer && buffer.byteLength >= 8) {
      const head = new Int32Array(buffer, 0, 2);
      if (head[0] === MAGIC) arena = ARENAS.get(head[1]!)?.deref() ?? null;
    }
    SEEN.set(buffer, arena);
  }
  return arena ?? undefined;
}

/**
 * A weight matrix [rows, cols] packed in panels of 4 rows for the linear kernel, in f32 or a 16-bit
 * format (the layouts are described in wasm/linear.wat.ts).
 */
export class PackedMatrix {
  constructor(
    readonly arena: Arena,
    readonly rows: number,
    readonly cols: number,
    readonly format: WeightFormat,
    /** The packed weights: ceil(rows / 4) panels of 4 × cols, as floats or as 16-bit codes. */
    readonly data: Float32Array | Uint16Array,
  ) {}

  /** Copies row `r` (as stored before packing) into `out`, widened to f32. */
  readRow(r: number, out: Float32Array): void {
    const n = this.cols;
    const panel = (r >> 2) * 4 * n;
    const lane = r & 3;
    const blocks = n >> 2;
    const tail = n & 3;
    const d = this.data;
    const widen = WIDEN[this.format];
    for (let b = 0; b < blocks; b++) {
      // f32: the row's four columns side by side; 16-bit: two rows interleaved, column by column.
      const at = d instanceof Float32Array ? panel + b * 16 + lane * 4 : panel + b * 16 + (lane >> 1) * 8 + (lane & 1);
      const step = d instanceof Float32Array ? 1 : 2;
      for (let j = 0; j < 4; j++) out[b * 4 + j] = widen(d[at + j * step]!);
    }
    for (let t = 0; t < tail; t++) out[blocks * 4 + t] = widen(d[panel + blocks * 16 + lane * tail + t]!);
  }
}

/**
 * Refuses a matrix with values f16 cannot hold: from 65520 up they round to infinity, which the kernel
 * does not widen (nor NaN).
 */
export function checkF16Range(w: Float32Array, name?: string): void {
  for (let i = 0; i < w.length; i++) {
    if (!(Math.abs(w[i]!) < 65520)) {
      throw new UsageError(`${name !== undefined ? `weight '${name}'` : 'a weight'} holds ${w[i]}, beyond f16's range (±65504): keep the weights in bf16 or f32`);
    }
  }
}

/** A stored weight (an f32, or a 16-bit code) as a number. */
const WIDEN: Record<WeightFormat, (stored: number) => number> = { f32: (x) => x, bf16: bf16ToFloat, f16: halfToFloat };

/** A weight as its format stores it, rounding to nearest even. */
const NARROW: Record<WeightFormat, (x: number) => number> = { f32: (x) => x, bf16: floatToBf16, f16: floatToHalf };

export interface ArenaOptions {
  /** Worker threads to share the kernels' work with; none by default. */
  readonly threads?: ThreadOptions;
  /** Bytes to reserve up front (the weights, say), so the memory grows less often. */
  readonly reserve?: number;
}

type Kernels = Record<Task, (...args: number[]) => void>;

export class Arena {
  readonly memory: WebAssembly.Memory;
  private readonly heap: Heap;
  private readonly team: ThreadTeam;
  private readonly scratch = new Map<string, { ptr: number; bytes: number }>();
  /** The table of a linear task's maps (wasm/linear.wat.ts), and which outputs are copied out after. */
  private readonly table: Int32Array;
  private readonly copyBack = [false, false, false];
  /** Matrices packed ahead (see staging.ts), each behind the empty array that stands for it. */
  private readonly staged = new WeakMap<Float32Array, PackedMatrix | QuantMatrix>();
  private stagedCount = 0;

  /** Whether this engine runs the WebAssembly kernels (SIMD, threads, SharedArrayBuffer). */
  static get supported(): boolean {
    return kernelModule() !== null;
  }

  constructor(options: ArenaOptions = {}) {
    const module = kernelModule();
    if (!module) throw new Error('internal error: an Arena was made where WebAssembly SIMD with shared memory is missing (check Arena.supported)');
    const pages = Math.min(MAX_PAGES, Math.max(1, Math.ceil(((options.reserve ?? 0) + CONTROL.bytes) / 65536)));
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
    const id = nextId++;
    new Int32Array(this.memory.buffer, 0, 2).set([MAGIC, id]);
    ARENAS.set(id, new WeakRef(this));
    FORGET.register(this, id);
    const kernels = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Kernels;
    this.heap = new Heap(this.memory, 64);
    const control = this.heap.alloc(CONTROL.bytes);
    this.table = new Int32Array(this.memory.buffer, this.heap.alloc(64), 16);
    this.team = new ThreadTeam(module, this.memory, control, kernels, options.threads ?? { threads: 1, spawn: () => unreachable() });
  }

  /** Threads the kernels run on, the main thread included. */
  get threads(): number {
    return this.team.size;
  }

  /** How many tasks each worker thread has joined so far. */
  get joined(): number[] {
    return this.team.joined;
  }

  /** Bytes of the memory in use. */
  get bytes(): number {
    return this.heap.used;
  }

  /** A new zeroed Float32Array of n floats in the arena. */
  allocF32(n: number): Float32Array {
    return this.view(this.heap.alloc(n * 4), n);
  }

  /** A new zeroed Uint16Array of n codes in the arena (16-bit weights). */
  private allocU16(n: number): Uint16Array {
    const ptr = this.heap.alloc(n * 2); // first: allocating may grow the memory, and so replace its buffer
    return new Uint16Array(this.memory.buffer, ptr, n);
  }

  /** Frees an array made by allocF32 (the caller stops using it). */
  free(a: Float32Array): void {
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0);
    this.heap.release(a.byteOffset);
  }

  /** A copy of `src` in the arena. */
  copyIn(src: Float32Array): Float32Array {
    const a = this.allocF32(src.length);
    a.set(src);
    return a;
  }

  /**
   * Packs a weight [rows, cols] (row-major, as PyTorch stores it) into panels of 4 rows, kept in
   * `format` (16-bit formats round to nearest even; f16 refuses values it cannot hold, naming the
   * weight `name` when given).
   */
  pack(src: Float32Array, rows: number, cols: number, format: WeightFormat = 'f32', name?: string): PackedMatrix {
    if (src.length !== rows * cols) throw new Error(`internal error: packing ${src.length} floats as [${rows}, ${cols}]`);
    if (format === 'f16') checkF16Range(src, name);
    const panels = Math.ceil(rows / 4);
    const count = panels * 4 * cols;
    const data = format === 'f32' ? this.allocF32(count) : this.allocU16(count);
    const narrow = NARROW[format];
    const wide = format === 'f32';
    const blocks = cols >> 2;
    const tail = cols & 3;
    for (let p = 0; p < panels; p++) {
      const base = p * 4 * cols;
      for (let lane = 0; lane < 4 && p * 4 + lane < rows; lane++) {
        const row = (p * 4 + lane) * cols;
        for (let b = 0; b < blocks; b++) {
          const at = wide ? base + b * 16 + lane * 4 : base + b * 16 + (lane >> 1) * 8 + (lane & 1);
          const step = wide ? 1 : 2;
          const from = row + b * 4;
          for (let j = 0; j < 4; j++) data[at + j * step] = narrow(src[from + j]!);
        }
        for (let t = 0; t < tail; t++) data[base + blocks * 16 + lane * tail + t] = narrow(src[row + blocks * 4 + t]!);
      }
    }
    return new PackedMatrix(this, rows, cols, format, data);
  }

  /**
   * A weight [rows, cols] (row-major f32) kept as `dtype` says: packed in a float format, or quantized to
   * a block format and copied in as blocks (no f32 copy kept). A matrix whose rows are not whole blocks
   * of 32 stays f32 under a block format, as `tdl quantize` leaves it.
   */
  packAs(src: Float32Array, rows: number, cols: number, dtype: MatrixDtype, name?: string): PackedMatrix | QuantMatrix {
    if (!isQuantFormat(dtype)) return this.pack(src, rows, cols, dtype, name);
    if (!quantizable(cols)) return this.pack(src, rows, cols, 'f32', name);
    if (src.length !== rows * cols) throw new Error(`internal error: quantizing ${src.length} floats as [${rows}, ${cols}]`);
    return this.packQuant(quantizeMatrix(src, dtype), rows, cols, dtype, name);
  }

  /**
   * Keeps a matrix packed ahead of the model that will use it; returns the empty array that stands for
   * it among the weights, which the workspace trades for the matrix (`takeStaged`).
   */
  stage(matrix: PackedMatrix | QuantMatrix): Float32Array {
    const token = new Float32Array(0);
    this.staged.set(token, matrix);
    this.stagedCount++;
    return token;
  }

  /** The matrix staged behind `token`, handed out once. */
  takeStaged(token: Float32Array): PackedMatrix | QuantMatrix | undefined {
    const matrix = this.staged.get(token);
    if (matrix) {
      this.staged.delete(token);
      this.stagedCount--;
    }
    return matrix;
  }

  /** Staged matrices not yet taken by a model. */
  get unclaimed(): number {
    return this.stagedCount;
  }

  /**
   * out_j [rows, m_j] = x [rows, n] · W_jᵀ + b_j for one, two or three maps of the same input, over the
   * threads as one task (fused projections: queries, keys and values; a gate and its up projection).
   */
  linear(
    x: Float32Array,
    rows: number,
    n: number,
    maps: number,
    out0: Float32Array, m0: number, w0: PackedMatrix, b0: Float32Array | undefined, // prettier-ignore
    out1?: Float32Array, m1 = 0, w1?: PackedMatrix, b1?: Float32Array, // prettier-ignore
    out2?: Float32Array, m2 = 0, w2?: PackedMatrix, b2?: Float32Array, // prettier-ignore
  ): void {
    const xp = this.input(x, rows * n, 'x');
    const p0 = this.entry(0, out0, rows, m0, w0, b0);
    const p1 = maps > 1 ? this.entry(1, out1!, rows, m1, w1!, b1) : 0;
    const p2 = maps > 2 ? this.entry(2, out2!, rows, m2, w2!, b2) : 0;
    const panels = Math.ceil(m0 / 4) + (maps > 1 ? Math.ceil(m1 / 4) : 0) + (maps > 2 ? Math.ceil(m2 / 4) : 0);
    if ((maps > 1 && w1!.format !== w0.format) || (maps > 2 && w2!.format !== w0.format)) throw new Error('internal error: fused maps with weights in different formats');
    // About 64 KiB of weights, or of multiply-adds per row, per unit taken from the counter.
    const chunk = Math.max(1, Math.floor(16384 / (4 * n * Math.max(1, rows >> 3))));
    // 16-bit weights against several rows are widened a panel at a time: 4n floats of scratch per thread.
    const widened = w0.format !== 'f32' && rows > 1 ? this.scratchPtr('widened', this.team.size * 16 * n) : 0;
    const share = Math.min(chunk, Math.ceil(panels / this.team.size));
    this.team.run('linear', xp, rows, n, this.table.byteOffset, maps, this.team.counter, share, FORMAT_TABLE.indexOf(w0.format), widened, 0);
    const back = this.copyBack;
    if (back[0]) out0.set(this.view(p0, rows * m0));
    if (maps > 1 && back[1]) out1!.set(this.view(p1, rows * m1));
    if (maps > 2 && back[2]) out2!.set(this.view(p2, rows * m2));
  }

  /** A [rows, cols] matrix of ggml blocks (Q8_0 or Q4_0, as a GGUF file stores it) copied into the arena, checked first. */
  packQuant(blocks: Uint8Array, rows: number, cols: number, format: QuantFormat, name?: string): QuantMatrix {
    checkQuantBlocks(blocks, rows, cols, format, name);
    const ptr = this.heap.alloc(blocks.byteLength); // first: allocating may grow the memory, and so replace its buffer
    const data = new Uint8Array(this.memory.buffer, ptr, blocks.byteLength);
    data.set(blocks);
    return new QuantMatrix(this, rows, cols, format, data);
  }

  /** out [rows, w.rows] = x [rows, w.cols] · Wᵀ over a block-format matrix, on the threads as one task. */
  linearQuant(out: Float32Array, x: Float32Array, rows: number, w: QuantMatrix): void {
    const n = w.cols;
    const m = w.rows;
    const xp = this.input(x, rows * n, 'x');
    const inPlace = arenaOf(out) === this;
    const op = inPlace ? out.byteOffset : this.scratchPtr('out0', rows * m * 4);
    const groups = Math.ceil(m / 4);
    // About 64 KiB of blocks per unit taken from the counter (less as rows grow).
    const groupBytes = (4 * w.data.byteLength) / m;
    const chunk = Math.max(1, Math.floor(65536 / (groupBytes * Math.max(1, rows >> 3))));
    const share = Math.min(chunk, Math.ceil(groups / this.team.size));
    // Several rows widen 4 weight rows at a time into each thread's part of the scratch.
    const scratch = rows > 1 ? this.scratchPtr('quantWidened', this.team.size * quantScratchBytes(n)) : 0;
    this.team.run('linear_q', op, xp, rows, n, m, w.data.byteOffset, QUANT_FORMAT_TABLE.indexOf(w.format), this.team.counter, share, scratch);
    if (!inPlace) out.set(this.view(op, rows * m));
  }

  /**
   * Attention for query rows at positions start … start + rows - 1 over keyCount cached keys and values:
   * out and q [rows, heads × headDim], keys and values [keyCount, kvHeads × headDim]; headDim % 4 == 0.
   */
  attention(
    out: Float32Array,
    q: Float32Array,
    rows: number,
    start: number,
    keys: Float32Array,
    values: Float32Array,
    keyCount: number,
    heads: number,
    kvHeads: number,
    headDim: number,
    mask: number,
    window: number,
    scale: number,
    slopes: Float32Array | undefined,
  ): void {
    const width = heads * headDim;
    const kvWidth = kvHeads * headDim;
    const qp = this.input(q, rows * width, 'q');
    const kp = this.input(keys, keyCount * kvWidth, 'keys');
    const vp = this.input(values, keyCount * kvWidth, 'values');
    const sp = slopes ? this.input(slopes, heads, 'slopes') : 0;
    const direct = arenaOf(out) === this;
    const op = direct ? out.byteOffset : this.scratchPtr('out', rows * width * 4);
    // Scores for as many keys as the cache holds (keys spans it all), so decoding does not regrow them.
    const capacity = Math.max(keyCount, Math.floor(keys.length / kvWidth));
    const scores = this.scratchPtr('scores', this.team.size * capacity * 4);
    this.team.run('attention', op, qp, rows, start, kp, vp, keyCount, heads, kvHeads, headDim, mask, window, scale, sp, scores, this.team.counter);
    if (!direct) out.set(this.view(op, rows * width));
  }

  /** Writes map j of a linear task into the table; returns where its output goes (scratch if out is elsewhere). */
  private entry(j: number, out: Float32Array, rows: number, m: number, w: PackedMatrix, b: Float32Array | undefined): number {
    const direct = arenaOf(out) === this;
    const op = direct ? out.byteOffset : this.scratchPtr(`out${j}`, rows * m * 4);
    const t = this.table;
    t[j * 4] = op;
    t[j * 4 + 1] = w.data.byteOffset;
    t[j * 4 + 2] = b ? this.input(b, m, `bias${j}`) : 0;
    t[j * 4 + 3] = m;
    this.copyBack[j] = !direct;
    return op;
  }

  /** out [n] = silu(x [n]); over the threads when n is large enough to be worth a task. */
  silu(out: Float32Array, x: Float32Array, n: number): void {
    const xp = this.input(x, n, 'x');
    const direct = arenaOf(out) === this;
    const op = direct ? out.byteOffset : this.scratchPtr('out0', n * 4);
    if (n >= 16384) this.team.run('silu', op, xp, n, this.team.counter, 0, 0, 0, 0, 0, 0);
    else this.team.solo('silu', op, xp, n, this.team.counter);
    if (!direct) out.set(this.view(op, n));
  }

  /** Stops the worker threads; the arena must not run kernels afterwards. */
  dispose(): void {
    this.team.dispose();
  }

  /** The address of `a` here, copying it into scratch when it lives elsewhere. */
  private input(a: Float32Array, n: number, name: string): number {
    if (arenaOf(a) === this) return a.byteOffset;
    const ptr = this.scratchPtr(name, n * 4);
    this.view(ptr, n).set(a.subarray(0, n));
    return ptr;
  }

  /** A scratch block by name that grows as needed. */
  private scratchPtr(name: string, bytes: number): number {
    let s = this.scratch.get(name);
    if (!s || s.bytes < bytes) {
      if (s) this.heap.release(s.ptr);
      s = { ptr: this.heap.alloc(bytes), bytes };
      this.scratch.set(name, s);
    }
    return s.ptr;
  }

  private view(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }
}

function unreachable(): never {
  throw new Error('internal error: a one-thread team started a worker');
}
