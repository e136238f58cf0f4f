// Properties of the CPU backend over random architectures: produced shapes are the inferred shapes,
// logits are causal, the KV cache gives full recomputation's logits, sliding windows forget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evalDim, valueTypes } from '@tdl/compiler';
import * as cpu from '@tdl/runtime-cpu';
import { compileForCpu, floats } from './support/cpu-model.js';
import { randomModel } from './support/random-model.js';

const RUNS = 25;

/** Token ids for a prompt, within the vocabulary. */
const prompt = (length: number, vocab: number, salt = 0) => Int32Array.from({ length }, (_, i) => (i * 7 + 3 + salt) % vocab);

async function allLogits(ex: cpu.CpuExecutor, tokens: Int32Array, memory?: Float32Array, memoryLength = 0): Promise<Float32Array> {
  ex.reset();
  if (memory) await ex.setMemory(memory, memoryLength);
  return ex.prefill(tokens, { allLogits: true });
}

describe('CPU backend properties', () => {
  it('produces exactly the shapes the checker inferred', async () => {
    await fc.assert(
      fc.asyncProperty(randomModel(), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), async (m, T, S) => {
        const requests: { slot: number; n: number; phase: 'memory' | 'step' }[] = [];
        let phase: 'memory' | 'step' = 'step';
        class RecordingWorkspace extends cpu.Workspace {
          override f32(slot: number, n: number) {
            requests.push({ slot, n, phase });
            return super.f32(slot, n);
          }
          override i32(slot: number, n: number) {
            requests.push({ slot, n, phase });
            return super.i32(slot, n);
          }
        }
        const model = compileForCpu(m.source, { ...cpu, Workspace: RecordingWorkspace });
        const ex = model.executor();
        if (m.memoryWidth) {
          phase = 'memory';
          await ex.setMemory(floats(S * m.memoryWidth, 2), S);
          phase = 'step';
        }
        await ex.prefill(prompt(Math.min(T, m.context), m.vocab), { allLogits: true });
        const types = valueTypes(model.graph);
        const seen = new Set<number>();
        for (const r of requests) {
          const type = types.get(r.slot);
          if (!type) continue; // scratch slots of kernels, not values of the graph
          const expected = type.shape.reduce((acc, d) => acc * evalDim(d, { T: Math.min(T, m.context), S }), 1);
          expect({ slot: r.slot, n: r.n }).toEqual({ slot: r.slot, n: expected });
          seen.add(r.slot);
        }
        for (const [id, type] of types) {
          const node = [...model.graph.items].find((i) => i.op !== 'repeat' && i.id === id);
          if (node && (node.op === 'input' || node.op === 'carried')) continue;
          if (type && node) expect(seen.has(id)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the logits at position t when tokens after t change', async () => {
    await fc.assert(
      fc.asyncProperty(randomModel(), fc.integer({ min: 2, max: 8 }), fc.nat(), async (m, length, cut) => {
        const T = Math.min(length, m.context);
        const t = cut % (T - 1); // positions 0 … t keep their tokens
        const model = compileForCpu(m.source);
        const ex = model.executor();
        const memory = m.memoryWidth ? floats(3 * m.memoryWidth, 4) : undefined;
        const a = prompt(T, m.vocab);
        const b = a.slice();
        for (let i = t + 1; i < T; i++) b[i] = (b[i]! + 1 + i) % m.vocab;
        const la = await allLogits(ex, a, memory, 3);
        const lb = await allLogits(ex, b, memory, 3);
        expect(Array.from(lb.subarray(0, (t + 1) * m.vocab))).toEqual(Array.from(la.subarray(0, (t + 1) * m.vocab)));
      }),
      { numRuns: RUNS },
    );
  });

  it('decoding with the KV cache gives the logits of full recomputation', async () => {
    await fc.assert(
      fc.asyncProperty(randomModel(), fc.integer({ min: 2, max: 10 }), fc.nat(), async (m, length, split) => {
        const T = Math.min(length, m.context);
        const first = 1 + (split % (T - 1));
        const model = compileForCpu(m.source);
        const ex = model.executor(3);
        const memory = m.memoryWidth ? floats(2 * m.memoryWidth, 5) : undefined;
        const tokens = prompt(T, m.vocab, 1);
        const full = await allLogits(ex, tokens, memory, 2);
        ex.reset();
        const rows = [await ex.prefill(tokens.subarray(0, first))];
        for (let i = first; i < T; i++) rows.push(await ex.decode(tokens[i]!));
        rows.forEach((row, k) => {
          const pos = first - 1 + k;
          const want = full.subarray(pos * m.vocab, (pos + 1) * m.vocab);
          for (let v = 0; v < m.vocab; v++) {
            expect(Math.abs(row[v]! - want[v]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[v]!)));
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('a sliding window of w makes one layer forget tokens w or more steps back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }).chain((w) => randomModel({ slidingWindow: w, allowMemory: false })), async (m) => {
        const w = m.window!;
        const T = Math.min(m.context, w + 4);
        const model = compileForCpu(m.source);
        const ex = model.executor(4);
        const a = prompt(T, m.vocab);
        const last = T - 1;
        // Tokens at positions ≤ last - w lie outside the window of the last position.
        const b = a.slice();
        for (let i = 0; i <= last - w; i++) b[i] = (b[i]! + 5) % m.vocab;
        const la = await allLogits(ex, a);
        const lb = await allLogits(ex, b);
        const row = (l: Float32Array) => Array.from(l.subarray(last * m.vocab, (last + 1) * m.vocab));
        expect(row(lb)).toEqual(row(la));
      }),
      { numRuns: RUNS },
    );
  });
});
