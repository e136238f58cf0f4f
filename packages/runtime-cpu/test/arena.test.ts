// The WebAssembly kernels of an arena against independent formulations in double precision, and the
// property decoding relies on: a row's result does not depend on the rows computed with it.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { alibiSlopes, Arena, arenaOf, attend, embedding, linear, linear2, linear3, silu, Workspace, type AttentionConfig } from '../src/index.js';

const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);

const arena = new Arena();
afterAll(() => arena.dispose());

/** A copy of `a` in the arena. */
const inArena = (a: Float32Array) => arena.copyIn(a);

/**
 * x Wᵀ + b in double precision, with the bound on float32 rounding of a sum of n products:
 * |error| ≤ n · 2⁻²³ · Σ|x_i w_i| (a float32 sum of n terms errs by at most (n-1) units of
 * 2⁻²⁴ relative to the sum of magnitudes, and each product by one more).
 */
function referenceLinear(x: Float32Array, rows: number, n: number, m: number, w: Float32Array, b?: Float32Array) {
  const value: number[] = [];
  const bound: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < m; o++) {
      let s = b ? b[o]! : 0;
      let magnitude = b ? Math.abs(b[o]!) : 0;
      for (let i = 0; i < n; i++) {
        s += x[r * n + i]! * w[o * n + i]!;
        magnitude += Math.abs(x[r * n + i]! * w[o * n + i]!);
      }
      value.push(s);
      bound.push((n + 1) * 2 ** -23 * magnitude);
    }
  }
  return { value, bound };
}

describe('the linear kernel', () => {
  it('computes x Wᵀ + b for any sizes, with the weights packed in panels', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 37 }), fc.integer({ min: 1, max: 13 }), fc.boolean(), fc.boolean(), (rows, n, m, bias, inside) => {
        const x = rand(rows * n, 1);
        const w = rand(m * n, 2);
        const b = bias ? rand(m, 3) : undefined;
        const packed = arena.pack(w, m, n);
        // Operands in the arena are used in place; others are copied in and the result copied out.
        const out = inside ? arena.allocF32(rows * m) : new Float32Array(rows * m);
        linear(out, inside ? inArena(x) : x, rows, n, m, packed, b && (inside ? inArena(b) : b));
        const want = referenceLinear(x, rows, n, m, w, b);
        for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! - want.value[i]!)).toBeLessThanOrEqual(want.bound[i]!);
      }),
    );
  });

  it('gives each row the same bits whether it is computed alone or with others', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10 }), (rows, n, m) => {
        const x = inArena(rand(rows * n, 4));
        const packed = arena.pack(rand(m * n, 5), m, n);
        const b = inArena(rand(m, 6));
        const all = arena.allocF32(rows * m);
        linear(all, x, rows, n, m, packed, b);
        for (let r = 0; r < rows; r++) {
          const one = arena.allocF32(m);
          linear(one, x.subarray(r * n, (r + 1) * n), 1, n, m, packed, b);
          expect(Array.from(one)).toEqual(Array.from(all.subarray(r * m, (r + 1) * m)));
        }
      }),
    );
  });

  it('fuses two or three maps of one input into one pass with the bits of separate passes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: 1, max: 11 }), { minLength: 3, maxLength: 3 }), fc.boolean(), (rows, n, ms, bias) => {
        const x = inArena(rand(rows * n, 8));
        const ws = ms.map((m, j) => arena.pack(rand(m * n, 9 + j), m, n));
        const bs = ms.map((m, j) => (bias && j !== 1 ? inArena(rand(m, 12 + j)) : undefined));
        const separate = ms.map((m, j) => {
          const out = arena.allocF32(rows * m);
          linear(out, x, rows, n, m, ws[j]!, bs[j]);
          return Array.from(out);
        });
        const [a, b, c] = ms.map((m) => arena.allocF32(rows * m)) as [Float32Array, Float32Array, Float32Array];
        linear3(a, b, c, x, rows, n, ms[0]!, ms[1]!, ms[2]!, ws[0]!, ws[1]!, ws[2]!, bs[0], bs[1], bs[2]);
        expect([Array.from(a), Array.from(b), Array.from(c)]).toEqual(separate);
        // Outputs outside the arena are computed in scratch and copied out.
        const [d, e] = [new Float32Array(rows * ms[0]!), new Float32Array(rows * ms[1]!)];
        linear2(d, e, x, rows, n, ms[0]!, ms[1]!, ws[0]!, ws[1]!, bs[0], bs[1]);
        expect([Array.from(d), Array.from(e)]).toEqual(separate.slice(0, 2));
      }),
    );
  });

  it('reads back every row of a packed matrix, for embedding lookups of a tied table', () => {
    for (const [rows, cols] of [[1, 1], [5, 3], [9, 16], [4, 7]] as const) {
      const w = rand(rows * cols, 7);
      const packed = arena.pack(w, rows, cols);
      const ids = Int32Array.from({ length: rows }, (_, i) => rows - 1 - i);
      const out = new Float32Array(rows * cols);
      embedding(out, ids, rows, cols, packed);
      for (let r = 0; r < rows; r++) expect(Array.from(out.subarray(r * cols, (r + 1) * cols))).toEqual(Array.from(w.subarray(ids[r]! * cols, (ids[r]! + 1) * cols)));
    }
  });
});

