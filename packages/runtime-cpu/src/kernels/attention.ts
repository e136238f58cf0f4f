// Attention over cached keys and values, with causal, sliding-window or no mask, ALiBi and soft-capping.
import { arenaOf } from '../arena.js';

export interface AttentionConfig {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** 0: none (every key), 1: causal, 2: sliding window (causal, `window` most recent keys). */
  readonly mask: 0 | 1 | 2;
  readonly window: number;
  readonly scale: number;
  /** Soft-caps scores when > 0. */
  readonly softcap: number;
  /** Per-head ALiBi slopes, when the model uses ALiBi. */
  readonly slopes?: Float32Array;
}

/**
 * out [rows, heads * headDim]: query row r sits at position `start + r` and attends to keys
 * 0 … keyCount - 1 of `keys` / `values` [keyCount, kvHeads * headDim] (as the mask allows).
 * With `out` in an arena it runs the arena's WebAssembly kernel (not for soft-capping, or head widths
 * that are not a multiple of 4); otherwise here, in double precision.
 */
export function attend(
  out: Float32Array,
  q: Float32Array,
  rows: number,
  start: number,
  keys: Float32Array,
  values: Float32Array,
  keyCount: number,
  cfg: AttentionConfig,
  scores: Float32Array = new Float32Array(keyCount),
): void {
  const { heads, kvHeads, headDim, mask, window, scale, softcap, slopes } = cfg;
  const arena = arenaOf(out);
  if (arena && softcap === 0 && headDim % 4 === 0) {
    arena.attention(out, q, rows, start, keys, values, keyCount, heads, kvHeads, headDim, mask, window, scale, slopes);
    return;
  }
  const group = heads / kvHeads;
  const qWidth = heads * headDim;
  const kvWidth = kvHeads * headDim;
  for (let r = 0; r < rows; r++) {
    const pos = start + r;
    const last = mask === 0 ? keyCount - 1 : Math.min(pos, keyCount - 1);
    const first = mask === 2 ? Math.max(0, pos - window + 1) : 0;
    for (let h = 0; h < heads; h++) {
      const qo = r * qWidth + h * headDim;
      const ko = Math.floor(h / group) * headDim;
      let max = -Infinity;
      for (let j = first; j <= last; j++) {
        let s = 0;
        const kj = j * kvWidth + ko;
        for (let i = 0; i < headDim; i++) s += q[qo + i]! * keys[kj + i]!;
        s *= scale;
        if (softcap > 0) s = softcap * Math.tanh(s / softcap);
        if (slopes) s += slopes[h]! * (j - pos);
        scores[j] = s;
        if (s > max) max = s;
      }
      let total = 0;
      for (let j = first; j <= last; j++) {
        const e = Math.exp(scores[j]! - max);
        scores[j] = e;
        total += e;
      }
      const oo = r * qWidth + h * headDim;
      for (let i = 0; i < headDim; i++) out[oo + i] = 0;
      for (let j = first; j <= last; j++) {
        const p = scores[j]! / total;
        const vj = j * kvWidth + ko;
        for (let i = 0; i < headDim; i++) out[oo + i]! += p * values[vj + i]!;
      }
    }
  }
}

/**
 * ALiBi slopes for `heads` heads (Press et al. 2022; BLOOM's layout for head counts not a power of two).
 * The compiler declares them too (codegen/schedule/alibi.ts), for the renderers it cannot share this with;
 * packages/cli/test/alibi-slopes.test.ts holds the two equal.
 */
export function alibiSlopes(heads: number): Float32Array {
  const closest = 2 ** Math.floor(Math.log2(heads));
  const base = 2 ** (-(2 ** -(Math.log2(closest) - 3)));
  const out = new Float32Array(heads);
  for (let i = 0; i < closest; i++) out[i] = base ** (i + 1);
  if (closest < heads) {
    const extraBase = 2 ** (-(2 ** -(Math.log2(2 * closest) - 3)));
    for (let i = 0; i < heads - closest; i++) out[closest + i] = extraBase ** (2 * i + 1);
  }
  return out;
}
