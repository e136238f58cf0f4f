// CPU and WebGPU agree on random architectures: every position's logits within 1e-4 (absolute, f32),
// and the same greedy continuation. Prompts run in chunks of random sizes, so the KV cache is exercised;
// a third of the runs keep the matrices in f16 and a third in bf16 (against the CPU with the same
// weights rounded to that format).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tdl/runtime';
import { modelConfig, modelSource } from './support/arbitrary-model.js';
import { compileSource, cpuExecutor, greedy, maxDifference, webgpuExecutor } from './support/backends.js';
import { roundMatrices } from './support/f16.js';
import { deviceOrSkip } from './support/gpu.js';
import { testWeights } from './support/weights.js';

const TOLERANCE = 1e-4;

describe('WebGPU against the CPU on random architectures', () => {
  it('gives the CPU logits within 1e-4 and the same greedy tokens', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    await fc.assert(
      fc.asyncProperty(modelConfig, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom('f32' as const, 'f16' as const, 'bf16' as const), async (config, length, maxRows, seed, format) => {
        const source = modelSource(config);
        const graph = compileSource(source, 'random.tdl');
        const weights = testWeights(graph.params, seed);
        // With 16-bit matrices the reference is the CPU with the same weights rounded to the format.
        const rng = new Rng(seed);
        const prompt = Int32Array.from({ length: Math.min(length, config.context - 4) }, () => Math.floor(rng.next() * config.vocab));
        const cpu = cpuExecutor(graph, format === 'f32' ? weights : roundMatrices(graph.params, weights, format));
        const gpu = await webgpuExecutor(device, graph, weights, { maxRows, weights: format });
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
          if (!(difference <= TOLERANCE)) throw new Error(`logits differ by ${difference} (chunks of ${maxRows} rows, ${format} weights) for\n${source}`);
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

  it('agrees on two regions, one of which passes a carried value to another (a swap)', async (ctx) => {
    // The CPU backend's layer copies its results back in order, so a result that is another carried
    // value reads a buffer already overwritten; the reference is the CPU with that value multiplied
    // by 1 (exact), which it computes into a buffer of its own.
    const device = await deviceOrSkip(ctx);
    const model = (pass: string) => `model streams {
  const vocab = 24, context = 12, d = 8
  input tokens: i32[T <= context]
  x = embed: embedding(tokens, vocab, d)
  y = x * 0.5
  a: repeat 3 as l {
    t = x
    x = y + att: attention(n1: layer_norm(x), 2, mask = sliding(3))
    y = ${pass}
  }
  b: repeat 1 as l {
    x = x + mlp: mlp(n2: rms_norm(x), 16)
  }
  output logits = head: linear(x - y, vocab)
}`;
    const graph = compileSource(model('t'));
    const weights = testWeights(graph.params, 9);
    const prompt = Int32Array.from([1, 5, 2, 23, 7, 7, 0]);
    const cpu = cpuExecutor(compileSource(model('t * 1')), weights);
    const gpu = await webgpuExecutor(device, graph, weights, { maxRows: 3 });
    try {
      expect(maxDifference(await gpu.prefill(prompt, { allLogits: true }), await cpu.prefill(prompt, { allLogits: true }))).toBeLessThanOrEqual(TOLERANCE);
      expect(await greedy(gpu, prompt, 4)).toEqual(await greedy(cpu, prompt, 4));
    } finally {
      gpu.dispose();
    }
  });

  it('runs attention outside any region like the same attention in a region of one layer', async (ctx) => {
    // The CPU backend does not generate attention outside a region yet, so the reference is the CPU
    // running the same computation wrapped in \`repeat 1\`, its parameters renamed w.0.… .
    const device = await deviceOrSkip(ctx);
    const body = 'x = x + top: attention(n0: rms_norm(x), 2, pos = rope(), kv_heads = 1)';
    const model = (inner: string) => `model top {
  const vocab = 24, context = 12, d = 8
  input tokens: i32[T <= context]
  x = embed: embedding(tokens, vocab, d)
  ${inner}
  output logits = head: linear(x, vocab)
}`;
    const flat = compileSource(model(body));
    const wrapped = compileSource(model(`w: repeat 1 as l {\n    ${body}\n  }`));
    const weights = testWeights(flat.params, 10);
    const renamed = new Map([...weights].map(([name, w]) => [flat.params.some((p) => p.name === name) && !wrapped.params.some((p) => p.name === name) ? `w.0.${name}` : name, w]));
    const prompt = Int32Array.from([4, 8, 15, 16, 23]);
    const cpu = cpuExecutor(wrapped, renamed);
    const gpu = await webgpuExecutor(device, flat, weights, { maxRows: 2 });
    try {
      expect(maxDifference(await gpu.prefill(prompt, { allLogits: true }), await cpu.prefill(prompt, { allLogits: true }))).toBeLessThanOrEqual(TOLERANCE);
      expect(await greedy(gpu, prompt, 4)).toEqual(await greedy(cpu, prompt, 4));
    } finally {
      gpu.dispose();
    }
  });

  it('gives the logits when the output is an attention itself (computed before the tail, then cut to its rows)', async (ctx) => {
    // The reference is the CPU running the same attention inside \`repeat 1\` (the CPU backend does not
    // generate attention outside a region), its parameters renamed w.0.… .
    const device = await deviceOrSkip(ctx);
    const model = (body: string) => `model direct {
  const vocab = 16, context = 8, d = 16
  input tokens: i32[T <= context]
  x = embed: embedding(tokens, vocab, d)
  ${body}
}`;
    const flat = compileSource(model('output logits = head: attention(x, 2)'));
    const wrapped = compileSource(model('w: repeat 1 as l {\n    x = head: attention(x, 2)\n  }\n  output logits = x'));
    const weights = testWeights(flat.params, 11);
    const renamed = new Map([...weights].map(([name, w]) => [name.startsWith('head.') ? `w.0.${name}` : name, w]));
    const prompt = Int32Array.from([2, 7, 1, 8]);
    const cpu = cpuExecutor(wrapped, renamed);
    const gpu = await webgpuExecutor(device, flat, weights);
    try {
      expect(maxDifference(await gpu.prefill(prompt, { allLogits: true }), await cpu.prefill(prompt, { allLogits: true }))).toBeLessThanOrEqual(TOLERANCE);
      expect(await greedy(gpu, prompt, 3)).toEqual(await greedy(cpu, prompt, 3));
    } finally {
      gpu.dispose();
    }
  });
});
