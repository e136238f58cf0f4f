// ggml's block formats against llama.cpp's own gguf package: Q8_0 and Q4_0 quantize to the bytes its
// reference quantizers write and all four formats dequantize to its values, bit for bit.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeGgml,
  dequantizeQ4_0,
  dequantizeQ4_K,
  dequantizeQ6_K,
  dequantizeQ8_0,
  quantizeQ4_0,
  quantizeQ8_0,
  type GgmlTypeName,
} from '../../src/index.js';

interface Case {
  readonly count: number;
  readonly input?: string;
  readonly blocks: string;
  readonly values: string;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/ggml/blocks.json', import.meta.url), 'utf8')) as { cases: Record<string, Case> };

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const floats = (b64: string) => {
  const b = bytes(b64);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

/** Float arrays compared bit for bit (so −0 and +0 differ), reporting the first difference. */
function expectSameBits(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const first = g.findIndex((v, i) => v !== w[i]);
  expect(first === -1 ? 'all equal' : `element ${first}: ${got[first]} vs ${want[first]}`).toBe('all equal');
}

function theCase(name: string): Case {
  const c = fixture.cases[name];
  if (!c) throw new Error(`fixture case ${name} is missing: rerun scripts/fixtures/make_quant_fixtures.py`);
  return c;
}

describe('Q8_0 and Q4_0 quantize as ggml does', () => {
  for (const [name, quantize] of [
    ['Q8_0', quantizeQ8_0],
    ['Q4_0', quantizeQ4_0],
  ] as const) {
    it(`${name}: the same block bytes as gguf.quants.quantize, awkward blocks included`, () => {
      const c = theCase(name);
      const got = quantize(floats(c.input!));
      expect(Buffer.from(got).equals(Buffer.from(bytes(c.blocks)))).toBe(true);
    });
  }

  it('refuses a length that is not whole blocks', () => {
    expect(() => quantizeQ8_0(new Float32Array(33))).toThrow(/blocks of 32 values; 33 is not a multiple/);
    expect(() => quantizeQ4_0(new Float32Array(31))).toThrow(TypeError);
  });

  it("Q4_0's nibbles: value j in byte j's low nibble, value j + 16 in its high one", () => {
    const x = new Float32Array(32);
    x[0] = -8; // the block's largest magnitude: d = 1, codes are x + 8
    x[3] = 2;
    x[19] = -3;
    const block = quantizeQ4_0(x);
    expect(block[2 + 0]! & 15).toBe(0);
    expect(block[2 + 3]! & 15).toBe(10);
    expect(block[2 + 3]! >> 4).toBe(5);
    expect(Array.from(dequantizeQ4_0(block, 32)).slice(0, 4)).toEqual([-8, 0, 0, 2]);
    expect(dequantizeQ4_0(block, 32)[19]).toBe(-3);
  });
});

describe('dequantizing gives the gguf package values', () => {
  const decoders = { Q8_0: dequantizeQ8_0, Q4_0: dequantizeQ4_0, Q4_K: dequantizeQ4_K, Q6_K: dequantizeQ6_K } as const;
  for (const [name, decode] of Object.entries(decoders)) {
    it(`${name}`, () => {
      const c = theCase(name);
      expectSameBits(decode(bytes(c.blocks), c.count), floats(c.values));
      expectSameBits(decodeGgml(name as GgmlTypeName, bytes(c.blocks), c.count), floats(c.values));
    });
  }

  it('decodeGgml refuses bytes that do not match the count', () => {
    expect(() => decodeGgml('Q8_0', new Uint8Array(33), 32)).toThrow(/32 values of Q8_0 are not 33 bytes/);
  });
});
