// The GGUF reader on a file written by llama.cpp's gguf package (GGUFWriter), compared with what the
// package's own GGUFReader reads from it; and our writer, which must give back the same bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferSource, concatChunks, ggufChunks, readGgufHeader, readGgufTensorBytes, readGgufTensorF32, type GgmlTypeName, type GgufValue } from '../../src/index.js';

const dir = new URL('../fixtures/ggml/', import.meta.url);
const file = new Uint8Array(readFileSync(new URL('tiny.gguf', dir)));
interface Want {
  tensors: { name: string; type: string; shape: number[]; offset: number; bytes: number; values: string }[];
  metadata: Record<string, { type: string; value: unknown }>;
}
const want = JSON.parse(readFileSync(new URL('tiny.json', dir), 'utf8')) as Want;

const floats = (b64: string) => {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** A metadata value as the fixture writes it: its type, and the value (64-bit integers past 2^53 as strings). */
function asFixture(v: GgufValue): { type: string; value: unknown } {
  if (v.type === 'ARRAY') return { type: `ARRAY:${v.itemType}`, value: v.items.map((x) => (typeof x === 'bigint' ? Number(x) : x)) };
  if (typeof v.value === 'bigint') return { type: v.type, value: Number.isSafeInteger(Number(v.value)) ? Number(v.value) : String(v.value) };
  return { type: v.type, value: v.value };
}

describe('reading a GGUF file written by the gguf package', () => {
  it('reads every metadata entry with its type and value, as GGUFReader does', async () => {
    const header = await readGgufHeader(bufferSource(file), 'tiny.gguf');
    expect(header.version).toBe(3);
    expect(header.alignment).toBe(64);
    const got = Object.fromEntries([...header.metadata].map(([k, v]) => [k, asFixture(v)]));
    expect(got).toEqual(want.metadata);
    expect(header.metadata.get('test.u64')).toEqual({ type: 'UINT64', value: 2n ** 53n + 2n });
  });

  it('reads the tensor infos (extents, types, offsets) and the data, decoded as the package decodes it', async () => {
    const src = bufferSource(file);
    const header = await readGgufHeader(src, 'tiny.gguf');
    expect([...header.tensors.keys()]).toEqual(want.tensors.map((t) => t.name));
    for (const t of want.tensors) {
      const e = header.tensors.get(t.name)!;
      expect({ type: e.type.name, dims: e.dims, begin: e.begin, bytes: e.end - e.begin }).toEqual({ type: t.type, dims: t.shape, begin: t.offset, bytes: t.bytes });
      expect(e.shape).toEqual([...t.shape].reverse());
      expect(e.begin % 64).toBe(0);
      const values = await readGgufTensorF32(src, e, 'tiny.gguf');
      expect(Buffer.from(values.buffer, values.byteOffset, values.byteLength).equals(Buffer.from(floats(t.values).buffer))).toBe(true);
    }
  });

  it('our writer, given what was read, writes the same bytes back', async () => {
    const src = bufferSource(file);
    const header = await readGgufHeader(src);
    const tensors = await Promise.all(
      [...header.tensors.values()].map(async (t) => {
        const data = await readGgufTensorBytes(src, t);
        return { name: t.name, type: t.type.name as GgmlTypeName, shape: t.shape, data: () => data };
      }),
    );
    const written = concatChunks([...ggufChunks(header.metadata, tensors)]);
    expect(written.byteLength).toBe(file.byteLength);
    expect(Buffer.from(written).equals(Buffer.from(file))).toBe(true);
  });
});

describe('our writer on its own', () => {
  it('writes a header of many kilobytes (a vocabulary) that reads back equal', async () => {
    const tokens = Array.from({ length: 5000 }, (_, i) => `tok${i}`);
    const metadata = new Map<string, GgufValue>([
      ['general.architecture', { type: 'STRING', value: 'llama' }],
      ['tokenizer.ggml.tokens', { type: 'ARRAY', itemType: 'STRING', items: tokens }],
      ['tokenizer.ggml.scores', { type: 'ARRAY', itemType: 'FLOAT32', items: tokens.map((_, i) => -i / 4) }],
    ]);
    const data = new Uint8Array(34).fill(3);
    const bytes = concatChunks([...ggufChunks(metadata, [{ name: 'w', type: 'Q8_0', shape: [1, 32], data: () => data }])]);
    const header = await readGgufHeader(bufferSource(bytes));
    expect(header.metadata).toEqual(metadata);
    const w = header.tensors.get('w')!;
    expect(Buffer.from(await readGgufTensorBytes(bufferSource(bytes), w)).equals(Buffer.from(data))).toBe(true);
  });
});
