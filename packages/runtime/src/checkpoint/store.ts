// The tensors of a checkpoint: one safetensors file, or the shards a model.safetensors.index.json lists.
import { UsageError } from '../executor.js';
import { readHeader, readTensorF32, type ByteSource, type TensorEntry } from '../safetensors/read.js';

export interface StoredTensor {
  readonly entry: TensorEntry;
  /** The file that holds it, for messages. */
  readonly file: string;
  readonly source: ByteSource;
  /** For a file in another format (GGUF): reads it decoded to f32, `entry` then describing the result. */
  readonly read?: () => Promise<Float32Array>;
}

/** A stored tensor's values as f32. */
export function readStored(s: StoredTensor): Promise<Float32Array> {
  return s.read ? s.read() : readTensorF32(s.source, s.entry);
}

export interface TensorStore {
  /** What was opened (a file, or an index), for messages. */
  readonly label: string;
  readonly tensors: ReadonlyMap<string, StoredTensor>;
}

export interface StoreFile {
  readonly name: string;
  readonly source: ByteSource;
}

/** A sharded checkpoint's index: which shard holds each tensor. */
export interface ShardIndex {
  /** Shard file names, relative to the index's folder, in first-mention order. */
  readonly shards: readonly string[];
  readonly weightMap: ReadonlyMap<string, string>;
}

/** Reads `model.safetensors.index.json`: `{ "metadata": …, "weight_map": { tensor: shard file } }`. */
export function parseShardIndex(text: string, file: string): ShardIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not valid JSON (a sharded checkpoint's index is a JSON object with a "weight_map")`);
  }
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new UsageError(`${file}: no "weight_map" object mapping tensor names to shard files`);
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [tensor, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard === '' || shard.startsWith('/') || shard.split(/[\\/]/).includes('..')) {
      throw new UsageError(`${file}: tensor '${tensor}' maps to ${JSON.stringify(shard)}, not a shard file beside the index`);
    }
    weightMap.set(tensor, shard);
    if (!shards.includes(shard)) shards.push(shard);
  }
  if (!shards.length) throw new UsageError(`${file}: the weight_map lists no tensors`);
  return { shards, weightMap };
}

/** Reads every file's header (nothing else) and checks the shards against their index. */
export async function openStore(label: string, files: readonly StoreFile[], index?: ShardIndex): Promise<TensorStore> {
  const tensors = new Map<string, StoredTensor>();
  for (const f of files) {
    const header = await readHeader(f.source, f.name);
    for (const [name, entry] of header.tensors) {
      const prev = tensors.get(name);
      if (prev) throw new UsageError(`${label}: tensor '${name}' is in both ${prev.file} and ${f.name}`);
      tensors.set(name, { entry, file: f.name, source: f.source });
    }
  }
  if (index) {
    for (const [name, shard] of index.weightMap) {
      const found = tensors.get(name);
      if (!found) throw new UsageError(`${label}: the index puts '${name}' in ${shard}, but no shard holds it`);
      if (found.file !== shard && !found.file.endsWith(`/${shard}`) && !found.file.endsWith(`\\${shard}`)) throw new UsageError(`${label}: the index puts '${name}' in ${shard}, but it is in ${found.file}`);
    }
  }
  return { label, tensors };
}
