// Q8_0, ggml's 8-bit block format: 32 values a block, stored as an f16 scale d then 32 int8 q; value = q·d.
//
// Block layout (34 bytes): bytes 0–1 d (IEEE half, little-endian), bytes 2–33 q[0] … q[31] (two's complement).
// Quantizing follows ggml's reference quantize_row_q8_0 in f32 arithmetic: d = max|x| / 127, q = round(x / d)
// as x · (1/d), rounding half away from zero; d is stored rounded to the nearest half.
import { floatToHalf, halfToFloat } from '../safetensors/dtypes.js';

export const Q8_0_BLOCK = 32;
export const Q8_0_BYTES = 34;

const f = Math.fround;

/** Quantizes values (a whole number of 32-value blocks) into Q8_0 blocks. */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % Q8_0_BLOCK !== 0) throw new TypeError(`Q8_0 holds blocks of ${Q8_0_BLOCK} values; ${values.length} is not a multiple`);
  const blocks = values.length / Q8_0_BLOCK;
  const out = new Uint8Array(blocks * Q8_0_BYTES);
  const view = new DataView(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const at = b * Q8_0_BLOCK;
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(values[at + j]!));
    const d = f(amax / 127);
    const id = d ? f(1 / d) : 0;
    view.setUint16(b * Q8_0_BYTES, floatToHalf(d), true);
    for (let j = 0; j < Q8_0_BLOCK; j++) view.setInt8(b * Q8_0_BYTES + 2 + j, roundAway(f(values[at + j]! * id)));
  }
  return out;
}

/** C's roundf: to the nearest integer, halves away from zero. */
export function roundAway(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

/** The `count` values of Q8_0 blocks (count a multiple of 32), into `out` from index `at`. */
export function dequantizeQ8_0(bytes: Uint8Array, count: number, out: Float32Array = new Float32Array(count), at = 0): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < count / Q8_0_BLOCK; b++) {
    const d = halfToFloat(view.getUint16(b * Q8_0_BYTES, true));
    const o = at + b * Q8_0_BLOCK;
    for (let j = 0; j < Q8_0_BLOCK; j++) out[o + j] = view.getInt8(b * Q8_0_BYTES + 2 + j) * d;
  }
  return out;
}
