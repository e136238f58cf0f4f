// Weights and memories from safetensors files, validated against the model before anything is allocated.
import { readHeader, readTensorF32, UsageError, validateWeights, type ParamSpec } from '@tdl/runtime';
import { openFileSource } from './io.js';

/** Loads a checkpoint whose tensor names are the model's parameter paths. */
export async function loadWeights(path: string, params: readonly ParamSpec[]): Promise<Map<string, Float32Array>> {
  const src = openFileSource(path);
  try {
    const header = await readHeader(src, path);
    validateWeights(params, header.tensors, path);
    const out = new Map<string, Float32Array>();
    for (const p of params) out.set(p.name, await readTensorF32(src, header.tensors.get(p.name)!));
    return out;
  } finally {
    src.close();
  }
}

/** Reads the memory for cross-attention: a file holding one [S, width] tensor named `memory`. */
export async function loadMemory(path: string, width: number): Promise<{ data: Float32Array; length: number }> {
  const src = openFileSource(path);
  try {
    const header = await readHeader(src, path);
    const entry = header.tensors.get('memory');
    if (!entry) {
      const names = [...header.tensors.keys()];
      throw new UsageError(`${path} has no tensor named 'memory' (it has ${names.length ? names.join(', ') : 'none'})`);
    }
    if (entry.shape.length !== 2 || entry.shape[1] !== width) {
      throw new UsageError(`${path}: 'memory' must be [S, ${width}], found [${entry.shape.join(', ')}]`);
    }
    return { data: await readTensorF32(src, entry), length: entry.shape[0]! };
  } finally {
    src.close();
  }
}
