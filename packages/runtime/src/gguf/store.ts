// A GGUF file as a checkpoint's tensor store: its tensors under the names the file gives them, each
// decoded to f32 when read (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K), so a model file's checkpoint
// section in llama.cpp's names loads it like any safetensors file.
import type { ByteSource } from '../safetensors/read.js';
import type { StoredTensor, TensorStore } from '../checkpoint/store.js';
import { checkDecodable, readGgufHeader, readGgufTensorF32, type GgufHeader } from './read.js';

/** The header of the GGUF file `source` (checked whole) and its tensors as a store; refuses types tdl does not decode, by name. */
export async function openGgufStore(label: string, source: ByteSource): Promise<{ header: GgufHeader; store: TensorStore }> {
  const header = await readGgufHeader(source, label);
  checkDecodable(header, label);
  const tensors = new Map<string, StoredTensor>();
  for (const e of header.tensors.values()) {
    // The entry describes the tensor as it reads: f32 values in PyTorch's order of extents.
    const entry = { name: e.name, dtype: 'F32' as const, shape: e.shape, begin: e.begin, end: e.end };
    tensors.set(e.name, { entry, file: label, source, read: () => readGgufTensorF32(source, e, label) });
  }
  return { header, store: { label, tensors } };
}
