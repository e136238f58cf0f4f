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
  rotate(x, rows, heads, headDim, rotDim, start, inverseFrequencies(rotDim, theta), 1, layout);
}

/**
 * Frequencies of a rotary embedding with RoPE scaling, as the compiler works them out (transformers'
 * definitions): `inv` holds rad/position of each pair; LongRoPE switches to `long` once past + new
 * tokens exceed `original`; dynamic NTK (`ntk`) grows the base with the length beyond `original`.
 */
export interface RopeTable {
  readonly inv: Float64Array;
  readonly long?: Float64Array;
  readonly original?: number;
  readonly ntk?: { readonly theta: number; readonly factor: number };
  /** Multiplies cos and sin (YaRN's and LongRoPE's attention factor). */
  readonly attention: number;
}

/** `rope` with scaled frequencies: the rows are the newest of a sequence of start + rows tokens. */
export function ropeScaled(
  x: Float32Array,
  rows: number,
  heads: number,
  headDim: number,
  rotDim: number,
  start: number,
  table: RopeTable,
  layout: 'half' | 'interleaved',
): void {
  rotate(x, rows, heads, headDim, rotDim, start, scaledFrequencies(table, rotDim, start + rows), table.attention, layout);
}

/** The frequencies for a forward pass over a sequence of `length` tokens (cache included). */
export function scaledFrequencies(table: RopeTable, rotDim: number, length: number): Float64Array {
  const original = table.original ?? Infinity;
  if (table.long && length > original) return table.long;
  if (!table.ntk || length <= original) return table.inv;
  // Dynamic NTK: base · (factor · length / original − (factor − 1))^(dim / (dim − 2)).
  const { theta, factor } = table.ntk;
  const base = theta * Math.pow((factor * length) / original - (factor - 1), rotDim / (rotDim - 2));
  const inv = new Float64Array(rotDim / 2); // not cached: the base changes with every length
  for (let i = 0; i < rotDim / 2; i++) inv[i] = 1 / Math.pow(base, (2 * i) / rotDim);
  return inv;
}

/** Turns pairs of channels by (start + r) · inv[i], scaling cos and sin by `attention`. */
function rotate(
  x: Float32Array,
  rows: number,
  heads: number,
  headDim: number,
  rotDim: number,
  start: number,
  inv: Float64Array,
  attention: number,
  layout: 'half' | 'interleaved',
): void {
  const half = rotDim / 2;
  for (let r = 0; r < rows; r++) {
    const pos = start + r;
    for (let i = 0; i < half; i++) {
      const angle = pos * inv[i]!;
      const cos = Math.cos(angle) * attention;
      const sin = Math.sin(angle) * attention;
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
