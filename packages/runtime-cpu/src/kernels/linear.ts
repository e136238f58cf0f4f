// Dense layers: out[r, o] = x[r, :] · w[o, :] + b[o], with w stored [out, in] as PyTorch does.
import { PackedMatrix } from '../arena.js';

/** A weight matrix as a kernel takes it: PyTorch's row-major floats, or packed in an arena. */
export type Matrix = Float32Array | PackedMatrix;

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
    w.arena.linear(out, x, rows, inDim, outDim, w, b);
    return;
  }
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
