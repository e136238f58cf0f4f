// Malformed GGUF files are refused with one line naming the problem, before any large allocation: files
// built byte by byte here (independently of our writer) and the gguf package's file cut short or patched.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferSource, checkDecodable, GgufError, readGgufHeader, readGgufTensorF32, type ByteSource } from '../../src/index.js';

const tiny = new Uint8Array(readFileSync(new URL('../fixtures/ggml/tiny.gguf', import.meta.url)));

/** Little-endian bytes built field by field. */
class Raw {
  readonly parts: number[] = [];
  u32(v: number): this {
    for (let i = 0; i < 4; i++) this.parts.push((v >>> (8 * i)) & 255);
    return this;
  }
  u64(v: number | bigint): this {
    const b = BigInt(v);
    for (let i = 0n; i < 8n; i++) this.parts.push(Number((b >> (8n * i)) & 255n));
    return this;
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.parts.push(...b);
    return this;
  }
  bytes(n: number, v = 0): this {
    for (let i = 0; i < n; i++) this.parts.push(v);
    return this;
  }
  pad(to: number): this {
    return this.bytes((to - (this.parts.length % to)) % to);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

interface Info {
  name: string;
  dims: number[];
  type: number;
  offset: number | bigint;
}

/** A GGUF v3 file with the given tensor infos (raw fields), optional metadata writer and `data` bytes. */
function gguf(infos: Info[], data: number, kv?: (r: Raw) => number, alignment = 32): Uint8Array {
  const r = new Raw().u32(0x46554747).u32(3).u64(infos.length);
  const countAt = r.parts.length;
  r.u64(0);
  const kvs = kv ? kv(r) : 0;
  for (const t of infos) {
    r.str(t.name).u32(t.dims.length);
    for (const d of t.dims) r.u64(d);
    r.u32(t.type).u64(t.offset);
  }
  r.pad(alignment).bytes(data, 7);
  const bytes = r.done();
  new DataView(bytes.buffer).setBigUint64(countAt, BigInt(kvs), true);
  return bytes;
}

const f32 = (name: string, n: number, offset: number | bigint): Info => ({ name, dims: [n], type: 0, offset });

/** A source that records the largest read asked of it. */
function watched(bytes: Uint8Array): ByteSource & { largest: number } {
  const src = bufferSource(bytes);
  const w = {
    size: src.size,
    largest: 0,
    read(offset: number, length: number) {
      w.largest = Math.max(w.largest, length);
      return src.read(offset, length);
    },
  };
  return w;
}

async function refusal(bytes: Uint8Array): Promise<string> {
  const src = watched(bytes);
  try {
    await readGgufHeader(src, 'bad.gguf');
  } catch (e) {
    expect(e).toBeInstanceOf(GgufError);
    const message = (e as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(src.largest).toBeLessThanOrEqual(bytes.byteLength);
    return message;
  }
  throw new Error('the file was accepted');
}

describe('readGgufHeader accepts a well-formed hand-built file', () => {
  it('two f32 tensors, the second at the next aligned offset', async () => {
    const h = await readGgufHeader(bufferSource(gguf([f32('a', 4, 0), f32('b', 2, 32)], 40)));
    expect([...h.tensors.values()].map((t) => [t.name, t.end - t.begin])).toEqual([
      ['a', 16],
      ['b', 8],
    ]);
  });
});

describe('readGgufHeader refuses malformed files with one line', () => {
  it('too short, or not GGUF at all', async () => {
    expect(await refusal(new Uint8Array(2))).toBe('bad.gguf: the file is 2 bytes long; a GGUF file starts with "GGUF"');
    expect(await refusal(new TextEncoder().encode('{"a": 1}    '))).toBe('bad.gguf: not a GGUF file: it does not start with "GGUF"');
  });

  it('an old or big-endian version', async () => {
    const v1 = tiny.slice();
    new DataView(v1.buffer).setUint32(4, 1, true);
    expect(await refusal(v1)).toBe('bad.gguf: GGUF version 1; tdl reads versions 2 and 3');
    const be = tiny.slice();
    new DataView(be.buffer).setUint32(4, 3, false);
    expect(await refusal(be)).toBe('bad.gguf: a big-endian GGUF file; tdl reads little-endian ones');
  });

  it('the gguf package file cut short anywhere in its header or data', async () => {
    const h = await readGgufHeader(bufferSource(tiny));
    for (const cut of [10, 30, 100, 500, h.dataStart - 5, h.dataStart + 10, tiny.length - 1]) {
      expect(await refusal(tiny.subarray(0, cut))).toMatch(/\(truncated( or corrupt)?\)$/);
    }
  });

  it('absurd tensor and metadata counts, string lengths and array lengths', async () => {
    const counts = tiny.slice();
    new DataView(counts.buffer).setBigUint64(8, 1n << 60n, true);
    expect(await refusal(counts)).toMatch(/^bad.gguf: the header claims 1152921504606846976 tensors, more than the file's 8064 bytes could describe \(truncated or corrupt\)$/);
    const kvs = tiny.slice();
    new DataView(kvs.buffer).setBigUint64(16, 10n ** 12n, true);
    expect(await refusal(kvs)).toMatch(/claims 1000000000000 metadata entries/);
    const longKey = gguf([], 0, (r) => (r.u64(2n ** 62n), 1));
    expect(await refusal(longKey)).toMatch(/the key of metadata entry 0 claims 4611686018427387904 bytes, more than the \d+ left in the file/);
    const longArray = gguf([], 0, (r) => (r.str('k').u32(9).u32(5).u64(2n ** 40n), 1));
    expect(await refusal(longArray)).toMatch(/metadata 'k' claims 1099511627776 items, more than the \d+ bytes left in the file could hold/);
  });

  it('unknown value types, duplicate keys, a bad bool, a bad alignment', async () => {
    expect(await refusal(gguf([], 0, (r) => (r.str('k').u32(13), 1)))).toBe("bad.gguf: metadata 'k' has unknown value type 13");
    expect(await refusal(gguf([], 0, (r) => (r.str('k').u32(0).bytes(1).str('k').u32(0).bytes(1), 2)))).toBe("bad.gguf: metadata key 'k' appears twice");
    expect(await refusal(gguf([], 0, (r) => (r.str('k').u32(7).bytes(1, 2), 1)))).toBe("bad.gguf: metadata 'k' is a bool stored as 2, not 0 or 1");
    expect(await refusal(gguf([], 0, (r) => (r.str('general.alignment').u32(4).u32(48), 1)))).toBe('bad.gguf: general.alignment is 48, not a power of two');
    expect(await refusal(gguf([], 0, (r) => (r.str('general.alignment').u32(10).u64(64), 1)))).toBe('bad.gguf: general.alignment is a UINT64; it must be a UINT32');
  });

  it('tensors: unknown type (named), too many dimensions, partial blocks, duplicates', async () => {
    expect(await refusal(gguf([{ name: 'w', dims: [32], type: 99, offset: 0 }], 64))).toBe("bad.gguf: tensor 'w' has unknown ggml type 99");
    expect(await refusal(gguf([{ name: 'w', dims: [1, 1, 1, 1, 1], type: 0, offset: 0 }], 64))).toBe("bad.gguf: tensor 'w' has 5 dimensions; GGUF tensors have at most 4");
    expect(await refusal(gguf([{ name: 'w', dims: [40, 2], type: 8, offset: 0 }], 128))).toBe("bad.gguf: tensor 'w' has rows of 40 values, not a whole number of Q8_0's 32-value blocks");
    expect(await refusal(gguf([f32('w', 4, 0), f32('w', 4, 32)], 64))).toBe("bad.gguf: tensor 'w' appears twice");
    expect(await refusal(gguf([{ name: 'w', dims: [2 ** 40, 2 ** 20], type: 0, offset: 0 }], 64))).toBe("bad.gguf: tensor 'w' has too many elements");
  });

  it('offsets: unaligned, past the end, absurd, overlapping', async () => {
    expect(await refusal(gguf([f32('w', 4, 8)], 64))).toBe("bad.gguf: tensor 'w' starts at data offset 8, not a multiple of the alignment 32");
    expect(await refusal(gguf([f32('w', 4, 0), f32('v', 16, 32)], 64))).toBe(
      "bad.gguf: tensor 'v' (F32, 64 bytes at data offset 32) runs past the end of the 64-byte data section (truncated)",
    );
    expect(await refusal(gguf([f32('w', 4, 2n ** 63n)], 64))).toBe("bad.gguf: tensor 'w' has an absurd data offset 9223372036854775808");
    expect(await refusal(gguf([f32('w', 16, 0), f32('v', 4, 32)], 64))).toBe("bad.gguf: tensors 'w' and 'v' overlap in the data section");
  });
});

describe('types tdl does not decode', () => {
  it('are read in the header but refused, by name, before any data is read', async () => {
    const bytes = gguf([f32('a', 4, 0), { name: 'blk.0.w', dims: [256], type: 13, offset: 32 }], 32 + 176);
    const src = bufferSource(bytes);
    const h = await readGgufHeader(src, 'q5.gguf');
    expect(h.tensors.get('blk.0.w')!.type.name).toBe('Q5_K');
    const named = "q5.gguf: tensor 'blk.0.w' is stored as Q5_K, which tdl does not read (it reads F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)";
    expect(() => checkDecodable(h, 'q5.gguf')).toThrow(named);
    await expect(readGgufTensorF32(src, h.tensors.get('blk.0.w')!, 'q5.gguf')).rejects.toThrow(named);
  });
});
