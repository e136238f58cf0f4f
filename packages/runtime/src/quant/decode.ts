// Decodes a tensor of any ggml type tdl reads (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K) into f32 values.
import { toFloat32 } from '../safetensors/dtypes.js';
import { dequantizeQ6_K, dequantizeQ4_K } from './k-quants.js';
import { dequantizeQ4_0 } from './q4_0.js';
import { dequantizeQ8_0 } from './q8_0.js';
import { ggmlType, typeBytes, type GgmlTypeName } from './types.js';

/** The `count` values stored as `type` in `bytes` (exactly their size), as f32. */
export function decodeGgml(type: GgmlTypeName, bytes: Uint8Array, count: number): Float32Array {
  const need = typeBytes(ggmlType(type), count);
  if (need === undefined || need !== bytes.byteLength) {
    throw new TypeError(`${count} values of ${type} are not ${bytes.byteLength} bytes`);
  }
  switch (type) {
    case 'F32':
    case 'F16':
    case 'BF16':
      return toFloat32(bytes, type, count);
    case 'Q8_0':
      return dequantizeQ8_0(bytes, count);
    case 'Q4_0':
      return dequantizeQ4_0(bytes, count);
    case 'Q4_K':
      return dequantizeQ4_K(bytes, count);
    case 'Q6_K':
      return dequantizeQ6_K(bytes, count);
    default: {
      const never: never = type;
      throw new Error(`internal error: no decoder for ${String(never)}`);
    }
  }
}
