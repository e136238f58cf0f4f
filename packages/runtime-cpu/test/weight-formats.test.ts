// bf16 and f16 weight matrices: the linear kernel widens them exactly, so its results are bit for bit
// those of f32 weights rounded to the format, rounded here by an independent formulation.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Arena, embedding, linear, linear3, Workspace, type WeightFormat } from '../src/index.js';

const arena = new Arena();
afterAll(() => arena.dispose());

/** Rounds x to the nearest value with `bits` significant bits and at least `minExp` as exponent, ties to even. */
function roundTo(x: number, bits: number, minExp: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const exp = Math.max(Math.floor(Math.log2(Math.abs(x))), minExp);
  const ulp = 2 ** (exp - (bits - 1));
  const q = x / ulp;
  let r = Math.round(q);
  if (Math.abs(q - Math.trunc(q)) === 0.5) r = 2 * Math.round(q / 2); // a tie: to the even neighbour
  return r * ulp;
}

/** bf16 keeps 8 significant bits and f32's exponents; f16 keeps 11 and exponents down to -14 (then subnormals). */
const ROUND: Record<Exclude<WeightFormat, 'f32'>, (x: number) => number> = {
  bf16: (x) => roundTo(x, 8, -126),
  f16: (x) => roundTo(x, 11, -14),
};

/** Weights of varied magnitudes, f16 subnormals and exact ties among them. */
const weights = (n: number) =>
  fc.array(
    fc.oneof(
      fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }),
      fc.float({ min: Math.fround(-1e-5), max: Math.fround(1e-5), noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, -(1 + 3 * 2 ** -8), 2 ** -24, 3 * 2 ** -25, 65504, -0),
    ),
    { minLength: n, maxLength: n },
  );

const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 11 }) })
  .chain(({ rows, cols }) => weights(rows * cols).map((values) => ({ rows, cols, values })));

const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);

describe.each(['bf16', 'f16'] as const)('%s weight matrices', (format) => {
  const round = ROUND[format];

  it('give the bits of f32 weights rounded to the format, in every shape and with fused maps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 23 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (rows, n, ms, bias, seed) => {
          const x = arena.copyIn(rand(rows * n, seed));
          const ws = ms.map((m, j) => rand(m * n, seed + 1 + j).map((v, i) => (i % 7 === 3 ? v * 1e-5 : v * 3)));
          const bs = ms.map((m, j) => (bias ? arena.copyIn(rand(m, seed + 5 + j)) : undefined));
          const narrow = ws.map((w, j) => arena.pack(w, ms[j]!, n, format));
          const wide = ws.map((w, j) => arena.pack(Float32Array.from(w, round), ms[j]!, n));
          const [a, b] = [0, 1].map(() => ms.map((m) => new Float32Array(rows * m))) as [Float32Array[], Float32Array[]];
          linear3(a[0]!, a[1]!, a[2]!, x, rows, n, ms[0]!, ms[1]!, ms[2]!, narrow[0]!, narrow[1]!, narrow[2]!, bs[0], bs[1], bs[2]);
          for (let j = 0; j < 3; j++) linear(b[j]!, x, rows, n, ms[j]!, wide[j]!, bs[j]);
          expect(a.map((o) => Array.from(o))).toEqual(b.map((o) => Array.from(o)));
        },
      ),
    );
  });

  it('are rounded to nearest even, subnormals and ties included, and read back as rounded', () => {
    fc.assert(
      fc.property(matrix, ({ rows, cols, values }) => {
        const packed = arena.pack(Float32Array.from(values), rows, cols, format);
        const out = new Float32Array(rows * cols);
        embedding(out, Int32Array.from({ length: rows }, (_, r) => r), rows, cols, packed);
        expect(Array.from(out)).toEqual(values.map((v) => round(Math.fround(v))));
      }),
    );
  });

  it('multiply a one-hot input to the exact rounded weight, tails included', () => {
    const cols = 7;
    const w = Float32Array.from([0.1, -3.3e-5, 1 + 2 ** -9, 1e-7, -1234.5678, 2 ** -20, 7, 0.3, 0.6, -0.9, 1.1, 2.2, 3.3, 4.4]);
    const packed = arena.pack(w, 2, cols, format);
    for (let c = 0; c < cols; c++) {
      const x = new Float32Array(cols);
      x[c] = 1;
      const out = new Float32Array(2);
      linear(out, x, 1, cols, 2, packed);
      expect([out[0], out[1]]).toEqual([round(w[c]!), round(w[cols + c]!)]);
    }
  });

  it('take half the bytes of f32', () => {
    const before = arena.bytes;
    arena.pack(rand(64 * 256, 3), 64, 256, format);
    expect(arena.bytes - before).toBeLessThanOrEqual(64 * 256 * 2 + 64);
  });
});

describe('f16 weights out of range', () => {
  it('are refused with a usage error rather than widened wrongly', () => {
    expect(() => arena.pack(Float32Array.of(1, 65519.99, -3, 4), 2, 2, 'f16')).not.toThrow();
    for (const bad of [65520, -70000, Infinity, NaN]) {
      expect(() => arena.pack(Float32Array.of(1, bad, -3, 4), 2, 2, 'f16')).toThrow(/beyond f16's range \(±65504\): keep the weights in bf16 or f32/);
    }
  });

  it('keep the workspace in f32 without an arena', () => {
    expect(() => new Workspace({ weightFormat: 'bf16' })).toThrow(/need an arena/);
  });
});
