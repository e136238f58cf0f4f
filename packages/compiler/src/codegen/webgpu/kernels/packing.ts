// How a kernel's template reads a weight array of a given storage type (the weight-load partial).
import type { WeightFormat } from '@tdl/runtime/contract';

/** Template flags: `packed` for two 16-bit values to a u32 word, `bf16` for which 16-bit format. */
export function packing(type: WeightFormat): { packed: boolean; bf16: boolean } {
  return { packed: type !== 'f32', bf16: type === 'bf16' };
}
