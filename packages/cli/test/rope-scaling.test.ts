// Dynamic NTK's frequencies are computed on either side of the dependency line: by the compiler
// (ir/rope-frequencies.ts, for the tables of every other scaling and for the docs' formulas) and by
// runtime-cpu's kernel at run time, from the length. Only the CLI's tests see both: they agree, and the
// kernel picks LongRoPE's table by the same rule.
import { describe, expect, it } from 'vitest';
import { ropeFrequencies } from '@tdl/compiler';
import { scaledFrequencies } from '@tdl/runtime-cpu';

describe('RoPE scaling on both sides', () => {
  it('dynamic NTK: the same frequencies for every length, below and beyond the pretrained context', () => {
    for (const dim of [8, 64, 128]) {
      const rope = { theta: 10000, dim, scaling: { kind: 'dynamic', factor: 4, original: 32 } } as const;
      const table = { inv: Float64Array.from(ropeFrequencies(rope, 0)), original: 32, ntk: { theta: 10000, factor: 4 }, attention: 1 };
      for (const length of [1, 31, 32, 33, 100, 4096]) {
        const want = ropeFrequencies(rope, length);
        const got = scaledFrequencies(table, dim, length);
        want.forEach((f, i) => expect(Math.abs(got[i]! - f), `dim ${dim}, length ${length}, pair ${i}`).toBeLessThanOrEqual(f * 1e-14));
      }
    }
  });

  it('LongRoPE: the short factors up to the pretrained context, the long ones past it', () => {
    const rope = { theta: 10000, dim: 4, scaling: { kind: 'longrope', original: 8, short: [1, 2], long: [3, 4], attention: 1.2 } } as const;
    const table = { inv: Float64Array.from(ropeFrequencies(rope, 0)), long: Float64Array.from(ropeFrequencies(rope, 9)), original: 8, attention: 1.2 };
    for (const length of [1, 8, 9, 20]) expect(Array.from(scaledFrequencies(table, 4, length))).toEqual(ropeFrequencies(rope, length));
  });
});
