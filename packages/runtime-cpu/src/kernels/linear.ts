// Dense layers: out[r, o] = x[r, :] · w[o, :] + b[o], with w stored [out, in] as PyTorch does.
import { PackedMatrix } from '../arena.js';
import { QuantMatrix } from '../quant/matrix.js';

/** A weight matrix as a kernel takes it: PyTorch's row-major floats, or packed in an arena (floats or blocks). */
export type Matrix = Float32Array | PackedMatrix | QuantMatrix;

/**
 * out [rows, outDim] = x [rows, inDim] · wᵀ + b. A packed w runs the WebAssembly kernel of its arena
 * (SIMD, over its threads); a plain one runs here, summing in double precision.
 */
export function linear(
  out: Float32Array,
  x: Float32Array,
  rows: number,
  inDim: number,
  outDim: number,
  w: Matrix,
  b?: Float32Array,
): void {
  if (w instanceof PackedMatrix) {
    w.arena.linear(x, rows, inDim, 1, out, outDim, w, b);
    return;
  }
  if (w instanceof QuantMatrix) {
    // The block kernel has no bias: it is added after, in f32 (an f32 sum, as the f32 kernel's bias is).
    w.arena.linearQuant(out, x, rows, w);
    if (b) for (let r = 0; r < rows; r++) for (let o = 0; o < outDim; o++) out[r * outDim + o] = Math.fround(out[r * outDim + o]! + b[o]!);
    return;
  }
  linearJs(out, x, rows, inDim, outDim, w, b);
}

/**
 * Two maps of one input in one pass: out0 = x · w0ᵀ + b0 and out1 = x · w1ᵀ + b1 (a gate and its up
 * projection). With packed weights, one task for the threads; each output exactly as `linear` gives it.
 */
export function linear2(
  out0: Float32Array,
  out1: Float32Array,
  x: Float32Array,
  rows: number,
  inDim: number,
  outDim0: number,
  outDim1: number,
  w0: Matrix,
  w1: Matrix,
  b0?: Float32Array,
  b1?: Float32Array,
): void {
  if (fusable(w0, w1)) {
    w0.arena.linear(x, rows, inDim, 2, out0, outDim0, w0, b0, out1, outDim1, w1 as PackedMatrix, b1);
    return;
  }
  linear(out0, x, rows, inDim, outDim0, w0, b0);
  linear(out1, x, rows, inDim, outDim1, w1, b1);
}

/** Three maps of one input in one pass (queries, keys and values); each output exactly as `linear` gives it. */
export function linear3(
  out0: Float32Array,
  out1: Float32Array,
  out2: Float32Array,
  x: Float32Array,
  rows: number,
  inDim: number,
  outDim0: number,
  outDim1: number,
  outDim2: number,
  w0: Matrix,
  w1: Matrix,
  w2: Matrix,
  b0?: Float32Array,
  b1?: Float32Array,
  b2?: Float32Array,
): void {
  if (fusable(w0, w1) && fusable(w0, w2)) {
    w0.arena.linear(x, rows, inDim, 3, out0, outDim0, w0, b0, out1, outDim1, w1 as PackedMatrix, b1, out2, outDim2, w2 as PackedMatrix, b2);
    return;
  }
  linear(out0, x, rows, inDim, outDim0, w0, b0);
  linear(out1, x, rows, inDim, outDim1, w1, b1);
  linear(out2, x, rows, inDim, outDim2, w2, b2);
}

/** Whether two packed matrices can share one linear task: the same arena and the same format. */
function fusable(a: Matrix, b: Matrix): a is PackedMatrix {
  return a instanceof PackedMatrix && b instanceof PackedMatrix && a.arena === b.arena && a.format === b.format;
}

/** The JavaScript kernel: double-precision sums, four at a time. */
function linearJs(out: Float32Array, x: Float32Array, rows: number, inDim: number, outDim: number, w: Float32Array, b?: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const xo = r * inDim;
    const oo = r * outDim;
    for (let o = 0; o < outDim; o++) {
      const wo = o * inDim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i + 3 < inDim; i += 4) {
        s0 += x[xo + i]! * w[wo + i]!;
        s1 += x[xo + i + 1]! * w[wo + i + 1]!;
        s2 += x[xo + i + 2]! * w[wo + i + 2]!;
        s3 += x[xo + i + 3]! * w[wo + i + 3]!;
      }
      for (; i < inDim; i++) s0 += x[xo + i]! * w[wo + i]!;
      out[oo + o] = s0 + s1 + s2 + s3 + (b ? b[o]! : 0);
    }
  }
}
