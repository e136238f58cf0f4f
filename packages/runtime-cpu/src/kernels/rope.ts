// Rotary position embeddings, applied in place to [rows, heads * headDim] queries or keys.

/**
 * Rotates the first `rotDim` channels of each head by position-dependent angles: row r sits at
 * position `start + r`. `half` pairs channel i with i + rotDim/2 (rotate_half); `interleaved` pairs 2i with 2i + 1.
 */
export function rope(
  x: Float32Array,
  rows: number,
  heads: number,
  headDim: number,
  rotDim: number,
  start: number,
  theta: number,
  layout: 'half' | 'interleaved',
): void {
  const half = rotDim / 2;
  const inv = inverseFrequencies(rotDim, theta);
  for (let r = 0; r < rows; r++) {
    const pos = start + r;
    for (let i = 0; i < half; i++) {
      const angle = pos * inv[i]!;
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      for (let h = 0; h < heads; h++) {
        const base = r * heads * headDim + h * headDim;
        const a = layout === 'half' ? base + i : base + 2 * i;
        const b = layout === 'half' ? base + i + half : base + 2 * i + 1;
        const x0 = x[a]!;
        const x1 = x[b]!;
        x[a] = x0 * cos - x1 * sin;
        x[b] = x0 * sin + x1 * cos;
      }
    }
  }
}

/** Inverse frequencies by θ, then by rotary dimension. */
const FREQUENCIES = new Map<number, Map<number, Float64Array>>();

/** θ^(-2i/rotDim) for i < rotDim/2, computed once per (rotDim, θ): decoding calls rope every layer. */
function inverseFrequencies(rotDim: number, theta: number): Float64Array {
  let byDim = FREQUENCIES.get(theta);
  if (!byDim) FREQUENCIES.set(theta, (byDim = new Map()));
  let inv = byDim.get(rotDim);
  if (!inv) {
    inv = new Float64Array(rotDim / 2);
    for (let i = 0; i < rotDim / 2; i++) inv[i] = 1 / Math.pow(theta, (2 * i) / rotDim);
    byDim.set(rotDim, inv);
  }
  return inv;
}
