// Rotary inverse frequencies with RoPE scaling, in double precision, following the definitions of
// Hugging Face transformers' modeling_rope_utils.py (linear, dynamic NTK, llama3, YaRN, LongRoPE).
import type { Rope, RopeScaling } from './nodes.js';

/** True when the frequencies depend on the sequence length (dynamic NTK, LongRoPE's short/long switch). */
export function ropeVaries(scaling: RopeScaling): boolean {
  return scaling.kind === 'dynamic' || scaling.kind === 'longrope';
}

/** What cos and sin are multiplied by: YaRN's and LongRoPE's attention factor, 1 otherwise. */
export function ropeAttentionFactor(scaling: RopeScaling): number {
  switch (scaling.kind) {
    case 'yarn':
    case 'longrope':
      return scaling.attention;
    case 'none':
    case 'linear':
    case 'dynamic':
    case 'llama3':
      return 1;
  }
}

/** θ^(-2i/dim) for i < dim/2: the unscaled frequencies. */
function plain(theta: number, dim: number): number[] {
  return Array.from({ length: dim / 2 }, (_, i) => 1 / Math.pow(theta, (2 * i) / dim));
}

/**
 * The dim/2 inverse frequencies (radians per position) of rotary pair i, for a forward pass whose last
 * position is `seqLen - 1` (past + new tokens); only dynamic NTK and LongRoPE read `seqLen`.
 */
export function ropeFrequencies(rope: Pick<Rope, 'theta' | 'dim' | 'scaling'>, seqLen: number): number[] {
  const { theta, dim, scaling: s } = rope;
  switch (s.kind) {
    case 'none':
      return plain(theta, dim);
    case 'linear':
      return plain(theta, dim).map((f) => f / s.factor);
    case 'dynamic': {
      // The base grows with the length once it passes the pretrained context: NTK-aware interpolation.
      const len = Math.max(seqLen, s.original);
      const base = theta * Math.pow((s.factor * len) / s.original - (s.factor - 1), dim / (dim - 2));
      return plain(base, dim);
    }
    case 'llama3': {
      const low = s.original / s.lowFreqFactor;
      const high = s.original / s.highFreqFactor;
      return plain(theta, dim).map((f) => {
        const wavelength = (2 * Math.PI) / f;
        if (wavelength < high) return f;
        if (wavelength > low) return f / s.factor;
        const smooth = (s.original / wavelength - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
        return (1 - smooth) * (f / s.factor) + smooth * f;
      });
    }
    case 'yarn': {
      // Pairs rotating fewer than betaSlow times over the pretrained context are interpolated
      // (divided by factor), those rotating more than betaFast times kept, a linear ramp between.
      const correction = (rotations: number) => (dim * Math.log(s.original / (rotations * 2 * Math.PI))) / (2 * Math.log(theta));
      let low = correction(s.betaFast);
      let high = correction(s.betaSlow);
      if (s.truncate) [low, high] = [Math.floor(low), Math.ceil(high)];
      low = Math.max(low, 0);
      high = Math.min(high, dim - 1);
      if (low === high) high += 0.001;
      return plain(theta, dim).map((f, i) => {
        const ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
        const keep = 1 - ramp;
        return (f / s.factor) * (1 - keep) + f * keep;
      });
    }
    case 'longrope': {
      const factors = seqLen > s.original ? s.long : s.short;
      return plain(theta, dim).map((f, i) => f / factors[i]!);
    }
  }
}
