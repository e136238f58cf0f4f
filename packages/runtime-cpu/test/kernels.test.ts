// CPU kernels against independent formulations in double precision (and published values for erf).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alibiSlopes, attend, erf, gelu, geluTanh, layerNorm, linear, rmsNorm, rope, silu, sinusoidal, type AttentionConfig } from '../src/index.js';

const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol);
}

describe('erf and the activations', () => {
  it('matches published values of erf', () => {
    const table: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [0.7, 0.6778011938374184],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-1, -0.8427007929497149],
    ];
    for (const [x, y] of table) expect(Math.abs(erf(x) - y)).toBeLessThan(1e-12);
  });

  it('computes GELU, its tanh form and SiLU by their definitions', () => {
    const x = Float32Array.from([-3, -1, -0.25, 0, 0.5, 2, 4]);
    const out = new Float32Array(x.length);
    gelu(out, x, x.length);
    // Φ(x) from the identity Φ(x) = erfc(-x/√2)/2, values of Φ at -3, -1, -0.25, 0, 0.5, 2, 4.
    const phi = [0.0013498980316301, 0.15865525393145707, 0.4012936743170763, 0.5, 0.6914624612740131, 0.9772498680518208, 0.9999683287581669];
    close(out, Array.from(x, (v, i) => v * phi[i]!), 1e-6);
    geluTanh(out, x, x.length);
    close(out, Array.from(x, (v) => 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v ** 3)))), 1e-6);
    silu(out, x, x.length);
    close(out, Array.from(x, (v) => v / (1 + Math.exp(-v))), 1e-6);
  });
});

describe('linear and norms', () => {
  it('computes x Wᵀ + b for any sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 19 }), fc.integer({ min: 1, max: 9 }), (rows, n, m) => {
        const x = rand(rows * n, 1);
        const w = rand(m * n, 2);
        const b = rand(m, 3);
        const out = new Float32Array(rows * m);
        linear(out, x, rows, n, m, w, b);
        const want: number[] = [];
        for (let r = 0; r < rows; r++) {
          for (let o = 0; o < m; o++) {
            let s = b[o]!;
            for (let i = 0; i < n; i++) s += x[r * n + i]! * w[o * n + i]!;
            want.push(s);
          }
        }
        close(out, want, 1e-5);
      }),
    );
  });

  it('layer norm gives rows of mean 0 and variance 1 before the affine part', () => {
    const d = 16;
    const x = rand(3 * d, 4).map((v, i) => v * 5 + i);
    const out = new Float32Array(x.length);
    layerNorm(out, x, 3, d, undefined, undefined, 0);
    for (let r = 0; r < 3; r++) {
      const row = Array.from(out.subarray(r * d, r * d + d));
      const mean = row.reduce((a, b) => a + b) / d;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / d;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(Math.abs(variance - 1)).toBeLessThan(1e-4);
    }
  });

  it('rms norm divides by the root mean square and scales by offset + w', () => {
    const x = Float32Array.from([3, 4]);
    const out = new Float32Array(2);
    rmsNorm(out, x, 1, 2, Float32Array.from([0.5, 2]), 0, 1);
    const rms = Math.sqrt((9 + 16) / 2);
    close(out, [(3 / rms) * 1.5, (4 / rms) * 3], 1e-6);
  });
});

