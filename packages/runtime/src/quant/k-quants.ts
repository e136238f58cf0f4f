// Dequantizing ggml's Q4_K and Q6_K "k-quant" formats: super-blocks of 256 values with per-group scales.
//
// Q4_K (144 bytes): d, dmin (f16 each), 12 bytes packing eight 6-bit scales sc[i] and mins m[i], then
// 128 bytes of nibbles. Values 64k … 64k+31 are the low nibbles of bytes 32k … 32k+31 and values
// 64k+32 … 64k+63 their high nibbles, with group i = 2k and 2k + 1; value = (d·sc[i])·q − dmin·m[i].
// Q6_K (210 bytes): ql[128] (low 4 bits), qh[64] (high 2 bits), sixteen int8 scales, d (f16). In each half
// of 128 values, value l + 32s (s = 0 … 3, l = 0 … 31) takes its low bits from ql[l + 32(s & 1)]'s
// low (s < 2) or high nibble, its high bits from bits 2s, 2s+1 of qh[l]; value = (d·scale)·(q − 32),
// with scale number l / 16 + 2s in the half. Both are computed in f32 in this order, as ggml does.
import { halfToFloat } from '../safetensors/dtypes.js';

export const K_BLOCK = 256;
export const Q4_K_BYTES = 144;
export const Q6_K_BYTES = 210;

const f = Math.fround;

/** Scale and min j (0 … 7) of a Q4_K block's 12 packed bytes at `s`. */
function scaleMin(q: Uint8Array, s: number, j: number): [number, number] {
  if (j < 4) return [q[s + j]! & 63, q[s + j + 4]! & 63];
  return [(q[s + j + 4]! & 15) | ((q[s + j - 4]! >> 6) << 4), (q[s + j + 4]! >> 4) | ((q[s + j]! >> 6) << 4)];
}

/** The `count` values (a multiple of 256) of Q4_K blocks, into `out` from index `at`. */
export function dequantizeQ4_K(bytes: Uint8Array, count: number, out = new Float32Array(count), at = 0): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < count / K_BLOCK; b++) {
    const base = b * Q4_K_BYTES;
    const d = halfToFloat(view.getUint16(base, true));
    const dmin = halfToFloat(view.getUint16(base + 2, true));
    for (let k = 0; k < 4; k++) {
      const qs = base + 16 + 32 * k;
      for (let half = 0; half < 2; half++) {
        const [sc, m] = scaleMin(bytes, base + 4, 2 * k + half);
        const scale = f(d * sc);
        const min = f(dmin * m);
        const o = at + b * K_BLOCK + 64 * k + 32 * half;
        for (let l = 0; l < 32; l++) {
          const q = half ? bytes[qs + l]! >> 4 : bytes[qs + l]! & 15;
          out[o + l] = f(scale * q) - min;
        }
      }
    }
  }
  return out;
}

/** The `count` values (a multiple of 256) of Q6_K blocks, into `out` from index `at`. */
export function dequantizeQ6_K(bytes: Uint8Array, count: number, out = new Float32Array(count), at = 0): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < count / K_BLOCK; b++) {
    const base = b * Q6_K_BYTES;
    const d = halfToFloat(view.getUint16(base + 208, true));
    for (let h = 0; h < 2; h++) {
      const ql = base + 64 * h;
      const qh = base + 128 + 32 * h;
      const sc = base + 192 + 8 * h;
      const o = at + b * K_BLOCK + 128 * h;
      for (let s = 0; s < 4; s++) {
        for (let l = 0; l < 32; l++) {
          const low = bytes[ql + l + 32 * (s & 1)]!;
          const nibble = s < 2 ? low & 15 : low >> 4;
          const q = (nibble | (((bytes[qh + l]! >> (2 * s)) & 3) << 4)) - 32;
          out[o + l + 32 * s] = f(d * view.getInt8(sc + (l >> 4) + 2 * s)) * q;
        }
      }
    }
  }
  return out;
}
