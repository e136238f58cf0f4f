// Reads GGUF files (llama.cpp's format) through a random-access byte source: header, metadata and
// tensor infos are validated in full (lengths, counts, types, alignment, offsets, overlaps) before any
// tensor data is read or allocated, and every refusal is one line naming the file and the problem.
//
// Layout (little-endian): "GGUF", version u32 (2 or 3), tensor count u64, metadata count u64; each
// metadata pair is a key (u64 length + UTF-8) then a value type u32 and the value (an array: item type
// u32, count u64, items); each tensor info is a name, n_dims u32, n_dims u64 extents (innermost first),
// a ggml type u32 and a data offset u64. The data section starts at the next multiple of the alignment
// (general.alignment, else 32) and every tensor's offset within it is a multiple of the alignment too.
import { UsageError } from '../executor.js';
import { decodeGgml } from '../quant/decode.js';
import { DECODED_TYPES, ggmlTypeById, isDecoded, type GgmlType } from '../quant/types.js';
import type { ByteSource } from '../safetensors/read.js';
import { minimumSize, VALUE_TYPES, type GgufArray, type GgufValue, type GgufValueType } from './values.js';

export class GgufError extends UsageError {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'GgufError';
  }
}

export interface GgufTensorEntry {
  readonly name: string;
  readonly type: GgmlType;
  /** Extents as the file lists them, innermost first (ggml's ne[0], ne[1] …). */
  readonly dims: readonly number[];
  /** Extents outermost first, as PyTorch and safetensors write them: dims reversed. */
  readonly shape: readonly number[];
  readonly count: number;
  /** Byte offsets of the data from the start of the file. */
  readonly begin: number;
  readonly end: number;
}

export interface GgufHeader {
  readonly version: number;
  readonly metadata: ReadonlyMap<string, GgufValue>;
  readonly tensors: ReadonlyMap<string, GgufTensorEntry>;
  readonly alignment: number;
  /** Where the data section starts in the file. */
  readonly dataStart: number;
}

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const DEFAULT_ALIGNMENT = 32;
/** ggml's GGML_MAX_DIMS. */
export const MAX_DIMS = 4;
/** Headers larger than this are refused: a 256k-token vocabulary takes a few megabytes. */
export const MAX_GGUF_HEADER_BYTES = 512 * 1024 * 1024;

/** Thrown inside the parser when the bytes read so far end before the header does. */
class NeedMore extends Error {}

/** A cursor over the first `window.length` bytes of a file of `size` bytes. */
class Cursor {
  pos = 0;
  private readonly view: DataView;
  private readonly text = new TextDecoder('utf-8');
  constructor(
    private readonly window: Uint8Array,
    readonly size: number,
    private readonly fail: (msg: string) => never,
  ) {
    this.view = new DataView(window.buffer, window.byteOffset, window.byteLength);
  }

  /** Bytes of the file after the cursor. */
  get left(): number {
    return this.size - this.pos;
  }

  private need(n: number, what: string): number {
    if (this.pos + n > this.size) this.fail(`the file ends inside ${what} (truncated)`);
    if (this.pos + n > this.window.byteLength) throw new NeedMore();
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }

  /** A u64 that must be at most `max`, which is what makes it plausible. */
  count(what: string, max: number, tooMany: (n: bigint) => string): number {
    const n = this.view.getBigUint64(this.need(8, what), true);
    if (n > BigInt(max)) this.fail(tooMany(n));
    return Number(n);
  }

  string(what: string): string {
    const n = this.count(what, this.left - 8, (n) => `${what} claims ${n} bytes, more than the ${Math.max(0, this.left - 8)} left in the file (truncated or corrupt)`);
    const at = this.need(n, what);
    return this.text.decode(this.window.subarray(at, at + n));
  }

  value(type: GgufValueType, what: string): GgufValue {
    switch (type) {
      case 'ARRAY':
        return this.array(what);
      case 'STRING':
        return { type, value: this.string(what) };
      case 'BOOL': {
        const b = this.view.getUint8(this.need(1, what));
        if (b > 1) this.fail(`${what} is a bool stored as ${b}, not 0 or 1`);
        return { type, value: b === 1 };
      }
      case 'UINT64':
        return { type, value: this.view.getBigUint64(this.need(8, what), true) };
      case 'INT64':
        return { type, value: this.view.getBigInt64(this.need(8, what), true) };
      default:
        return { type, value: this.number(type, what) };
    }
  }