describe('positions', () => {
  it('rotary embedding rotates channel pairs by position × frequency, in both layouts', () => {
    const heads = 2;
    const hd = 8;
    const rot = 4;
    const theta = 100;
    const x = rand(3 * heads * hd, 5);
    for (const layout of ['half', 'interleaved'] as const) {
      const y = x.slice();
      rope(y, 3, heads, hd, rot, 7, theta, layout);
      for (let r = 0; r < 3; r++) {
        for (let h = 0; h < heads; h++) {
          const base = (r * heads + h) * hd;
          for (let i = 0; i < rot / 2; i++) {
            const [a, b] = layout === 'half' ? [base + i, base + i + rot / 2] : [base + 2 * i, base + 2 * i + 1];
            // As a complex number (x_a + i x_b) · e^{i (7 + r) θ^{-2i/rot}}.
            const angle = (7 + r) * theta ** ((-2 * i) / rot);
            expect(y[a]).toBeCloseTo(x[a]! * Math.cos(angle) - x[b]! * Math.sin(angle), 5);
            expect(y[b]).toBeCloseTo(x[a]! * Math.sin(angle) + x[b]! * Math.cos(angle), 5);
          }
          // Channels past the rotary dimension are untouched.
          for (let c = rot; c < hd; c++) expect(y[base + c]).toBe(x[base + c]);
        }
      }
    }
  });

  it('sinusoidal table has sin on even channels and cos on odd ones', () => {
    const out = new Float32Array(2 * 6);
    sinusoidal(out, Int32Array.from([0, 5]), 2, 6, 10000);
    close(out.subarray(0, 6), [0, 1, 0, 1, 0, 1], 1e-7);
    close(out.subarray(6), [Math.sin(5), Math.cos(5), Math.sin(5 / 10000 ** (2 / 6)), Math.cos(5 / 10000 ** (2 / 6)), Math.sin(5 / 10000 ** (4 / 6)), Math.cos(5 / 10000 ** (4 / 6))], 1e-6);
  });

  it('ALiBi slopes follow Press et al. for powers of two and BLOOM otherwise', () => {
    close(alibiSlopes(8), [1, 2, 3, 4, 5, 6, 7, 8].map((i) => 2 ** -i), 1e-9);
    close(alibiSlopes(12), [...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => 2 ** -i), 2 ** -0.5, 2 ** -1.5, 2 ** -2.5, 2 ** -3.5], 1e-7);
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
        if (!allowed(j)) {
          scores.push(-Infinity);
          continue;
        }
        let s = 0;
        for (let i = 0; i < c.headDim; i++) s += q[(r * c.heads + h) * c.headDim + i]! * k[(j * c.kvHeads + kvh) * c.headDim + i]!;
        s *= c.scale;
        if (c.softcap > 0) s = c.softcap * Math.tanh(s / c.softcap);
        if (c.slopes) s -= c.slopes[h]! * (pos - j);
        scores.push(s);
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

describe('attention', () => {
  it('matches the textbook formula for every mask, GQA, ALiBi and soft-capping', () => {
    fc.assert(
      fc.property(
        fc.record({
          kvHeads: fc.integer({ min: 1, max: 3 }),
          group: fc.integer({ min: 1, max: 3 }),
          headDim: fc.integer({ min: 1, max: 6 }),
          rows: fc.integer({ min: 1, max: 4 }),
          past: fc.integer({ min: 0, max: 5 }),
          mask: fc.constantFrom(0 as const, 1 as const, 2 as const),
          window: fc.integer({ min: 1, max: 4 }),
          softcap: fc.constantFrom(0, 2),
          alibi: fc.boolean(),
        }),
        (p) => {
          const heads = p.kvHeads * p.group;
          const keys = p.past + p.rows;
          const c: AttentionConfig = {
            heads,
            kvHeads: p.kvHeads,
            headDim: p.headDim,
            mask: p.mask,
            window: p.window,
            scale: 1 / Math.sqrt(p.headDim),
            softcap: p.softcap,
            ...(p.alibi ? { slopes: alibiSlopes(heads) } : {}),
          };
          const q = rand(p.rows * heads * p.headDim, 7);
          const k = rand(keys * p.kvHeads * p.headDim, 8);
          const v = rand(keys * p.kvHeads * p.headDim, 9);
          const out = new Float32Array(p.rows * heads * p.headDim);
          attend(out, q, p.rows, p.past, k, v, keys, c);
          close(out, referenceAttention(q, p.rows, p.past, k, v, keys, c), 1e-5);
        },
      ),
    );
  });
});
