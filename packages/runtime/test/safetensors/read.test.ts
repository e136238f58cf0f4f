// Malformed safetensors files are refused quickly, with a clear message, and without a large allocation.
import { describe, expect, it } from 'vitest';
import { bufferSource, concatChunks, encodeSafetensors, readHeader, readTensorF32, SafetensorsError, type ByteSource } from '../../src/index.js';

const enc = new TextEncoder();

/** A file from a header object (serialised as is) and `dataBytes` bytes of data. */
function fileWith(header: unknown, dataBytes: number, lengthField?: bigint): Uint8Array {
  const json = enc.encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** A source that records the largest read asked of it. */
function watched(src: ByteSource): ByteSource & { largest: number } {
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

async function refusal(bytes: Uint8Array | ByteSource): Promise<string> {
  const src = bytes instanceof Uint8Array ? bufferSource(bytes) : bytes;
  try {
    await readHeader(src, 'bad.safetensors');
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return (e as Error).message;
  }
  throw new Error('the file was accepted');
}

const good = { a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: 'F16', shape: [4], data_offsets: [16, 24] } };

describe('readHeader refuses malformed files', () => {
  it('accepts a well-formed file and reads its tensors', async () => {
    const bytes = concatChunks(encodeSafetensors([{ name: 'w', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }, { name: 'h', shape: [2], data: Float32Array.of(0.5, -2), dtype: 'F16' }], { k: 'v' }));
    const header = await readHeader(bufferSource(bytes));
    expect([...header.tensors.keys()]).toEqual(['w', 'h']);
    expect(header.metadata).toEqual({ k: 'v' });
    expect(Array.from(await readTensorF32(bufferSource(bytes), header.tensors.get('w')!))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await readTensorF32(bufferSource(bytes), header.tensors.get('h')!))).toEqual([0.5, -2]);
  });

  it('a file shorter than the length field', async () => {
    expect(await refusal(new Uint8Array(5))).toBe('bad.safetensors: the file is 5 bytes long; a safetensors file starts with an 8-byte header length');
  });

  it('a header length past the end of the file', async () => {
    expect(await refusal(fileWith(good, 24, 10_000n))).toMatch(/the header claims 10000 bytes, but only \d+ follow the length field \(truncated or not safetensors\)/);
  });

  it('a truncated data section', async () => {
    expect(await refusal(fileWith(good, 20))).toBe("bad.safetensors: tensor 'b' has data_offsets [16, 24] outside the 20-byte data section");
  });

  it('offsets out of range, reversed, or not integers', async () => {
    expect(await refusal(fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [100, 104] } }, 8))).toMatch(/outside the 8-byte data section/);
    expect(await refusal(fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }, 8))).toMatch(/data_offsets \[8, 4\] outside/);
    expect(await refusal(fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, 8))).toMatch(/invalid data_offsets \[0,4.5\]/);
    expect(await refusal(fileWith({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, 8))).toMatch(/invalid data_offsets/);
  });

  it('overlapping tensors, even with an empty tensor between them', async () => {
    const header = {
      a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    };
    expect(await refusal(fileWith(header, 16))).toBe("bad.safetensors: tensors 'a' and 'b' overlap in the data section");
  });

  it('bytes that belong to no tensor: before the first, between two, or after the last', async () => {
    const at = (a: number, b: number) => ({ a: { dtype: 'F32', shape: [1], data_offsets: [a, a + 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [b, b + 4] } });
    expect(await refusal(fileWith(at(2, 6), 10))).toBe("bad.safetensors: tensor 'a' starts at byte 2 of the data section, but the tensors before it end at 0: 2 bytes belong to no tensor");
    expect(await refusal(fileWith(at(0, 8), 12))).toBe("bad.safetensors: tensor 'b' starts at byte 8 of the data section, but the tensors before it end at 4: 4 bytes belong to no tensor");
    expect(await refusal(fileWith(at(0, 4), 11))).toBe('bad.safetensors: the data section has 11 bytes, but its tensors end at byte 8: the last 3 belong to no tensor');
    expect(await refusal(fileWith({}, 1))).toBe('bad.safetensors: the data section has 1 byte, but its tensors end at byte 0: the last 1 belong to no tensor');
    await expect(readHeader(bufferSource(fileWith(at(4, 0), 8)))).resolves.toBeDefined();
  });

  it('an unknown dtype, a bad shape, a size that does not match the shape', async () => {
    expect(await refusal(fileWith({ a: { dtype: 'F8_E9', shape: [1], data_offsets: [0, 1] } }, 1))).toBe('bad.safetensors: tensor \'a\' has unknown dtype "F8_E9"');
    expect(await refusal(fileWith({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4))).toMatch(/invalid shape \[-1\]/);
    expect(await refusal(fileWith({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8))).toBe("bad.safetensors: tensor 'a' is F32[3] (12 bytes) but its data is 8 bytes");
  });

  it('a shape of astronomical size', async () => {
    expect(await refusal(fileWith({ a: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, 4))).toMatch(/too many elements/);
  });

  it('a header that is not JSON, or not an object', async () => {
    expect(await refusal(fileWith(undefined, 0, 0n))).toMatch(/not valid JSON/);
    const notJson = new Uint8Array(16);
    new DataView(notJson.buffer).setBigUint64(0, 8n, true);
    notJson.set(enc.encode('{{{{{{{{'), 8);
    expect(await refusal(notJson)).toBe('bad.safetensors: the header is not valid JSON');
    expect(await refusal(fileWith([1, 2], 0))).toBe('bad.safetensors: the header is not a JSON object');
  });

  it('a header that claims 10 GB: refused at once, reading 8 bytes', async () => {
    const inner = fileWith(good, 24, 10n * 1024n ** 3n);
    const src = watched(bufferSource(inner));
    const start = performance.now();
    expect(await refusal(src)).toMatch(/the header claims 10737418240 bytes/);
    expect(src.largest).toBe(8);
    expect(performance.now() - start).toBeLessThan(100);
  });

  it('a 10 GB header in a file that really is that long: refused by the limit before any read of it', async () => {
    const claim = 10n * 1024n ** 3n;
    const head = fileWith({}, 0, claim).subarray(0, 8);
    const huge: ByteSource & { largest: number } = watched({
      size: Number(claim) + 8,
      read: async (offset, length) => (offset === 0 && length === 8 ? head : new Uint8Array(length)),
    });
    expect(await refusal(huge)).toMatch(/more than the 104857600-byte limit/);
    expect(huge.largest).toBe(8);
  });
});