  private number(type: Exclude<GgufValueType, 'ARRAY' | 'STRING' | 'BOOL' | 'UINT64' | 'INT64'>, what: string): number {
    switch (type) {
      case 'UINT8':
        return this.view.getUint8(this.need(1, what));
      case 'INT8':
        return this.view.getInt8(this.need(1, what));
      case 'UINT16':
        return this.view.getUint16(this.need(2, what), true);
      case 'INT16':
        return this.view.getInt16(this.need(2, what), true);
      case 'UINT32':
        return this.view.getUint32(this.need(4, what), true);
      case 'INT32':
        return this.view.getInt32(this.need(4, what), true);
      case 'FLOAT32':
        return this.view.getFloat32(this.need(4, what), true);
      case 'FLOAT64':
        return this.view.getFloat64(this.need(8, what), true);
      default: {
        const never: never = type;
        return never;
      }
    }
  }

  valueType(what: string): GgufValueType {
    const id = this.u32(what);
    const type = VALUE_TYPES[id];
    if (type === undefined) this.fail(`${what} has unknown value type ${id}`);
    return type;
  }

  private array(what: string): GgufArray {
    const itemType = this.valueType(what);
    const size = minimumSize(itemType);
    const n = this.count(what, Math.floor(this.left / size), (n) => `${what} claims ${n} items, more than the ${this.left} bytes left in the file could hold (truncated or corrupt)`);
    const items: GgufArray['items'][number][] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = this.value(itemType, what);
      items[i] = v.type === 'ARRAY' ? v : v.value;
    }
    return { type: 'ARRAY', itemType, items };
  }
}

/** Reads and checks the header of a GGUF file; reads no tensor data. */
export async function readGgufHeader(src: ByteSource, file = 'GGUF file'): Promise<GgufHeader> {
  const fail = (msg: string): never => {
    throw new GgufError(file, msg);
  };
  let window = Math.min(src.size, 1 << 20);
  for (;;) {
    const bytes = await src.read(0, window);
    try {
      return parseHeader(new Cursor(bytes, src.size, fail), fail);
    } catch (e) {
      if (!(e instanceof NeedMore)) throw e;
      if (window >= MAX_GGUF_HEADER_BYTES) fail(`the header is larger than the ${MAX_GGUF_HEADER_BYTES}-byte limit`);
      window = Math.min(src.size, window * 4, MAX_GGUF_HEADER_BYTES);
    }
  }
}

