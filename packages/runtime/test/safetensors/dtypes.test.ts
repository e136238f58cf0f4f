// f16 and bf16 decoding: the fast (aligned) paths agree with the element-by-element ones, and
// encoding rounds to nearest even as PyTorch's .half() and .bfloat16() do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bf16ToFloat, floatToBf16, floatToHalf, fromFloat32, halfToFloat, toFloat32 } from '../../src/index.js';

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('16-bit floats', () => {
  it('every half decodes the same through the table and the formula, aligned or not', () => {
    const aligned = new Uint8Array(65536 * 2);
    const dv = new DataView(aligned.buffer);
    for (let h = 0; h < 65536; h++) dv.setUint16(2 * h, h, true);
    const fast = toFloat32(aligned, 'F16', 65536);
    const unalignedBuffer = new Uint8Array(65536 * 2 + 1);
    unalignedBuffer.set(aligned, 1);
    const slow = toFloat32(unalignedBuffer.subarray(1), 'F16', 65536);
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const want = Math.fround(halfToFloat(h));
      if (!same(fast[h]!, want) || !same(slow[h]!, fast[h]!)) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it('every bf16 decodes the same aligned and unaligned', () => {
    const aligned = new Uint8Array(65536 * 2);
    const dv = new DataView(aligned.buffer);
    for (let h = 0; h < 65536; h++) dv.setUint16(2 * h, h, true);
    const fast = toFloat32(aligned, 'BF16', 65536);
    const shifted = new Uint8Array(65536 * 2 + 1);
    shifted.set(aligned, 1);
    const slow = toFloat32(shifted.subarray(1), 'BF16', 65536);
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) if (!same(fast[h]!, slow[h]!) || !same(fast[h]!, bf16ToFloat(h))) wrong.push(h);
    expect(wrong).toEqual([]);
  });

  it('encode then decode is the nearest representable value (ties to even)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -60000, max: 60000 }), (x) => {
        const h = halfToFloat(floatToHalf(x));
        // No half lies strictly closer to x than the one chosen.
        for (const d of [-1, 1]) {
          const other = halfToFloat(floatToHalf(x) + d);
          if (Number.isFinite(other) && Math.sign(other) === Math.sign(h)) expect(Math.abs(other - x)).toBeGreaterThanOrEqual(Math.abs(h - x));
        }
        const b = bf16ToFloat(floatToBf16(x));
        expect(Math.abs(b - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -8 + 1e-40);
      }),
      { numRuns: 2000 },
    );
  });

  it('F32 encoding round-trips bit for bit', () => {
    const values = Float32Array.of(0, -0, 1.5, -3.25e-30, 3.4e38, Number.POSITIVE_INFINITY);
    const bytes = fromFloat32(values, 'F32').slice();
    expect(Array.from(toFloat32(bytes, 'F32', values.length))).toEqual(Array.from(values));
  });
});
