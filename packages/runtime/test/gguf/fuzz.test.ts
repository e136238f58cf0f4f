// fast-check corrupts the gguf package's file: any bytes changed or cut off are either read (and then every
// tensor's range lies inside the file, disjoint from the others) or refused with a GgufError, never anything else.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferSource, GgufError, readGgufHeader } from '../../src/index.js';

const tiny = new Uint8Array(readFileSync(new URL('../fixtures/ggml/tiny.gguf', import.meta.url)));

async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    const h = await readGgufHeader(bufferSource(bytes));
    const ranges = [...h.tensors.values()].map((t) => [t.begin, t.end] as const).sort((a, b) => a[0] - b[0]);
    for (const [i, [begin, end]] of ranges.entries()) {
      if (begin < h.dataStart || end > bytes.length || (i > 0 && begin < ranges[i - 1]![1])) return 'accepted a bad range';
    }
    return 'ok';
  } catch (e) {
    if (e instanceof GgufError) return 'refused';
    throw e;
  }
}

describe('the GGUF reader under corruption', () => {
  it('changed bytes in the header and a cut at any point', async () => {
    const header = (await readGgufHeader(bufferSource(tiny))).dataStart;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(header - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        fc.nat(tiny.length),
        async (edits, cut) => {
          const bytes = tiny.slice(0, Math.max(cut, header));
          for (const [at, v] of edits) bytes[at] = v;
          expect(await outcome(bytes)).not.toBe('accepted a bad range');
          expect(await outcome(tiny.subarray(0, cut))).not.toBe('accepted a bad range');
        },
      ),
      { numRuns: 300, seed: 18 },
    );
  });
});
