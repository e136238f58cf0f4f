// f16 weights (behind OpenOptions.f16 / --f16): where the adapter offers shader-f16, WebGPU with f16
// matrices gives the CPU's logits with the same weights rounded to f16 (both compute in f32). Where it
// does not (SwiftShader), asking for f16 is a clear error and the comparison is skipped, saying why.
import { describe, expect, it } from 'vitest';
import { toFloat16Bits } from '../src/f16.js';
import { openWebGpu } from '../src/index.js';
import { modelSource, type ModelConfig } from './support/arbitrary-model.js';
import { compileSource, cpuExecutor, maxDifference, webgpuExecutor } from './support/backends.js';
import { deviceOrSkip } from './support/gpu.js';
import { testWeights } from './support/weights.js';

function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  return exponent === 0 ? sign * fraction * 2 ** -24 : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const CONFIG: ModelConfig = {
  vocab: 32, context: 16, d: 16, layers: 2, heads: 4, kvHeads: 2, norm: 'rms_norm', placement: 'pre', positions: 'rope',
  rope: { theta: 10000, fraction: 1, layout: 'half' }, mask: 'causal', window: 4, scoreSoftcap: 0, bias: true, ffn: 'gated_mlp',
  act: 'silu', cross: 'every', memoryNorm: 'layer', memoryWidth: 12, crossHeads: 2, tied: true, embedScale: false, finalNorm: true, logitSoftcap: 0,
};

describe('f16 weights', () => {
  it('give the logits of the CPU with the weights rounded to f16', async (ctx) => {
    const shared = await deviceOrSkip(ctx);
    if (!shared.adapter.features.has('shader-f16')) {
      await expect(openWebGpu(shared.gpu, { f16: true })).rejects.toThrow("f16 weights need the WebGPU feature 'shader-f16', which this adapter does not offer");
      ctx.skip(`this adapter (${shared.description}) does not offer shader-f16`);
    }
    const device = await openWebGpu(shared.gpu, { f16: true });
    try {
      const graph = compileSource(modelSource(CONFIG));
      const weights = testWeights(graph.params, 6);
      const rounded = new Map([...weights].map(([name, w]) => [name, graph.params.find((p) => p.name === name)!.shape.length === 2 ? w.map((x) => fromFloat16Bits(toFloat16Bits(x))) : w]));
      const gpu = await webgpuExecutor(device, graph, weights, { f16: true });
      const cpu = cpuExecutor(graph, rounded);
      const memory = Float32Array.from({ length: 3 * 12 }, (_, i) => Math.cos(i));
      await gpu.setMemory(memory, 3);
      await cpu.setMemory(memory, 3);
      const prompt = Int32Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
      expect(maxDifference(await gpu.prefill(prompt, { allLogits: true }), await cpu.prefill(prompt, { allLogits: true }))).toBeLessThanOrEqual(1e-4);
      gpu.dispose();
    } finally {
      device.destroy();
    }
  });
});
