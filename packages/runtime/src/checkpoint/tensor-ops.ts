// Layout operations on row-major float32 tensors: the transforms of checkpoint plans and their inverses.

export interface Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const product = (shape: readonly number[], from: number, to: number): number => numel(shape.slice(from, to));

/** Swaps axes `a` and `b`. */
export function transpose(t: Tensor, a: number, b: number): Tensor {
  if (a === b) return t;
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const shape = [...t.shape];
  [shape[lo], shape[hi]] = [shape[hi]!, shape[lo]!];
  // View the input as [outer, A, mid, B, inner] and write [outer, B, mid, A, inner].
  const outer = product(t.shape, 0, lo);
  const A = t.shape[lo]!;
  const mid = product(t.shape, lo + 1, hi);
  const B = t.shape[hi]!;
  const inner = product(t.shape, hi + 1, t.shape.length);
  const out = new Float32Array(t.data.length);
  const src = t.data;
  let o = 0;
  for (let p = 0; p < outer; p++) {
    for (let j = 0; j < B; j++) {
      for (let m = 0; m < mid; m++) {
        for (let i = 0; i < A; i++) {
          const from = (((p * A + i) * mid + m) * B + j) * inner;
          if (inner === 1) out[o++] = src[from]!;
          else {
            out.set(src.subarray(from, from + inner), o);
            o += inner;
          }
        }
      }
    }
  }
  return { data: out, shape };
}

/**
 * Splits along `axis` into parts of `sizes`. With `groups` > 1 the axis is `groups` equal blocks and
 * part j takes `sizes[j] / groups` entries from each block, in order.
 */
export function split(t: Tensor, axis: number, sizes: readonly number[], groups: number): Tensor[] {
  const outer = product(t.shape, 0, axis);
  const inner = product(t.shape, axis + 1, t.shape.length);
  const block = t.shape[axis]! / groups;
  let offset = 0;
  return sizes.map((size) => {
    const rows = size / groups;
    const shape = t.shape.map((d, k) => (k === axis ? size : d));
    const data = new Float32Array(numel(shape));
    let o = 0;
    for (let p = 0; p < outer; p++) {
      for (let g = 0; g < groups; g++) {
        const from = ((p * groups + g) * block + offset) * inner;
        data.set(t.data.subarray(from, from + rows * inner), o);
        o += rows * inner;
      }
    }
    offset += rows;
    return { data, shape };
  });
}

/** Joins parts along `axis`: the inverse of `split` with the parts' sizes and the same groups. */
export function concat(parts: readonly Tensor[], axis: number, groups: number): Tensor {
  const first = parts[0]!;
  const total = parts.reduce((n, p) => n + p.shape[axis]!, 0);
  const shape = first.shape.map((d, k) => (k === axis ? total : d));
  const outer = product(first.shape, 0, axis);
  const inner = product(first.shape, axis + 1, first.shape.length);
  const data = new Float32Array(numel(shape));
  let o = 0;
  for (let p = 0; p < outer; p++) {
    for (let g = 0; g < groups; g++) {
      for (const part of parts) {
        const rows = part.shape[axis]! / groups;
        const from = (p * groups + g) * rows * inner;
        data.set(part.data.subarray(from, from + rows * inner), o);
        o += rows * inner;
      }
    }
  }
  return { data, shape };
}

/**
 * Reorders the rows (axis 0) of each of `heads` heads between rotary layouts: `half` puts the pairs'
 * first members in the head's first half (rotate_half), `interleaved` puts pairs side by side.
 */
export function ropePermute(t: Tensor, heads: number, to: 'half' | 'interleaved'): Tensor {
  const rows = t.shape[0]!;
  const width = product(t.shape, 1, t.shape.length);
  const headDim = rows / heads;
  const half = headDim / 2;
  const out = new Float32Array(t.data.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let k = 0; k < 2; k++) {
        const interleaved = h * headDim + 2 * i + k;
        const halves = h * headDim + k * half + i;
        const [dst, src] = to === 'half' ? [halves, interleaved] : [interleaved, halves];
        out.set(t.data.subarray(src * width, (src + 1) * width), dst * width);
      }
    }
  }
  return { data: out, shape: t.shape };
}
