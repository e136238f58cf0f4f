// Every model in models/: Dawn compiles each of its kernels (at the model's real sizes) with no error
// or warning, and the model, shrunk with --set, gives the CPU's logits and greedy tokens on WebGPU.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateWebGpu } from '@tdl/compiler';
import { Rng } from '@tdl/runtime';
import { PipelineCache } from '../src/index.js';
// The model library's shrunk sizes, kept beside its CPU tests (every file of models/ has a row).
import { SHRUNK } from '../../cli/test/support/model-files.js';
import { compileSource, cpuExecutor, greedy, maxDifference, webgpuExecutor } from './support/backends.js';
import { deviceOrSkip } from './support/gpu.js';
import { testWeights } from './support/weights.js';

const DIR = new URL('../../../models/', import.meta.url).pathname;
const MODELS = readdirSync(DIR).filter((f) => f.endsWith('.tdl')).sort();


describe.each(MODELS)('models/%s on WebGPU', (file) => {
  const text = readFileSync(join(DIR, file), 'utf8');

  it('compiles every kernel in Dawn without a message, with f32, f16 and bf16 weights', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    const graph = compileSource(text, file);
    const cache = PipelineCache.of(device.device);
    for (const weights of ['f32', 'f16', 'bf16'] as const) {
      const { plan, kernels } = generateWebGpu(graph, { weights });
      const compiled = await Promise.all(plan.kernels.map((k) => cache.get(k, kernels[k.name]!)));
      expect(compiled.flatMap((c) => c.messages)).toEqual([]);
      expect(compiled).toHaveLength(plan.kernels.length);
    }
  }, 300_000);

  it('runs shrunk like the CPU: logits within 1e-4, the same greedy tokens', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    const set = SHRUNK[file];
    expect(set, `a shrunk size for ${file} in cli/test/support/model-files.ts`).toBeDefined();
    const graph = compileSource(text, file, set);
    const weights = testWeights(graph.params, 3);
    const rng = new Rng(11);
    const prompt = Int32Array.from({ length: 9 }, () => Math.floor(rng.next() * graph.consts['vocab']!));
    const cpu = cpuExecutor(graph, weights);
    const gpu = await webgpuExecutor(device, graph, weights, { maxRows: 4 });
    try {
      if (cpu.spec.memory) {
        const memory = Float32Array.from({ length: 3 * cpu.spec.memory.width }, () => rng.normal());
        await cpu.setMemory(memory, 3);
        await gpu.setMemory(memory, 3);
      }
      const difference = maxDifference(await cpu.prefill(prompt, { allLogits: true }), await gpu.prefill(prompt, { allLogits: true }));
      expect(difference).toBeLessThanOrEqual(1e-4);
      expect(await greedy(gpu, prompt, 5)).toEqual(await greedy(cpu, prompt, 5));
    } finally {
      gpu.dispose();
    }
  }, 300_000);
});
