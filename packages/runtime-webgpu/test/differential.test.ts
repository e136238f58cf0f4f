// CPU and WebGPU agree on random architectures: every position's logits within 1e-4 (absolute, f32),
// and the same greedy continuation. Prompts run in chunks of random sizes, so the KV cache is exercised.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tdl/runtime';
import { modelConfig, modelSource } from './support/arbitrary-model.js';
import { compileSource, cpuExecutor, greedy, maxDifference, webgpuExecutor } from './support/backends.js';
import { deviceOrSkip } from './support/gpu.js';
import { testWeights } from './support/weights.js';

const TOLERANCE = 1e-4;

describe('WebGPU against the CPU on random architectures', () => {
  it('gives the CPU logits within 1e-4 and the same greedy tokens', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    await fc.assert(
      fc.asyncProperty(modelConfig, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1000 }), async (config, length, maxRows, seed) => {
        const source = modelSource(config);
        const graph = compileSource(source, 'random.tdl');
        const weights = testWeights(graph.params, seed);
        const rng = new Rng(seed);
        const prompt = Int32Array.from({ length: Math.min(length, config.context - 4) }, () => Math.floor(rng.next() * config.vocab));
        const cpu = cpuExecutor(graph, weights);
        const gpu = await webgpuExecutor(device, graph, weights, { maxRows });
        try {
          if (cpu.spec.memory) {
            const rows = 1 + (seed % 5);
            const memory = Float32Array.from({ length: rows * cpu.spec.memory.width }, () => rng.normal());
            await cpu.setMemory(memory, rows);
            await gpu.setMemory(memory, rows);
          }
          const expected = await cpu.prefill(prompt, { allLogits: true });
          const actual = await gpu.prefill(prompt, { allLogits: true });
          const difference = maxDifference(expected, actual);
          if (!(difference <= TOLERANCE)) throw new Error(`logits differ by ${difference} (chunks of ${maxRows} rows) for\n${source}`);
          expect(await greedy(gpu, prompt, 4)).toEqual(await greedy(cpu, prompt, 4));
        } finally {
          gpu.dispose();
        }
      }),
      { numRuns: Number(process.env['TDL_PROPERTY_RUNS'] ?? 24), seed: process.env['TDL_PROPERTY_SEED'] ? Number(process.env['TDL_PROPERTY_SEED']) : undefined },
    );
  }, 600_000);

  it('agrees on a model in which nothing mixes positions: the last row alone is the last of all rows', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    const graph = compileSource(`model bigram {
  const vocab = 16, context = 8, d = 4
  input tokens: i32[T <= context]
  output logits = head: linear(silu(embed: embedding(tokens, vocab, d)), vocab)
}`);
    const weights = testWeights(graph.params, 8);
    const prompt = Int32Array.from([3, 14, 15, 9]);
    const cpu = cpuExecutor(graph, weights);
    const gpu = await webgpuExecutor(device, graph, weights);
    try {
      const all = await cpu.prefill(prompt, { allLogits: true });
      cpu.reset();
      const last = await cpu.prefill(prompt);
      expect(Array.from(last)).toEqual(Array.from(all.subarray(3 * 16)));
      expect(maxDifference(await gpu.prefill(prompt, { allLogits: true }), all)).toBeLessThanOrEqual(TOLERANCE);
      gpu.reset();
      expect(maxDifference(await gpu.prefill(prompt), last)).toBeLessThanOrEqual(TOLERANCE);
    } finally {
      gpu.dispose();
    }
  });
});
