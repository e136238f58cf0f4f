// Writes safetensors: a JSON header padded to 8 bytes, then each tensor's little-endian data.
import { fromFloat32, type STDType } from './dtypes.js';

export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
  /** Storage type (default F32). */
  readonly dtype?: 'F32' | 'F16' | 'BF16';
}

/**
 * The file as a list of chunks (header, then one per tensor), so a caller can stream them to disk
 * without joining them in memory.
 */
export function encodeSafetensors(tensors: readonly TensorToWrite[], metadata: Readonly<Record<string, string>> = {}): Uint8Array[] {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header['__metadata__'] = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const dtype: STDType = t.dtype ?? 'F32';
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length) throw new TypeError(`tensor ${t.name}: shape [${t.shape.join(', ')}] holds ${expected} values, data has ${t.data.length}`);
    const bytes = fromFloat32(t.data, dtype as 'F32' | 'F16' | 'BF16');
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    offset += bytes.byteLength;
    chunks.push(bytes);
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - ((8 + json.byteLength) % 8)) % 8;
  const headerBytes = new Uint8Array(json.byteLength + pad).fill(0x20);
  headerBytes.set(json);
  const prefix = new Uint8Array(8 + headerBytes.byteLength);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  prefix.set(headerBytes, 8);
  return [prefix, ...chunks];
}

/** The whole file in one buffer (for small files and tests). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
