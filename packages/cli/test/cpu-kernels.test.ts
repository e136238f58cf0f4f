// The CPU backend's kernel choices agree over random architectures: the WebAssembly kernels give the
// logits of the plain JavaScript ones (within float32 rounding), and on a team of threads give the
// bits of one thread.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { initWeights } from '@tdl/runtime';
import * as cpu from '@tdl/runtime-cpu';
import { nodeThreads } from '../src/threads.js';
import { compileForCpu, floats } from './support/cpu-model.js';
import { randomModel } from './support/random-model.js';

const RUNS = 25;
const prompt = (length: number, vocab: number) => Int32Array.from({ length }, (_, i) => (i * 5 + 2) % vocab);

const executors: cpu.CpuExecutor[] = [];
afterAll(() => executors.forEach((e) => e.dispose()));

async function logits(model: ReturnType<typeof compileForCpu>, options: cpu.CpuOptions, T: number, memoryWidth?: number): Promise<Float32Array> {
  const ex = new cpu.CpuExecutor(model.module, initWeights(model.module.MODEL.params, 2), options);
  executors.push(ex);
  if (memoryWidth) await ex.setMemory(floats(3 * memoryWidth, 6), 3);
  const all = await ex.prefill(prompt(T, model.module.MODEL.vocab), { allLogits: true });
  ex.reset();
  const decoded = [await ex.prefill(prompt(T, model.module.MODEL.vocab).subarray(0, 1))];
  for (let i = 1; i < T; i++) decoded.push(await ex.decode(prompt(T, model.module.MODEL.vocab)[i]!));
  const out = new Float32Array(all.length * 2);
  out.set(all);
  decoded.forEach((row, i) => out.set(row, all.length + i * row.length));
  return out;
}

describe('CPU kernel choices', () => {
  it('WebAssembly and JavaScript kernels give the same logits within float32 rounding', async () => {
    await fc.assert(
      fc.asyncProperty(randomModel(), fc.integer({ min: 1, max: 8 }), async (m, length) => {
        const model = compileForCpu(m.source);
        const T = Math.min(length, m.context);
        const wasm = await logits(model, { wasm: true }, T, m.memoryWidth);
        const js = await logits(model, { wasm: false }, T, m.memoryWidth);
        // The JavaScript kernels sum in double precision, the WebAssembly ones in float32 (as PyTorch
        // does on the CPU): within 8 float32 units (2⁻²³ ≈ 1.2e-7) of the largest logit, through at
        // most 3 small layers (seen: about 1 unit).
        const scale = Math.max(1, ...js.map(Math.abs));
        for (let i = 0; i < js.length; i++) expect(Math.abs(wasm[i]! - js[i]!)).toBeLessThanOrEqual(1e-6 * scale);
      }),
      { numRuns: RUNS },
    );
  });

  it('a team of threads gives the bits of one thread', async () => {
    await fc.assert(
      fc.asyncProperty(randomModel(), fc.integer({ min: 1, max: 8 }), async (m, length) => {
        const model = compileForCpu(m.source);
        const T = Math.min(length, m.context);
        const one = await logits(model, { wasm: true }, T, m.memoryWidth);
        const three = await logits(model, { wasm: true, threads: nodeThreads(3) }, T, m.memoryWidth);
        expect(Array.from(three)).toEqual(Array.from(one));
      }),
      { numRuns: 10 },
    );
  });
});