/** Attention by its textbook definition, in double precision, one query position at a time. */
function referenceAttention(q: Float32Array, rows: number, start: number, k: Float32Array, v: Float32Array, keys: number, c: AttentionConfig): number[] {
  const out: number[] = [];
  const group = c.heads / c.kvHeads;
  for (let r = 0; r < rows; r++) {
    const pos = start + r;
    for (let h = 0; h < c.heads; h++) {
      const kvh = Math.floor(h / group);
      const allowed = (j: number) => (c.mask === 0 ? true : j <= pos && (c.mask === 1 || pos - j < c.window));
      const scores: number[] = [];
      for (let j = 0; j < keys; j++) {
        let s = 0;
        for (let i = 0; i < c.headDim; i++) s += q[(r * c.heads + h) * c.headDim + i]! * k[(j * c.kvHeads + kvh) * c.headDim + i]!;
        scores.push(allowed(j) ? s * c.scale - (c.slopes ? c.slopes[h]! * (pos - j) : 0) : -Infinity);
      }
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const z = e.reduce((a, b) => a + b);
      for (let i = 0; i < c.headDim; i++) {
        let acc = 0;
        for (let j = 0; j < keys; j++) acc += (e[j]! / z) * v[(j * c.kvHeads + kvh) * c.headDim + i]!;
        out.push(acc);
      }
    }
  }
  return out;
}

const attentionCase = fc.record({
  kvHeads: fc.integer({ min: 1, max: 3 }),
  group: fc.integer({ min: 1, max: 3 }),
  headDim: fc.constantFrom(4, 8, 12),
  rows: fc.integer({ min: 1, max: 5 }),
  past: fc.integer({ min: 0, max: 9 }),
  mask: fc.constantFrom(0 as const, 1 as const, 2 as const),
  window: fc.integer({ min: 1, max: 4 }),
  alibi: fc.boolean(),
  scale: fc.constantFrom(1, 3),
});

type AttentionCase = typeof attentionCase extends fc.Arbitrary<infer T> ? T : never;

/** Queries, keys, values and the config of a case, all in the arena (so attend runs the WebAssembly kernel). */
function setUp(p: AttentionCase) {
  const heads = p.kvHeads * p.group;
  const keys = p.past + p.rows;
  const c: AttentionConfig = {
    heads,
    kvHeads: p.kvHeads,
    headDim: p.headDim,
    mask: p.mask,
    window: p.window,
    scale: p.scale / Math.sqrt(p.headDim),
    softcap: 0,
    ...(p.alibi ? { slopes: inArena(alibiSlopes(heads)) } : {}),
  };
  return { heads, keys, c, q: inArena(rand(p.rows * heads * p.headDim, 7)), k: inArena(rand(keys * p.kvHeads * p.headDim, 8)), v: inArena(rand(keys * p.kvHeads * p.headDim, 9)) };
}

