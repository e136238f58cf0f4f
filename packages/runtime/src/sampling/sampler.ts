// Samplers: turn a row of logits into the next token — greedy, temperature, top-k, top-p, min-p,
// with a repetition penalty — using a seeded RNG so runs repeat.
import { UsageError } from '../executor.js';
import { Rng } from './rng.js';

export interface SamplerOptions {
  /** 0 (the default) picks the most likely token; higher values flatten the distribution. */
  readonly temperature?: number;
  /** Keep only the k most likely tokens (0: off). */
  readonly topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1: off). */
  readonly topP?: number;
  /** Drop tokens less likely than minP times the most likely one (0: off). */
  readonly minP?: number;
  /** Divides positive logits (multiplies negative ones) of tokens already seen; 1 is off. */
  readonly repetitionPenalty?: number;
  readonly seed?: number;
}

export function validateSamplerOptions(o: SamplerOptions): void {
  const bad = (what: string) => {
    throw new UsageError(what);
  };
  if (o.temperature !== undefined && !(o.temperature >= 0 && Number.isFinite(o.temperature))) bad(`temperature must be 0 or more, got ${o.temperature}`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 0)) bad(`top-k must be a whole number, 0 or more, got ${o.topK}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) bad(`top-p must be in (0, 1], got ${o.topP}`);
  if (o.minP !== undefined && !(o.minP >= 0 && o.minP <= 1)) bad(`min-p must be in [0, 1], got ${o.minP}`);
  if (o.repetitionPenalty !== undefined && !(o.repetitionPenalty > 0 && Number.isFinite(o.repetitionPenalty))) {
    bad(`repetition penalty must be positive, got ${o.repetitionPenalty}`);
  }
}

export class Sampler {
  private readonly rng: Rng;

  constructor(private readonly options: SamplerOptions = {}) {
    validateSamplerOptions(options);
    this.rng = new Rng(options.seed ?? 0);
  }

  /** Picks the next token from `logits` [vocab]; `history` holds the ids seen so far (for the penalty). */
  sample(logits: Float32Array, history: ArrayLike<number> = []): number {
    const o = this.options;
    const scores = Float64Array.from(logits);
    const penalty = o.repetitionPenalty ?? 1;
    if (penalty !== 1) {
      const seen = new Set<number>();
      for (let i = 0; i < history.length; i++) seen.add(history[i]!);
      for (const id of seen) {
        if (id < 0 || id >= scores.length) continue;
        scores[id] = scores[id]! > 0 ? scores[id]! / penalty : scores[id]! * penalty;
      }
    }
    const temperature = o.temperature ?? 0;
    if (temperature === 0) return argmax(scores);

    // Candidates sorted by score, highest first (ties by lower id, so the order is deterministic).
    let ids = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
    if (o.topK && o.topK > 0 && o.topK < ids.length) ids = ids.slice(0, o.topK);
    const max = scores[ids[0]!]!;
    let probs = ids.map((id) => Math.exp((scores[id]! - max) / temperature));
    let total = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((p) => p / total);
    if (o.topP !== undefined && o.topP < 1) {
      let cumulative = 0;
      let keep = 0;
      while (keep < probs.length && cumulative < o.topP) cumulative += probs[keep++]!;
      ids = ids.slice(0, Math.max(1, keep));
      probs = probs.slice(0, ids.length);
    }
    if (o.minP && o.minP > 0) {
      const threshold = o.minP * probs[0]!;
      const keep = Math.max(1, probs.findIndex((p) => p < threshold) === -1 ? probs.length : probs.findIndex((p) => p < threshold));
      ids = ids.slice(0, keep);
      probs = probs.slice(0, keep);
    }
    total = probs.reduce((a, b) => a + b, 0);
    let r = this.rng.next() * total;
    for (let i = 0; i < ids.length; i++) {
      r -= probs[i]!;
      if (r < 0) return ids[i]!;
    }
    return ids[ids.length - 1]!;
  }
}

export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}
