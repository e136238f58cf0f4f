// The linear_q kernel over Q8_0 and Q4_0 blocks: bit for bit a plain reference that sums in the order the
// kernel documents (per block, even and odd groups of four columns apart, their sum times the scale), for
// any row count, ragged output counts and threads; and within the f32 rounding bound of the f32 kernel
// run on the dequantized matrix.
import { Worker } from 'node:worker_threads';
import { dequantizeQ4_0, dequantizeQ8_0, halfToFloat, quantizeQ4_0, quantizeQ8_0 } from '@tdl/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { Arena, linear, type QuantFormat, type SpawnWorker } from '../src/index.js';

const spawn: SpawnWorker = (source) => {
  const worker = new Worker(source, { eval: true });
  worker.unref();
  return worker;
};
const solo = new Arena();
const team = new Arena({ threads: { threads: 3, spawn } });
afterAll(() => team.dispose());

const FORMATS = {
  q8_0: { quantize: quantizeQ8_0, dequantize: dequantizeQ8_0 },
  q4_0: { quantize: quantizeQ4_0, dequantize: dequantizeQ4_0 },
} as const;

/** Seeded values in [-1, 1) (a small LCG, so the cases are the same on every run). */
function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/**
 * out = x · Wᵀ in the documented order, every step rounded to f32: W given as its codes q (the weight is
 * q·d) and one scale d per 32-column block; lane l of a group of four holds column 4g + l.
 */
function reference(x: Float32Array, rows: number, codes: Float32Array, scales: Float32Array, m: number, n: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(rows * m);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < m; o++) {
      const acc = [0, 0, 0, 0];
      for (let b = 0; b < n / 32; b++) {
        for (let l = 0; l < 4; l++) {
          const sums = [0, 0];
          for (let g = 0; g < 8; g++) {
            const j = 32 * b + 4 * g + l;
            sums[g & 1] = f(sums[g & 1]! + f(x[r * n + j]! * codes[o * n + j]!));
          }
          acc[l] = f(acc[l]! + f(f(sums[0]! + sums[1]!) * scales[o * (n / 32) + b]!));
        }
      }
      out[r * m + o] = f(f(acc[0]! + acc[1]!) + f(acc[2]! + acc[3]!));
    }
  }
  return out;
}

/** The codes and scales of Q8_0 or Q4_0 blocks, read field by field as the formats lay them out. */
function split(blocks: Uint8Array, count: number, format: QuantFormat): { codes: Float32Array; scales: Float32Array } {
  const size = format === 'q8_0' ? 34 : 18;
  const view = new DataView(blocks.buffer, blocks.byteOffset, blocks.byteLength);
  const codes = new Float32Array(count);
  const scales = new Float32Array(count / 32);
  for (let b = 0; b < count / 32; b++) {
    scales[b] = halfToFloat(view.getUint16(b * size, true));
    for (let j = 0; j < 32; j++) {
      codes[32 * b + j] = format === 'q8_0' ? view.getInt8(b * size + 2 + j) : ((blocks[b * size + 2 + (j & 15)]! >> (j < 16 ? 0 : 4)) & 15) - 8;
    }
  }
  return { codes, scales };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('linear_q', () => {
  for (const format of ['q8_0', 'q4_0'] as QuantFormat[]) {
    it(`${format}: the f32 kernel's bits on the dequantized matrix, and the reference's`, () => {
      let seed = 1;
      for (const [m, n] of [
        [4, 32],
        [5, 64],
        [7, 96],
        [12, 288],
        [33, 128],
      ] as const) {
        const w = rand(m * n, seed++);
        w[3] = 0; // a block with zeros and one with a single large weight
        w[n - 1] = 40;
        const blocks = FORMATS[format].quantize(w);
        const wd = FORMATS[format].dequantize(blocks, m * n);
        const { codes, scales } = split(blocks, m * n, format);
        for (const rows of [1, 2, 3, 5]) {
          const x = rand(rows * n, seed++);
          const want = reference(x, rows, codes, scales, m, n);
          const f32 = new Float32Array(rows * m);
          linear(f32, x, rows, n, m, solo.pack(wd, m, n));
          for (const arena of [solo, team]) {
            const got = new Float32Array(rows * m).fill(NaN);
            arena.linearQuant(got, x, rows, arena.packQuant(blocks, m, n, format));
            expect(bits(got), `${format} [${m}, ${n}] × ${rows} rows on ${arena.threads} threads`).toEqual(bits(want));
          }
          // Two f32 sums of the same n products, each within n·2⁻²⁴·Σ|x·w| of the exact sum.
          for (let i = 0; i < rows * m; i++) {
            const [r, o] = [Math.floor(i / m), i % m];
            let magnitude = 0;
            for (let j = 0; j < n; j++) magnitude += Math.abs(x[r * n + j]! * wd[o * n + j]!);
            expect(Math.abs(want[i]! - f32[i]!)).toBeLessThanOrEqual(2 * n * 2 ** -24 * magnitude);
          }
        }
      }
    });
  }

  it('writes into an output that lives in the arena, in place', () => {
    const [m, n] = [9, 64];
    const blocks = quantizeQ8_0(rand(m * n, 77));
    const x = solo.copyIn(rand(n, 78));
    const out = solo.allocF32(m);
    solo.linearQuant(out, x, 1, solo.packQuant(blocks, m, n, 'q8_0'));
    const { codes, scales } = split(blocks, m * n, 'q8_0');
    expect(bits(out)).toEqual(bits(reference(x, 1, codes, scales, m, n)));
  });

  it('refuses blocks of the wrong size, partial blocks and non-finite scales, naming the weight', () => {
    const blocks = quantizeQ4_0(rand(64, 5));
    expect(() => solo.packQuant(blocks, 2, 32, 'q8_0', 'w')).toThrow("weight 'w' is q8_0 [2, 32] (68 bytes) but 36 bytes were given");
    expect(() => solo.packQuant(blocks, 1, 48, 'q4_0', 'w')).toThrow("weight 'w' has 48 columns; q4_0 stores rows in blocks of 32");
    const bad = blocks.slice();
    bad[18 + 1] = 0x7c; // block 1's scale: an f16 infinity
    expect(() => solo.packQuant(bad, 2, 32, 'q4_0', 'w')).toThrow("weight 'w' has a block scale that is infinite or NaN (block 1)");
  });
});
