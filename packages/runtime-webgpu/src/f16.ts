// f32 → f16 (IEEE 754 binary16) conversion for uploading weights as f16, rounding to nearest, ties to even.

const f32 = new Float32Array(1);
const bits = new Uint32Array(f32.buffer);

/** The binary16 bits of the f16 nearest to `x` (overflow gives ±Infinity, NaN stays NaN). */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const b = bits[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exponent = (b >>> 23) & 0xff;
  const mantissa = b & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  // The value as an unbiased exponent e and a 24-bit significand m (1.mantissa), value = m · 2^(e - 23).
  const e = exponent - 127;
  if (e > 15) return sign | 0x7c00;
  if (e >= -14) {
    // Normal f16: keep 10 of the 23 mantissa bits.
    const rounded = roundShift((mantissa | 0x800000) >>> 0, 13);
    // Rounding may carry into the exponent (and up to Infinity), which the addition handles.
    return sign | (((e + 15) << 10) + (rounded - 0x400));
  }
  if (exponent === 0) return sign; // f32 subnormals are far below f16's smallest subnormal
  // Subnormal f16: value = m · 2^-24 with m < 1024.
  const shift = -e - 14 + 13;
  if (shift > 24) return sign;
  return sign | roundShift((mantissa | 0x800000) >>> 0, shift);
}

/** value >> shift, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = Math.floor(value / 2 ** shift);
  const rest = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && kept % 2 === 1) ? kept + 1 : kept;
}

/** A whole tensor as f16 bits, padded to a multiple of two values (buffers hold whole 4-byte words). */
export function toFloat16Array(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length + (data.length % 2));
  for (let i = 0; i < data.length; i++) out[i] = toFloat16Bits(data[i]!);
  return out;
}
