// The tables the WebGPU kernels read: frequencies split so f32 angles stay exact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ropeTurns, splitTurns } from '../../../src/codegen/webgpu/constants.js';
import { ropeFrequencies } from '../../../src/ir/rope-frequencies.js';

describe('split frequencies', () => {
  it('make p · hi exact in f32 for every position up to the maximum, and hi + lo the frequency in turns', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.integer({ min: 1, max: 1 << 16 }), (frequency, maxPosition) => {
        const [hi, lo] = splitTurns(frequency, maxPosition);
        expect(Math.fround(hi)).toBe(hi);
        expect(Math.fround(lo)).toBe(lo);
        for (const p of [1, 2, 3, maxPosition - 1, maxPosition, Math.floor(maxPosition / 3)].filter((q) => q >= 1 && q <= maxPosition)) {
          expect(Math.fround(p * hi)).toBe(p * hi);
        }
        const turns = frequency / (2 * Math.PI);
        // lo is the rest, rounded to f32: hi + lo is the frequency to well within f32's precision.
        expect(Math.abs(hi + lo - turns)).toBeLessThanOrEqual(turns * 2 ** -30);
      }),
    );
  });

  it('give the rotary angles of the formula 1 / θ^(2i / dim)', () => {
    const turns = ropeTurns(ropeFrequencies({ theta: 10000, dim: 8, scaling: { kind: 'none' } }, 0), 4095);
    expect(turns).toHaveLength(8);
    for (let i = 0; i < 4; i++) {
      const f = 1 / Math.pow(10000, (2 * i) / 8);
      expect(Math.abs((turns[2 * i]! + turns[2 * i + 1]!) * 2 * Math.PI - f)).toBeLessThanOrEqual(f * 2 ** -30);
    }
  });
});
