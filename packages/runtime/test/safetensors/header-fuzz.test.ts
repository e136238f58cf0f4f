// fast-check fuzzes the header parser: arbitrary bytes are refused with a SafetensorsError or
// accepted, never anything else; random headers are accepted exactly when a plain reference check
// (offsets in range, sizes matching shapes, no two tensors overlapping, every data byte in a tensor)
// says they are valid.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferSource, DTYPE_BYTES, readHeader, SafetensorsError, type ByteSource } from '../../src/index.js';

const DTYPES = Object.keys(DTYPE_BYTES);

function withHeader(headerText: string, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

async function outcome(src: ByteSource): Promise<'ok' | 'refused'> {
  try {
    await readHeader(src);
    return 'ok';
  } catch (e) {
    if (e instanceof SafetensorsError) return 'refused';
    throw e;
  }
}

interface RawTensor {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** The reference: what a valid header is, written the slow and obvious way. */
function referenceValid(tensors: readonly RawTensor[], dataSize: number): boolean {
  for (const t of tensors) {
    if (!DTYPES.includes(t.dtype)) return false;
    if (t.begin > t.end || t.end > dataSize) return false;
    const bytes = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype as keyof typeof DTYPE_BYTES];
    if (bytes !== t.end - t.begin) return false;
  }
  for (const a of tensors) {
    for (const b of tensors) {
      if (a !== b && a.begin < b.end && b.begin < a.end && a.end > a.begin && b.end > b.begin) return false;
    }
  }
  for (let byte = 0; byte < dataSize; byte++) if (!tensors.some((t) => t.begin <= byte && byte < t.end)) return false;
  return true;
}

/** Mostly well-sized tensors (so that overlaps, empty tensors and ranges are what decides), some not. */
const rawTensor = fc
  .record({
    dtype: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...DTYPES) }, { weight: 1, arbitrary: fc.constantFrom('F8', 'f32', 'Q4') }),
    shape: fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }) }), { maxLength: 2 }),
    begin: fc.integer({ min: 0, max: 60 }),
    skew: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: -6, max: 6 }) }),
  })
  .map((r) => {
    const bytes = r.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[r.dtype as keyof typeof DTYPE_BYTES] ?? 1);
    return { dtype: r.dtype, shape: r.shape, begin: r.begin, span: bytes + r.skew };
  });

describe('safetensors header fuzz', () => {
  it('arbitrary bytes: accepted or refused with a SafetensorsError, reading no more than the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), async (bytes, length) => {
        const file = new Uint8Array(Math.max(8, bytes.length));
        file.set(bytes);
        if (length !== null) new DataView(file.buffer).setBigUint64(0, length, true);
        let largest = 0;
        const src: ByteSource = {
          size: file.length,
          read: async (o, n) => {
            largest = Math.max(largest, n);
            return file.subarray(o, o + n);
          },
        };
        await outcome(src);
        expect(largest).toBeLessThanOrEqual(file.length);
      }),
      { numRuns: 500 },
    );
  });

  it('random JSON headers: accepted exactly when the reference says they are valid', async () => {
    // Half the layouts are packed end to end (as writers do), with the data section's size nudged now
    // and then; the others are placed at random.
    const layout = fc.record({
      raws: fc.array(rawTensor, { maxLength: 5 }),
      packed: fc.boolean(),
      dataSize: fc.integer({ min: 0, max: 80 }),
      nudge: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) }),
    });
    await fc.assert(
      fc.asyncProperty(layout, async ({ raws, packed, dataSize: randomSize, nudge }) => {
        let at = 0;
        const tensors = raws.map((r, i) => {
          const begin = packed ? at : r.begin;
          at = Math.max(at, begin + r.span);
          return { name: `t${i}`, dtype: r.dtype, shape: r.shape, begin, end: begin + r.span };
        });
        const dataSize = packed ? Math.max(0, at + nudge) : randomSize;
        const header = Object.fromEntries(tensors.map((t) => [t.name, { dtype: t.dtype, shape: t.shape, data_offsets: [t.begin, t.end] }]));
        const got = await outcome(bufferSource(withHeader(JSON.stringify(header), dataSize)));
        const valid = referenceValid(tensors, dataSize) && tensors.every((t) => t.begin >= 0 && t.end >= 0);
        expect(got).toBe(valid ? 'ok' : 'refused');
      }),
      { numRuns: 3000 },
    );
  });

  it('valid files with one byte of the header changed: never anything but a SafetensorsError', async () => {
    const header = JSON.stringify({ __metadata__: { a: 'b' }, w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: 'BF16', shape: [3], data_offsets: [16, 22] } });
    const base = withHeader(header, 22);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 8 + header.length - 1 }), fc.integer({ min: 0, max: 255 }), async (at, value) => {
        const file = base.slice();
        file[at] = value;
        await outcome(bufferSource(file));
      }),
      { numRuns: 1000 },
    );
  });
});