function parseHeader(c: Cursor, fail: (msg: string) => never): GgufHeader {
  if (c.size < 4) fail(`the file is ${c.size} bytes long; a GGUF file starts with "GGUF"`);
  const magic = c.u32('the magic number');
  if (magic !== GGUF_MAGIC) fail('not a GGUF file: it does not start with "GGUF"');
  const version = c.u32('the version');
  if (version === 0x03000000 || version === 0x02000000) fail('a big-endian GGUF file; tdl reads little-endian ones');
  if (version !== 2 && version !== 3) fail(`GGUF version ${version}; tdl reads versions 2 and 3`);
  const tensorCount = c.count('the tensor count', Math.floor(c.left / 24), (n) => `the header claims ${n} tensors, more than the file's ${c.size} bytes could describe (truncated or corrupt)`);
  const kvCount = c.count('the metadata count', Math.floor(c.left / 13), (n) => `the header claims ${n} metadata entries, more than the file's ${c.size} bytes could hold (truncated or corrupt)`);
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = c.string(`the key of metadata entry ${i}`);
    if (metadata.has(key)) fail(`metadata key '${key}' appears twice`);
    const type = c.valueType(`metadata '${key}'`);
    metadata.set(key, c.value(type, `metadata '${key}'`));
  }
  const alignment = alignmentOf(metadata.get('general.alignment'), fail);
  const infos: { name: string; type: GgmlType; dims: number[]; count: number; bytes: number; offset: number }[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = c.string(`the name of tensor ${i}`);
    if (names.has(name)) fail(`tensor '${name}' appears twice`);
    names.add(name);
    const nDims = c.u32(`tensor '${name}'`);
    if (nDims > MAX_DIMS) fail(`tensor '${name}' has ${nDims} dimensions; GGUF tensors have at most ${MAX_DIMS}`);
    const dims: number[] = [];
    let count = 1;
    for (let d = 0; d < nDims; d++) {
      const n = c.count(`tensor '${name}'`, Number.MAX_SAFE_INTEGER, (n) => `tensor '${name}' has an absurd extent ${n}`);
      dims.push(n);
      count *= n;
      if (!Number.isSafeInteger(count)) fail(`tensor '${name}' has too many elements`);
    }
    const typeId = c.u32(`tensor '${name}'`);
    const type = ggmlTypeById(typeId) ?? fail(`tensor '${name}' has unknown ggml type ${typeId}`);
    const row = dims[0] ?? 1;
    if (row % type.blockSize !== 0) fail(`tensor '${name}' has rows of ${row} values, not a whole number of ${type.name}'s ${type.blockSize}-value blocks`);
    const offset = c.count(`tensor '${name}'`, Number.MAX_SAFE_INTEGER, (n) => `tensor '${name}' has an absurd data offset ${n}`);
    if (offset % alignment !== 0) fail(`tensor '${name}' starts at data offset ${offset}, not a multiple of the alignment ${alignment}`);
    infos.push({ name, type, dims, count, bytes: (count / type.blockSize) * type.blockBytes, offset });
  }
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  if (infos.length && dataStart > c.size) fail(`the data section would start at byte ${dataStart}, past the end of the ${c.size}-byte file (truncated)`);
  const dataSize = Math.max(0, c.size - dataStart);
  const tensors = new Map<string, GgufTensorEntry>();
  for (const t of infos) {
    if (t.offset + t.bytes > dataSize) {
      fail(`tensor '${t.name}' (${t.type.name}, ${t.bytes} bytes at data offset ${t.offset}) runs past the end of the ${dataSize}-byte data section (truncated)`);
    }
    const begin = dataStart + t.offset;
    tensors.set(t.name, { name: t.name, type: t.type, dims: t.dims, shape: [...t.dims].reverse(), count: t.count, begin, end: begin + t.bytes });
  }
  // Sorted by start, a tensor overlaps an earlier one exactly when it starts before the furthest end so far.
  const sorted = [...tensors.values()].filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin || a.end - b.end);
  let furthest: GgufTensorEntry | undefined;
  for (const cur of sorted) {
    if (furthest && cur.begin < furthest.end) fail(`tensors '${furthest.name}' and '${cur.name}' overlap in the data section`);
    if (!furthest || cur.end > furthest.end) furthest = cur;
  }
  return { version, metadata, tensors, alignment, dataStart };
}

function alignmentOf(v: GgufValue | undefined, fail: (msg: string) => never): number {
  if (!v) return DEFAULT_ALIGNMENT;
  if (v.type !== 'UINT32') return fail(`general.alignment is a ${v.type}; it must be a UINT32`);
  if (v.value === 0 || (v.value & (v.value - 1)) !== 0) return fail(`general.alignment is ${v.value}, not a power of two`);
  return v.value;
}

/** Refuses, naming the first, a header with tensors in a type tdl does not decode. */
export function checkDecodable(header: GgufHeader, file = 'GGUF file'): void {
  for (const t of header.tensors.values()) {
    if (!isDecoded(t.type.name)) throw new GgufError(file, undecoded(t));
  }
}

function undecoded(t: GgufTensorEntry): string {
  return `tensor '${t.name}' is stored as ${t.type.name}, which tdl does not read (it reads ${DECODED_TYPES.join(', ')})`;
}

/** The raw bytes of one tensor (its blocks as stored). */
export async function readGgufTensorBytes(src: ByteSource, entry: GgufTensorEntry, file = 'GGUF file'): Promise<Uint8Array> {
  const bytes = await src.read(entry.begin, entry.end - entry.begin);
  if (bytes.byteLength !== entry.end - entry.begin) throw new GgufError(file, `read ${bytes.byteLength} of the ${entry.end - entry.begin} bytes of tensor '${entry.name}'`);
  return bytes;
}

/** One tensor decoded to f32 (row-major, `entry.shape`). */
export async function readGgufTensorF32(src: ByteSource, entry: GgufTensorEntry, file = 'GGUF file'): Promise<Float32Array> {
  const name = entry.type.name;
  if (!isDecoded(name)) throw new GgufError(file, undecoded(entry));
  return decodeGgml(name, await readGgufTensorBytes(src, entry, file), entry.count);
}
