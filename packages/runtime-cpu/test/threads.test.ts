// Kernels on a team of worker threads give the bits of the main thread alone, and a worker that never
// starts holds nothing up.
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Arena, attend, linear, silu, WEIGHT_FORMATS, type AttentionConfig, type SpawnWorker, type WeightFormat } from '../src/index.js';

const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);

const spawn: SpawnWorker = (source) => {
  const worker = new Worker(source, { eval: true });
  worker.unref();
  return worker;
};

const solo = new Arena();
const team = new Arena({ threads: { threads: 3, spawn } });
afterAll(() => {
  solo.dispose();
  team.dispose();
});

function linearIn(arena: Arena, rows: number, n: number, m: number, format: WeightFormat = 'f32'): Float32Array {
  const out = arena.allocF32(rows * m);
  linear(out, arena.copyIn(rand(rows * n, 1)), rows, n, m, arena.pack(rand(m * n, 2), m, n, format), arena.copyIn(rand(m, 3)));
  return out;
}

function attentionIn(arena: Arena, rows: number, past: number, heads: number, kvHeads: number, headDim: number): Float32Array {
  const keys = past + rows;
  const c: AttentionConfig = { heads, kvHeads, headDim, mask: 1, window: 0, scale: 0.5, softcap: 0 };
  const out = arena.allocF32(rows * heads * headDim);
  const k = arena.copyIn(rand(keys * kvHeads * headDim, 5));
  const v = arena.copyIn(rand(keys * kvHeads * headDim, 6));
  attend(out, arena.copyIn(rand(rows * heads * headDim, 4)), rows, past, k, v, keys, c);
  return out;
}

describe('a thread team', () => {
  it('computes linear maps and attention bit for bit as one thread does', () => {
    expect(team.threads).toBe(3);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 700 }), fc.constantFrom(...WEIGHT_FORMATS), (rows, n, m, format) => {
        // 16-bit weights with several rows widen panels in each thread's own scratch.
        expect(Array.from(linearIn(team, rows, n, m, format))).toEqual(Array.from(linearIn(solo, rows, n, m, format)));
      }),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), (rows, past, kvHeads, group) => {
        expect(Array.from(attentionIn(team, rows, past, kvHeads * group, kvHeads, 16))).toEqual(Array.from(attentionIn(solo, rows, past, kvHeads * group, kvHeads, 16)));
      }),
      { numRuns: 40 },
    );
  });

  it('computes SiLU over many floats bit for bit as one thread does', () => {
    const n = 70_001;
    const results = [solo, team].map((arena) => {
      const x = arena.allocF32(n);
      for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.37) * 9;
      const out = arena.allocF32(n);
      silu(out, x, n);
      return out;
    });
    expect(Array.from(results[1]!)).toEqual(Array.from(results[0]!));
  });

  it('has its workers join tasks once they are up', async () => {
    const deadline = Date.now() + 20_000;
    while (team.joined.some((n) => n === 0) && Date.now() < deadline) {
      linearIn(team, 4, 512, 2048);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(team.joined.every((n) => n > 0)).toBe(true);
  });

  it('finishes every task without a worker that never starts', () => {
    const silent: SpawnWorker = () => ({ postMessage() {}, terminate() {} });
    const stalled = new Arena({ threads: { threads: 2, spawn: silent } });
    try {
      expect(Array.from(linearIn(stalled, 3, 64, 100))).toEqual(Array.from(linearIn(solo, 3, 64, 100)));
      expect(stalled.joined).toEqual([0]);
    } finally {
      stalled.dispose();
    }
  });
});
