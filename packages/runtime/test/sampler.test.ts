// Samplers: greedy picks the argmax; each filter keeps exactly the tokens it should; seeds repeat.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, Sampler, UsageError, argmax } from '../src/index.js';

const logits = (xs: number[]) => Float32Array.from(xs);

/** Empirical distribution of a sampler over many draws. */
function histogram(s: Sampler, l: Float32Array, draws: number, history: number[] = []): number[] {
  const counts = new Array<number>(l.length).fill(0);
  for (let i = 0; i < draws; i++) counts[s.sample(l, history)]!++;
  return counts.map((c) => c / draws);
}

describe('Sampler', () => {
  it('is greedy at temperature 0, whatever the seed', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, min: -50, max: 50 }), { minLength: 1, maxLength: 40 }), fc.nat(), (xs, seed) => {
        const l = logits(xs);
        expect(new Sampler({ seed }).sample(l)).toBe(argmax(l));
      }),
    );
  });

  it('follows the softmax at temperature 1', () => {
    const l = logits([0, Math.log(2), Math.log(5), -Infinity]);
    const h = histogram(new Sampler({ temperature: 1, seed: 1 }), l, 20000);
    expect(h[0]).toBeCloseTo(1 / 8, 1);
    expect(h[1]).toBeCloseTo(2 / 8, 1);
    expect(h[2]).toBeCloseTo(5 / 8, 1);
    expect(h[3]).toBe(0);
  });

  it('sharpens with low temperature and keeps only the top k', () => {
    const l = logits([1, 2, 3, 4]);
    expect(histogram(new Sampler({ temperature: 0.05, seed: 2 }), l, 500)[3]).toBe(1);
    const topK = histogram(new Sampler({ temperature: 1, topK: 2, seed: 3 }), l, 5000);
    expect(topK[0]).toBe(0);
    expect(topK[1]).toBe(0);
    expect(topK[2]! + topK[3]!).toBe(1);
    expect(topK[3]! / topK[2]!).toBeCloseTo(Math.E, 0);
  });

  it('keeps the smallest set reaching top-p, and drops tokens under min-p', () => {
    // Probabilities 0.5, 0.3, 0.15, 0.05.
    const l = logits([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    const p = histogram(new Sampler({ temperature: 1, topP: 0.75, seed: 4 }), l, 5000);
    expect(p[2]).toBe(0);
    expect(p[3]).toBe(0);
    expect(p[0]! / p[1]!).toBeCloseTo(0.5 / 0.3, 0);
    const m = histogram(new Sampler({ temperature: 1, minP: 0.2, seed: 5 }), l, 5000);
    expect(m[3]).toBe(0);
    expect(m[2]).toBeGreaterThan(0);
  });

  it('penalises repeated tokens as Hugging Face does (divide positive, multiply negative)', () => {
    const l = logits([2, 1.5, -1, -0.5]);
    const s = new Sampler({ repetitionPenalty: 2 });
    expect(s.sample(l)).toBe(0);
    expect(s.sample(l, [0])).toBe(1); // 2 / 2 = 1 < 1.5
    expect(s.sample(logits([-1, -1.5]), [0])).toBe(1); // -1 * 2 = -2 < -1.5
  });

  it('repeats a run with the same seed and differs with another', () => {
    const l = logits(Array.from({ length: 50 }, (_, i) => Math.sin(i)));
    const draw = (seed: number) => {
      const s = new Sampler({ temperature: 1.5, seed });
      return Array.from({ length: 30 }, () => s.sample(l));
    };
    expect(draw(9)).toEqual(draw(9));
    expect(draw(9)).not.toEqual(draw(10));
  });

  it('refuses out-of-range options with a message', () => {
    expect(() => new Sampler({ topP: 0 })).toThrow(UsageError);
    expect(() => new Sampler({ temperature: -1 })).toThrow(/temperature must be 0 or more/);
    expect(() => new Sampler({ topK: 1.5 })).toThrow(/top-k/);
    expect(() => new Sampler({ minP: 2 })).toThrow(/min-p/);
    expect(() => new Sampler({ repetitionPenalty: 0 })).toThrow(/repetition penalty/);
  });
});

describe('Rng', () => {
  it('gives uniform floats in [0, 1) and normals with mean 0 and variance 1', () => {
    const r = new Rng(123);
    let sum = 0;
    let sq = 0;
    const n = 50000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(sq / n).toBeCloseTo(1, 1);
  });
});
