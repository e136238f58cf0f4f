// Writes GGUF files (version 3, little-endian): header, metadata, tensor infos, then aligned tensor data.
import { ggmlType, typeBytes, type GgmlTypeName } from '../quant/types.js';
import { DEFAULT_ALIGNMENT, GGUF_MAGIC } from './read.js';
import { fixedSize, VALUE_TYPES, type GgufArray, type GgufValue, type GgufValueType } from './values.js';

export interface GgufTensorToWrite {
  readonly name: string;
  readonly type: GgmlTypeName;
  /** Extents outermost first (PyTorch's order); the file stores them reversed. */
  readonly shape: readonly number[];
  /** The tensor's bytes as stored (blocks, for quantized types); made when its turn comes. */
  data(): Uint8Array;
}

/** Grows a byte buffer as values are appended. */
class Bytes {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  // (room() may replace buf and view, so it is called before they are read)
  u32(v: number): void {
    const at = this.room(4);
    this.view.setUint32(at, v, true);
  }

  u64(v: number | bigint): void {
    const at = this.room(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }

  raw(bytes: Uint8Array): void {
    const at = this.room(bytes.length);
    this.buf.set(bytes, at);
  }

  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u64(bytes.length);
    this.raw(bytes);
  }

  pad(to: number): void {
    this.room((to - (this.length % to)) % to);
  }

  value(v: GgufValue): void {
    this.plain(v.type, v.type === 'ARRAY' ? v : v.value);
  }

  /** A value of `type` given as a plain JS value (an array's items are). */
  private plain(type: GgufValueType, v: GgufArray['items'][number]): void {
    const wrong = (): never => {
      throw new TypeError(`a ${type} value cannot be ${String(v)}`);
    };
    if (type === 'STRING') return typeof v === 'string' ? this.string(v) : wrong();
    if (type === 'ARRAY') {
      if (typeof v !== 'object') return wrong();
      this.u32(VALUE_TYPES.indexOf(v.itemType));
      this.u64(v.items.length);
      for (const item of v.items) this.plain(v.itemType, item);
      return;
    }
    const at = this.room(fixedSize(type)!);
    if (type === 'BOOL') return typeof v === 'boolean' ? this.view.setUint8(at, v ? 1 : 0) : wrong();
    if (type === 'UINT64' || type === 'INT64') {
      if (typeof v !== 'bigint') return wrong();
      return type === 'UINT64' ? this.view.setBigUint64(at, v, true) : this.view.setBigInt64(at, v, true);
    }
    if (typeof v !== 'number') return wrong();
    switch (type) {
      case 'UINT8':
        return this.view.setUint8(at, v);
      case 'INT8':
        return this.view.setInt8(at, v);
      case 'UINT16':
        return this.view.setUint16(at, v, true);
      case 'INT16':
        return this.view.setInt16(at, v, true);
      case 'UINT32':
        return this.view.setUint32(at, v, true);
      case 'INT32':
        return this.view.setInt32(at, v, true);
      case 'FLOAT32':
        return this.view.setFloat32(at, v, true);
      case 'FLOAT64':
        return this.view.setFloat64(at, v, true);
      default: {
        const never: never = type;
        return never;
      }
    }
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * The file as chunks: the header (metadata and tensor infos, padded), then each tensor's data padded to
 * the alignment, made one at a time. general.alignment, when given, must be a UINT32 power of two.
 */
export function* ggufChunks(metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensorToWrite[]): Generator<Uint8Array> {
  const align = metadata.get('general.alignment');
  const alignment = align ? (align.type === 'UINT32' ? align.value : NaN) : DEFAULT_ALIGNMENT;
  if (!(alignment > 0 && (alignment & (alignment - 1)) === 0)) throw new TypeError('general.alignment must be a UINT32 power of two');
  const head = new Bytes();
  head.u32(GGUF_MAGIC);
  head.u32(3);
  head.u64(tensors.length);
  head.u64(metadata.size);
  for (const [key, v] of metadata) {
    head.string(key);
    head.u32(VALUE_TYPES.indexOf(v.type));
    head.value(v);
  }
  const sizes: number[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) throw new TypeError(`tensor ${t.name} is written twice`);
    names.add(t.name);
    const count = t.shape.reduce((a, b) => a * b, 1);
    const bytes = typeBytes(ggmlType(t.type), count);
    if (bytes === undefined || (t.shape.at(-1) ?? 1) % ggmlType(t.type).blockSize !== 0) {
      throw new TypeError(`tensor ${t.name} [${t.shape.join(', ')}] has rows that are not whole ${t.type} blocks`);
    }
    head.string(t.name);
    head.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) head.u64(d);
    head.u32(ggmlType(t.type).id);
    head.u64(offset);
    sizes.push(bytes);
    offset += Math.ceil(bytes / alignment) * alignment;
  }
  head.pad(alignment);
  yield head.bytes();
  for (const [i, t] of tensors.entries()) {
    const data = t.data();
    if (data.byteLength !== sizes[i]) throw new TypeError(`tensor ${t.name} has ${data.byteLength} bytes of data, not ${sizes[i]}`);
    yield data;
    const pad = (alignment - (data.byteLength % alignment)) % alignment;
    if (pad) yield new Uint8Array(pad);
  }
}