describe('the attention kernel', () => {
  it('matches the textbook formula for every mask, GQA and ALiBi', () => {
    fc.assert(
      fc.property(attentionCase, (p) => {
        const { heads, keys, c, q, k, v } = setUp(p);
        const out = arena.allocF32(p.rows * heads * p.headDim);
        attend(out, q, p.rows, p.past, k, v, keys, c);
        // Scores and weights in float32: a few units in the 7th digit of values below 1.
        const want = referenceAttention(q, p.rows, p.past, k, v, keys, c);
        for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! - want[i]!)).toBeLessThanOrEqual(2e-6);
      }),
    );
  });

  it('gives each query row the same bits whether it is computed alone or with others', () => {
    fc.assert(
      fc.property(attentionCase, (unmasked) => {
        const p = { ...unmasked, mask: unmasked.mask === 0 ? (1 as const) : unmasked.mask }; // decoding masks the future
        const { heads, keys, c, q, k, v } = setUp(p);
        const width = heads * p.headDim;
        const all = arena.allocF32(p.rows * width);
        attend(all, q, p.rows, p.past, k, v, keys, c);
        for (let r = 0; r < p.rows; r++) {
          const one = arena.allocF32(width);
          // Row r alone, at its position, seeing the keys up to it (as decoding does).
          attend(one, q.subarray(r * width, (r + 1) * width), 1, p.past + r, k, v, p.past + r + 1, c);
          expect(Array.from(one)).toEqual(Array.from(all.subarray(r * width, (r + 1) * width)));
        }
      }),
    );
  });
});

describe('the SiLU kernel', () => {
  it('computes x / (1 + e^-x) within a few float32 units, and the same bits for a float alone or in a block', () => {
    const n = 5003;
    const x = arena.allocF32(n);
    for (let i = 0; i < n; i++) x[i] = (i - 2500) / 40 + Math.sin(i) * 0.01;
    const out = arena.allocF32(n);
    silu(out, x, n);
    for (let i = 0; i < n; i++) {
      const want = x[i]! / (1 + Math.exp(-x[i]!));
      // e^x to about one unit, then a division: 4 units of 2⁻²⁴ relative, or far below any float32 logit when tiny.
      expect(Math.abs(out[i]! - want)).toBeLessThanOrEqual(4 * 2 ** -24 * Math.abs(want) + 1e-30);
    }
    for (const i of [0, 1, 2, 3, 1024, 2501, n - 1]) {
      const one = arena.allocF32(1);
      silu(one, x.subarray(i, i + 1), 1);
      expect(one[0]).toBe(out[i]);
    }
  });
});

describe("finding a tensor's arena", () => {
  it('knows arrays from before and after their memory grew, while other memories grow too', () => {
    const a = new Arena();
    const b = new Arena();
    try {
      const early = [a.allocF32(4), b.allocF32(4)];
      for (let i = 0; i < 8; i++) {
        const late = [a.allocF32(100_000), b.allocF32(100_000)];
        expect([arenaOf(early[0]!), arenaOf(early[1]!), arenaOf(late[0]!), arenaOf(late[1]!)]).toEqual([a, b, a, b]);
      }
      expect(arenaOf(new Float32Array(4))).toBeUndefined();
      expect(arenaOf(new Float32Array(new SharedArrayBuffer(64)))).toBeUndefined();
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('running out of the 4 GiB', () => {
  it('says so with a usage error that names the way out', () => {
    const big = new Arena();
    try {
      expect(() => {
        for (let i = 0; i < 5; i++) big.allocF32(2 ** 28); // 1 GiB each, never written
      }).toThrow(/need more than the 4 GiB .*--kernels js/);
    } finally {
      big.dispose();
    }
  });
});

describe('the workspace in an arena', () => {
  it('keeps slots, weights and caches in the arena and reuses a slot for the same size', () => {
    const ws = new Workspace({ arena });
    const a = ws.f32(1, 10);
    expect(a.buffer).toBe(arena.memory.buffer);
    expect(ws.f32(1, 10)).toBe(a);
    const b = ws.f32(1, 1000);
    expect(b.length).toBe(1000);
    const cache = ws.kvCache(4, 8);
    cache.keyRows(1, 2).fill(3);
    expect(Array.from(cache.keys.subarray(8, 24))).toEqual(new Array(16).fill(3));
    expect(ws.tensor(Float32Array.of(1, 2)).buffer).toBe(arena.memory.buffer);
  });
});
