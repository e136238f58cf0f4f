// The mixture-of-experts kernel against a dense formulation in double precision (every expert run on
// every row, weighted by a top-k mask), and the promise that an expert no row chose is never read.
import { describe, expect, it } from 'vitest';
import { Arena, moe, route, silu, type Expert } from '../src/index.js';

const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);

/** x · wᵀ for one row, in double precision. */
function matvec(x: ArrayLike<number>, w: ArrayLike<number>, out: number, inDim: number): number[] {
  return Array.from({ length: out }, (_, o) => {
    let s = 0;
    for (let c = 0; c < inDim; c++) s += x[c]! * w[o * inDim + c]!;
    return s;
  });
}

/** Every expert on every row; weights are the softmax masked to the top k (renormalised or not). */
function dense(x: Float32Array, rows: number, d: number, h: number, k: number, norm: boolean, router: Float32Array, experts: Float32Array[][]): number[] {
  const E = experts.length;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const xr = x.subarray(r * d, r * d + d);
    const logits = matvec(xr, router, E, d);
    const m = Math.max(...logits);
    const z = logits.reduce((s, l) => s + Math.exp(l - m), 0);
    const p = logits.map((l) => Math.exp(l - m) / z);
    const chosen = [...p.keys()].sort((a, b) => p[b]! - p[a]! || a - b).slice(0, k);
    const total = chosen.reduce((s, e) => s + p[e]!, 0);
    const y = new Array<number>(d).fill(0);
    for (const e of chosen) {
      const [wg, wu, wd] = experts[e]!;
      const g = matvec(xr, wg!, h, d);
      const u = matvec(xr, wu!, h, d);
      const hid = g.map((v, i) => (v / (1 + Math.exp(-v))) * u[i]!);
      const o = matvec(hid, wd!, d, h);
      const wgt = norm ? p[e]! / total : p[e]!;
      o.forEach((v, c) => (y[c]! += wgt * v));
    }
    out.push(...y);
  }
  return out;
}

describe('moe', () => {
  const [rows, d, h, E] = [7, 12, 20, 5];
  const x = rand(rows * d, 1);
  const router = rand(E * d, 2).map((v) => v * 3); // spread the router's choices
  const raw = Array.from({ length: E }, (_, e) => [rand(h * d, 10 + e), rand(h * d, 20 + e), rand(d * h, 30 + e)]);

  for (const [k, norm] of [
    [2, true],
    [2, false],
    [1, true],
    [5, true],
  ] as const) {
    it(`top ${k} of ${E}${norm ? ', renormalised' : ''}: the dense formulation's output, with plain and packed weights`, () => {
      const want = dense(x, rows, d, h, k, norm, router, raw);
      const arena = new Arena();
      for (const pack of [false, true]) {
        const experts = raw.map((w) => (pack ? [arena.pack(w[0]!, h, d), arena.pack(w[1]!, h, d), arena.pack(w[2]!, d, h)] : w) as unknown as Expert);
        const out = new Float32Array(rows * d);
        moe(out, x, rows, d, h, k, norm, silu, pack ? arena.pack(router, E, d) : router, experts);
        for (let i = 0; i < want.length; i++) expect(Math.abs(out[i]! - want[i]!)).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it("never reads an expert no row chose: that expert's weights may be anything", () => {
    // Route one row and find an expert it does not choose.
    const logits = new Float32Array(E);
    for (let e = 0; e < E; e++) logits[e] = matvec(x.subarray(0, d), router, E, d)[e]!;
    const choice = new Int32Array(2);
    route(choice, new Float32Array(2), logits, 1, E, 2, true);
    const unused = [...Array(E).keys()].find((e) => !choice.includes(e))!;
    const poison = new Proxy(new Float32Array(h * d), {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) throw new Error(`expert ${unused} was read`);
        const v = Reflect.get(target, key) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const experts = raw.map((w, e) => (e === unused ? [poison, poison, poison] : w) as unknown as Expert);
    const out = new Float32Array(d);
    moe(out, x.subarray(0, d), 1, d, h, 2, true, silu, router, experts);
    const want = dense(x.subarray(0, d), 1, d, h, 2, true, router, raw);
    for (let i = 0; i < d; i++) expect(Math.abs(out[i]! - want[i]!)).toBeLessThanOrEqual(1e-5);
  });

  it('route keeps the softmax probabilities of the top k, renormalised on request, the lower index first among equals', () => {
    const logits = Float32Array.from([1, 3, 3, 0]);
    const p = [1, 3, 3, 0].map((l) => Math.exp(l)).map((v, _, a) => v / a.reduce((s, u) => s + u, 0));
    const choice = new Int32Array(2);
    const weight = new Float32Array(2);
    route(choice, weight, logits, 1, 4, 2, false);
    expect([...choice]).toEqual([1, 2]);
    expect(weight[0]).toBeCloseTo(p[1]!, 6);
    route(choice, weight, logits, 1, 4, 2, true);
    expect([...weight]).toEqual([0.5, 0.5]);
  });
});
