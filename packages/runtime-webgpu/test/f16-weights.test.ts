// 16-bit weights (--weight-dtype f16|bf16): matrices stored two to a 32-bit word, f16 decoded by WGSL's
// core unpack2x16float and bf16 by a shift or a mask, so any adapter runs them (SwiftShader included).
// With the same weights rounded to the format, WebGPU gives the CPU's logits (both compute in f32) and
// greedy tokens; the weights take half the memory.
import { describe, expect, it } from 'vitest';
import { generateWebGpu } from '@tdl/compiler';
import { modelSource, type ModelConfig } from './support/arbitrary-model.js';
import { compileSource, cpuExecutor, greedy, maxDifference, webgpuExecutor } from './support/backends.js';
import { roundMatrices } from './support/f16.js';
import { deviceOrSkip } from './support/gpu.js';
import { testWeights } from './support/weights.js';

const CONFIG: ModelConfig = {
  vocab: 32, context: 16, d: 16, layers: 2, heads: 4, kvHeads: 2, norm: 'rms_norm', placement: 'pre', positions: 'rope',
  rope: { theta: 10000, fraction: 1, layout: 'half' }, mask: 'causal', window: 4, scoreSoftcap: 0, bias: true, ffn: 'gated_mlp',
  act: 'silu', cross: 'every', memoryNorm: 'layer', memoryWidth: 12, crossHeads: 2, tied: true, embedScale: false, finalNorm: true, logitSoftcap: 0,
};

describe.each(['f16', 'bf16'] as const)('%s weights', (format) => {
  it('give the logits of the CPU with the weights rounded to the format, in half the memory', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    const graph = compileSource(modelSource(CONFIG));
    const weights = testWeights(graph.params, 6);
    const rounded = roundMatrices(graph.params, weights, format);
    // Rounding matters here: the f32 weights give other logits.
    const exact = cpuExecutor(graph, weights);
    const cpu = cpuExecutor(graph, rounded);
    const gpu = await webgpuExecutor(device, graph, weights, { weights: format, maxRows: 5 });
    try {
      const memory = Float32Array.from({ length: 3 * 12 }, (_, i) => Math.cos(i));
      for (const e of [exact, cpu, gpu]) await e.setMemory(memory, 3);
      const prompt = Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
      const expected = await cpu.prefill(prompt, { allLogits: true });
      expect(maxDifference(await gpu.prefill(prompt, { allLogits: true }), expected)).toBeLessThanOrEqual(1e-4);
      expect(maxDifference(await exact.prefill(prompt, { allLogits: true }), expected)).toBeGreaterThan(1e-3);
      expect(await greedy(gpu, prompt, 4)).toEqual(await greedy(cpu, prompt, 4));
    } finally {
      gpu.dispose();
    }
  });

  it('store every matrix, and only the matrices, in the format', () => {
    const graph = compileSource(modelSource(CONFIG));
    const { plan, kernels } = generateWebGpu(graph, { weights: format });
    expect(plan.weights).toBe(format);
    for (const b of plan.buffers.filter((x) => x.role === 'weight')) {
      const p = graph.params.find((q) => q.name.replace(/\.\d+\./, '.{i}.') === b.name || q.name === b.name)!;
      expect(b.dtype, b.name).toBe(p.shape.length === 2 ? format : 'f32');
    }
    const readers = plan.kernels.filter((k) => /^(matmul|matvec|embedding)/.test(k.name));
    expect(readers.length).toBeGreaterThan(0);
    for (const k of readers) expect(kernels[k.name]).toContain(format === 'f16' ? 'unpack2x16float' : 'word & 0xffff0000u');
    for (const source of Object.values(kernels)) expect(source).not.toContain('enable f16');
  });
});
