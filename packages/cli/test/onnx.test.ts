// Every family of models/, shrunk, exported to ONNX and run in ONNX Runtime (onnxruntime-node, CPU):
// a prompt's logits, then greedy decoding with the past fed back, against tdl's CPU backend.
import { describe, expect, it } from 'vitest';
import { allNodes, onnxRefusal } from '@tdl/compiler';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { compileModelFile, liveWeights, modelFiles, SHRUNK } from './support/model-files.js';
import { argmax, exportInMemory, maxAbsDiff, OrtDecoder, ortSession } from './support/onnx.js';
import { floats } from './support/cpu-model.js';

/** How far ONNX Runtime's logits may stray from the CPU backend's (both f32; seen: under 2e-7). */
const TOLERANCE = 1e-4;
const PROMPT = [3, 14, 15, 9, 2];
const STEPS = 4;

describe('ONNX export runs in ONNX Runtime like the CPU backend', () => {
  for (const file of modelFiles()) {
    it(file, async () => {
      const { graph, module } = compileModelFile(file, SHRUNK[file]!);
      // A mixture of experts is refused (packages/cli/test/hf-moe.test.ts checks the CLI's line); nothing else is.
      const refusal = onnxRefusal(graph);
      const isMoe = [...allNodes(graph)].some(({ node }) => node.op === 'moe');
      expect(refusal === undefined).toBe(!isMoe);
      if (refusal) return;
      const weights = liveWeights(module, 7);
      const { exported, bytes } = exportInMemory(graph, weights);
      const memory = exported.memory ? { data: floats(3 * exported.memory.width, 5), length: 3 } : undefined;
      const cpu = new CpuExecutor(module, weights);
      const ort = new OrtDecoder(await ortSession(bytes), exported, memory);
      if (memory) await cpu.setMemory(memory.data, memory.length);

      const vocab = exported.vocab;
      const expected = await cpu.prefill(Int32Array.from(PROMPT), { allLogits: true });
      const got = await ort.forward(PROMPT);
      let worst = maxAbsDiff(got, expected);
      expect(worst).toBeLessThan(TOLERANCE);

      let next = argmax(got, (PROMPT.length - 1) * vocab, PROMPT.length * vocab);
      for (let step = 0; step < STEPS; step++) {
        const cpuLogits = await cpu.decode(next);
        const ortLogits = await ort.forward([next]);
        worst = Math.max(worst, maxAbsDiff(ortLogits, cpuLogits));
        expect(worst).toBeLessThan(TOLERANCE);
        const greedy = argmax(ortLogits);
        expect(greedy).toBe(argmax(cpuLogits));
        next = greedy;
      }
      cpu.dispose();
      if (process.env["TDL_ONNX_REPORT"]) console.log(`${file}: worst ${worst.toExponential(2)}`);
    });
  }
});

/** Families whose self-attention GroupQueryAttention can take, shrunk with heads of 16 channels (its CPU kernel's minimum step). */
const CONTRIB: Record<string, Record<string, number>> = {
  'llama.tdl': { ...SHRUNK['llama.tdl'], d: 64 },
  'mistral.tdl': { ...SHRUNK['mistral.tdl'], d: 64 },
  'qwen2.tdl': { ...SHRUNK['qwen2.tdl'], d: 64 },
  'gemma2.tdl': { ...SHRUNK['gemma2.tdl'], head_dim: 16 },
  'falcon.tdl': { ...SHRUNK['falcon.tdl'], d: 64 },
  'phi2.tdl': { ...SHRUNK['phi2.tdl'], d: 32 },
  'gpt2.tdl': { ...SHRUNK['gpt2.tdl'], d: 32 },
  // ALiBi: GroupQueryAttention takes no per-head bias, so this one keeps the standard attention.
  'bloom.tdl': SHRUNK['bloom.tdl']!,
};

describe('--onnx-ops contrib: ONNX Runtime fused ops give the CPU backend logits', () => {
  for (const [file, set] of Object.entries(CONTRIB)) {
    it(file, async () => {
      const { graph, module } = compileModelFile(file, set);
      const weights = liveWeights(module, 11);
      const { exported, bytes } = exportInMemory(graph, weights, { ops: 'contrib' });
      const count = (op: string) => exported.model.nodes.filter((n) => n.op === op).length;
      expect(count('GroupQueryAttention')).toBe(file === 'bloom.tdl' ? 0 : exported.caches.length);
      // RMS norms become SimplifiedLayerNormalization, fused with the residual sum they read into
      // SkipSimplifiedLayerNormalization; a rotary embedding of part of each head, RotaryEmbedding.
      if (['llama.tdl', 'mistral.tdl', 'qwen2.tdl'].includes(file)) {
        // Pre-norm: every norm but the first layer's reads a residual sum (two per layer, the final norm included).
        expect(count('SkipSimplifiedLayerNormalization')).toBe(2 * exported.caches.length);
        expect(count('SimplifiedLayerNormalization')).toBe(1);
      }
      if (file === 'gemma2.tdl') expect(count('SkipSimplifiedLayerNormalization')).toBeGreaterThan(0);
      if (file === 'phi2.tdl') expect(count('RotaryEmbedding')).toBe(2 * exported.caches.length);
      const cpu = new CpuExecutor(module, weights);
      const ort = new OrtDecoder(await ortSession(bytes), exported);
      const vocab = exported.vocab;
      const got = await ort.forward(PROMPT);
      let worst = maxAbsDiff(got, await cpu.prefill(Int32Array.from(PROMPT), { allLogits: true }));
      let next = argmax(got, (PROMPT.length - 1) * vocab, PROMPT.length * vocab);
      for (let step = 0; step < STEPS; step++) {
        const cpuLogits = await cpu.decode(next);
        const ortLogits = await ort.forward([next]);
        worst = Math.max(worst, maxAbsDiff(ortLogits, cpuLogits));
        expect(argmax(ortLogits)).toBe(argmax(cpuLogits));
        next = argmax(ortLogits);
      }
      expect(worst).toBeLessThan(TOLERANCE);
      cpu.dispose();
      if (process.env['TDL_ONNX_REPORT']) console.log(`${file} contrib: worst ${worst.toExponential(2)}`);
    });
  }
});
