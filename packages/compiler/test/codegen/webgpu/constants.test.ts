// The tables the WebGPU kernels read: frequencies split so f32 angles stay exact, and ALiBi slopes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alibiSlopes, ropeTurns, splitTurns } from '../../../src/codegen/webgpu/constants.js';

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
    const turns = ropeTurns(10000, 8, 4095);
    expect(turns).toHaveLength(8);
    for (let i = 0; i < 4; i++) {
      const f = 1 / Math.pow(10000, (2 * i) / 8);
      expect(Math.abs((turns[2 * i]! + turns[2 * i + 1]!) * 2 * Math.PI - f)).toBeLessThanOrEqual(f * 2 ** -30);
    }
  });
});

describe('ALiBi slopes', () => {
  it('are 2^-8i/n for n a power of two (Press et al. 2022)', () => {
    expect(alibiSlopes(8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => 2 ** -i));
    expect(alibiSlopes(4)).toEqual([1, 2, 3, 4].map((i) => 2 ** (-2 * i)));
    expect(alibiSlopes(1)).toEqual([2 ** -8]);
  });

  it('take every other slope of the next power of two for the heads beyond the largest power (BLOOM)', () => {
    // 12 heads: the 8 slopes of n = 8, then slopes 1, 3, 5, 7 of n = 16, which are 2^-0.5k.
    expect(alibiSlopes(12)).toEqual([...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => 2 ** -i), ...[0.5, 1.5, 2.5, 3.5].map((e) => Math.fround(2 ** -e))]);
  });
});
