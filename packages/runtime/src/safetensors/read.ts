// Reads safetensors files through a random-access byte source: the header is validated in full
// (lengths, dtypes, shapes, offsets, overlaps) before any tensor data is read or allocated.
import { UsageError } from '../executor.js';
import { DTYPE_BYTES, isDType, toFloat32, type STDType } from './dtypes.js';

/** Random access to the bytes of a file (or a buffer); only the CLI opens files. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * The bytes [offset, offset + length): a fresh buffer, or a view of bytes nobody changes, which the
   * caller may keep (a float32 tensor is used in place, without a copy).
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export class SafetensorsError extends UsageError {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

export interface TensorEntry {
  readonly name: string;
  readonly dtype: STDType;
  readonly shape: readonly number[];
  /** Byte offsets of the data from the start of the file. */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, TensorEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Headers larger than this are refused: real ones are a few megabytes at most. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

export async function readHeader(src: ByteSource, file = 'safetensors file'): Promise<SafetensorsHeader> {
  const fail = (msg: string): never => {
    throw new SafetensorsError(file, msg);
  };
  if (src.size < 8) fail(`the file is ${src.size} bytes long; a safetensors file starts with an 8-byte header length`);
  const lengthBytes = await src.read(0, 8);
  const view = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(src.size - 8)) {
    fail(`the header claims ${headerLength} bytes, but only ${src.size - 8} follow the length field (truncated or not safetensors)`);
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`the header claims ${headerLength} bytes, more than the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLength);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(await src.read(8, n));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail('the header is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('the header is not a JSON object');
  const dataStart = 8 + n;
  const dataSize = src.size - dataStart;
  const tensors = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object');
      metadata = Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
      continue;
    }
    tensors.set(name, parseEntry(name, raw, dataStart, dataSize, fail));
  }
  // Sorted by start, a tensor overlaps an earlier one exactly when it starts before the furthest end so far.
  const sorted = [...tensors.values()].filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin || a.end - b.end);
  let furthest: TensorEntry | undefined;
  for (const cur of sorted) {
    if (furthest && cur.begin < furthest.end) fail(`tensors '${furthest.name}' and '${cur.name}' overlap in the data section`);
    if (!furthest || cur.end > furthest.end) furthest = cur;
  }
  // As the format's own library requires: the tensors tile the data section, no byte left over.
  let covered = 0;
  for (const cur of sorted) {
    const begin = cur.begin - dataStart;
    if (begin !== covered) {
      fail(`tensor '${cur.name}' starts at byte ${begin} of the data section, but the tensors before it end at ${covered}: ${count(begin - covered, 'byte')} belong to no tensor`);
    }
    covered = cur.end - dataStart;
  }
  if (covered !== dataSize) fail(`the data section has ${count(dataSize, 'byte')}, but its tensors end at byte ${covered}: the last ${dataSize - covered} belong to no tensor`);
  return { tensors, metadata };
}

/** `n` of a unit, in the plural unless it is one. */
function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function parseEntry(name: string, raw: unknown, dataStart: number, dataSize: number, fail: (m: string) => never): TensorEntry {
  if (typeof raw !== 'object' || raw === null) return fail(`tensor '${name}' has no description`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (!isDType(dtype)) return fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    return fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataSize) {
    return fail(`tensor '${name}' has data_offsets [${begin}, ${end}] outside the ${dataSize}-byte data section`);
  }
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) return fail(`tensor '${name}' has too many elements`);
  }
  const bytes = elements * DTYPE_BYTES[dtype];
  if (bytes !== end - begin) return fail(`tensor '${name}' is ${dtype}[${(shape as number[]).join(', ')}] (${bytes} bytes) but its data is ${end - begin} bytes`);
  return { name, dtype, shape: shape as number[], begin: dataStart + begin, end: dataStart + end };
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Reads one tensor as float32 (converting F16, BF16 and integer types). An aligned F32 tensor is used
 * in place: the bytes read are the returned array's memory, so a large tensor is never held twice.
 */
export async function readTensorF32(src: ByteSource, entry: TensorEntry): Promise<Float32Array> {
  const count = (entry.end - entry.begin) / DTYPE_BYTES[entry.dtype];
  const bytes = await src.read(entry.begin, entry.end - entry.begin);
  if (bytes.byteLength !== entry.end - entry.begin) throw new SafetensorsError(entry.name, `read ${bytes.byteLength} of ${entry.end - entry.begin} bytes`);
  if (entry.dtype === 'F32' && LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  return toFloat32(bytes, entry.dtype, count);
}
