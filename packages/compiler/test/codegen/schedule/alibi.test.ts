// ALiBi's slopes, declared once in the schedule (the WebGPU and ONNX renderers read them from attention steps).
import { describe, expect, it } from 'vitest';
import { alibiSlopes } from '../../../src/codegen/schedule/alibi.js';

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
