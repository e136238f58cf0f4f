// Q4_0, ggml's 4-bit block format: 32 values a block, an f16 scale d then 16 bytes of nibbles; value = (q − 8)·d.
//
// Block layout (18 bytes): bytes 0–1 d (IEEE half, little-endian), then byte 2 + j holds value j in its low
// nibble and value j + 16 in its high nibble (j = 0 … 15). Quantizing follows ggml's reference
// quantize_row_q4_0 in f32 arithmetic: m is the value of largest magnitude (the first, on ties),
// d = m / −8, q = min(15, trunc(x · (1/d) + 8.5)); d is stored rounded to the nearest half.
import { floatToHalf, halfToFloat } from '../safetensors/dtypes.js';

export const Q4_0_BLOCK = 32;
export const Q4_0_BYTES = 18;

const f = Math.fround;

/** Quantizes values (a whole number of 32-value blocks) into Q4_0 blocks. */
export function quantizeQ4_0(values: Float32Array): Uint8Array {
  if (values.length % Q4_0_BLOCK !== 0) throw new TypeError(`Q4_0 holds blocks of ${Q4_0_BLOCK} values; ${values.length} is not a multiple`);
  const blocks = values.length / Q4_0_BLOCK;
  const out = new Uint8Array(blocks * Q4_0_BYTES);
  const view = new DataView(out.buffer);
  const code = (x: number, id: number) => Math.min(15, Math.trunc(f(f(x * id) + 8.5)));
  for (let b = 0; b < blocks; b++) {
    const at = b * Q4_0_BLOCK;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < Q4_0_BLOCK; j++) {
      const v = values[at + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = f(max / -8);
    const id = d ? f(1 / d) : 0;
    view.setUint16(b * Q4_0_BYTES, floatToHalf(d), true);
    for (let j = 0; j < Q4_0_BLOCK / 2; j++) {
      out[b * Q4_0_BYTES + 2 + j] = code(values[at + j]!, id) | (code(values[at + 16 + j]!, id) << 4);
    }
  }
  return out;
}

/** The `count` values of Q4_0 blocks (count a multiple of 32), into `out` from index `at`. */
export function dequantizeQ4_0(bytes: Uint8Array, count: number, out: Float32Array = new Float32Array(count), at = 0): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < count / Q4_0_BLOCK; b++) {
    const d = halfToFloat(view.getUint16(b * Q4_0_BYTES, true));
    const o = at + b * Q4_0_BLOCK;
    for (let j = 0; j < Q4_0_BLOCK / 2; j++) {
      const byte = bytes[b * Q4_0_BYTES + 2 + j]!;
      out[o + j] = ((byte & 15) - 8) * d;
      out[o + 16 + j] = ((byte >> 4) - 8) * d;
    }
  }
  return out;
}
