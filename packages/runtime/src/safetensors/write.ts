// Writes safetensors: a JSON header padded to 8 bytes, then each tensor's little-endian data.
import { DTYPE_BYTES, fromFloat32 } from './dtypes.js';

export type WriteDType = 'F32' | 'F16' | 'BF16';

export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
  /** Storage type (default F32). */
  readonly dtype?: WriteDType;
}

/** A tensor whose data is made only when its turn to be written comes. */
export interface LazyTensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  data(): Float32Array;
  readonly dtype?: WriteDType;
}

/**
 * The file as chunks (header, then one per tensor), made one at a time: a caller streaming them to
 * disk holds one tensor's bytes at a time. The header comes from the shapes alone.
 */
export function* safetensorsChunks(tensors: readonly LazyTensorToWrite[], metadata: Readonly<Record<string, string>> = {}): Generator<Uint8Array> {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    const dtype = t.dtype ?? 'F32';
    const bytes = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (Object.prototype.hasOwnProperty.call(header, t.name)) throw new TypeError(`tensor ${t.name} is written twice`);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - ((8 + json.byteLength) % 8)) % 8;
  const prefix = new Uint8Array(8 + json.byteLength + pad).fill(0x20);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(json.byteLength + pad), true);
  prefix.set(json, 8);
  yield prefix;
  for (const t of tensors) {
    const data = t.data();
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== data.length) throw new TypeError(`tensor ${t.name}: shape [${t.shape.join(', ')}] holds ${expected} values, data has ${data.length}`);
    yield fromFloat32(data, t.dtype ?? 'F32');
  }
}

/** The file as a list of chunks (header, then one per tensor). */
export function encodeSafetensors(tensors: readonly TensorToWrite[], metadata: Readonly<Record<string, string>> = {}): Uint8Array[] {
  return [...safetensorsChunks(tensors.map((t) => ({ ...t, data: () => t.data })), metadata)];
}

/** The whole file in one buffer (for small files and tests). */
export function concatChunks(chunks: Iterable<Uint8Array>): Uint8Array {
  const list = [...chunks];
  const out = new Uint8Array(list.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of list) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
