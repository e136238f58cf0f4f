// f32 → f16 conversion as WebGPU uploads it (the runtime's floatToHalf): the nearest binary16, ties to
// even, checked against a decoder written from the format's definition (sign, 5-bit exponent with bias
// 15, 10-bit fraction, subnormals below 2⁻¹⁴).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatToHalf as toFloat16Bits } from '@tdl/runtime';
import { toBf16Array, toFloat16Array } from '../src/f16.js';
import { fromFloat16Bits } from './support/f16.js';

const decode = fromFloat16Bits;

/** Every finite f16 value, ascending by magnitude (bits 0 … 0x7bff). */
const POSITIVE = Array.from({ length: 0x7c00 }, (_, b) => decode(b));

/** The correctly rounded f16 of x (nearest; ties to the even bit pattern; past the largest, Infinity). */
function reference(x: number): number {
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity;
  let lo = 0;
  let hi = POSITIVE.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (POSITIVE[mid]! <= a) lo = mid;
    else hi = mid;
  }
  const dl = a - POSITIVE[lo]!;
  const dh = POSITIVE[hi]! - a;
  const pick = dl < dh ? lo : dh < dl ? hi : lo % 2 === 0 ? lo : hi;
  const value = a >= POSITIVE[POSITIVE.length - 1]! ? POSITIVE[POSITIVE.length - 1]! : POSITIVE[pick]!;
  return x < 0 || Object.is(x, -0) ? -value : value;
}

describe('f16 conversion', () => {
  it('keeps every f16 value exactly', () => {
    for (let b = 0; b < 0x7c00; b++) {
      expect(toFloat16Bits(decode(b))).toBe(b);
      expect(toFloat16Bits(-decode(b))).toBe(b | 0x8000);
    }
  });

  it('rounds f32 values to the nearest f16, ties to even', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true, min: -70000, max: 70000 }), (x) => {
        expect(decode(toFloat16Bits(x))).toBe(reference(Math.fround(x)));
      }),
      { numRuns: 20000 },
    );
    // Halfway between 1 and the next f16 (1 + 2⁻¹⁰) goes to 1 (even); just above it goes up.
    expect(decode(toFloat16Bits(1 + 2 ** -11))).toBe(1);
    expect(decode(toFloat16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9);
    expect(decode(toFloat16Bits(Math.fround(1 + 2 ** -11 + 2 ** -20)))).toBe(1 + 2 ** -10);
  });

  it('handles infinities, NaN, zeros and the subnormal range', () => {
    expect(toFloat16Bits(Infinity)).toBe(0x7c00);
    expect(toFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(Number.isNaN(decode(toFloat16Bits(NaN)))).toBe(true);
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(decode(toFloat16Bits(2 ** -24))).toBe(2 ** -24);
    expect(decode(toFloat16Bits(2 ** -25))).toBe(0);
    expect(decode(toFloat16Bits(2 ** -25 * 1.5))).toBe(2 ** -24);
    expect(decode(toFloat16Bits(65504))).toBe(65504);
  });

  it('pads a tensor to whole 4-byte words', () => {
    expect(toFloat16Array(new Float32Array([1, 2, 3]))).toEqual(new Uint16Array([0x3c00, 0x4000, 0x4200, 0]));
    expect(toFloat16Array(new Float32Array([1, 2]))).toHaveLength(2);
    expect(toBf16Array(new Float32Array([1, -2, 0.5]))).toEqual(new Uint16Array([0x3f80, 0xc000, 0x3f00, 0]));
  });
});
