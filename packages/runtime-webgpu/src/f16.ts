// Weights as 16-bit codes for upload, two to a 32-bit word: f16 or bf16, rounded to nearest, ties to
// even, by the runtime's safetensors encoders.
import { floatToBf16, floatToHalf } from '@tdl/runtime';

/** A whole tensor as f16 bits, padded to a multiple of two values (buffers hold whole 4-byte words). */
export function toFloat16Array(data: Float32Array): Uint16Array {
  return codes(data, floatToHalf);
}

/** A whole tensor as bf16 bits, padded the same way. */
export function toBf16Array(data: Float32Array): Uint16Array {
  return codes(data, floatToBf16);
}

function codes(data: Float32Array, encode: (x: number) => number): Uint16Array {
  const out = new Uint16Array(data.length + (data.length % 2));
  for (let i = 0; i < data.length; i++) out[i] = encode(data[i]!);
  return out;
}
