// The WebGPU executor's contract beyond matching the CPU: clear errors for bad input, limits, kernels
// that do not compile and invalid plans (naming the step), a lost device reported as such, memories
// that grow and shrink, reset, dispose.
import { describe, expect, it } from 'vitest';
import { generateWebGpu } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { DeviceLostError, LimitError, WebGpuError, WebGpuExecutor, type DispatchStep, type PlanStep, type WebGpuProgram } from '../src/index.js';
import { compileSource, cpuExecutor, maxDifference, webgpuExecutor } from './support/backends.js';
import { deviceOrSkip, ownDeviceOrSkip } from './support/gpu.js';
import { testWeights } from './support/weights.js';

const TINY = `model tiny {
  const vocab = 32, context = 16, d = 16, heads = 2, layers = 2
  input tokens: i32[T <= context]
  x = embed: embedding(tokens, vocab, d)
  repeat layers as i {
    x = x + attn: attention(n1: rms_norm(x), heads, pos = rope(), bias = false)
    x = x + mlp: gated_mlp(n2: rms_norm(x), 2 * d)
  }
  output logits = head: linear(norm: rms_norm(x), vocab, bias = false)
}`;

const CROSS = `model cross {
  const vocab = 24, context = 16, d = 8
  input tokens: i32[T <= context]
  input memory: f32[S <= 6, 12]
  x = embed: embedding(tokens, vocab, d)
  repeat 2 as i {
    x = x + attn: attention(n1: layer_norm(x), 2)
    x = x + cross: attention(q = n2: layer_norm(x), kv = memory, heads = 2)
  }
  output logits = head: linear(x, vocab)
}`;

const ids = (...xs: number[]) => Int32Array.from(xs);

describe('WebGPU executor', () => {
  it('refuses bad input with the messages of the CPU backend', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    const graph = compileSource(TINY);
    const weights = testWeights(graph.params, 1);
    await expect(WebGpuExecutor.create(device, generateWebGpu(graph), new Map())).rejects.toThrow(new UsageError('no weights for parameter embed.weight'));
    const gpu = await webgpuExecutor(device, graph, weights);
    const cpu = cpuExecutor(graph, weights);
    try {
      for (const bad of [ids(1, 40), Int32Array.from({ length: 17 }, () => 1), ids()]) {
        const expected = await cpu.prefill(bad).then(() => 'no error', (e: Error) => e.message);
        await expect(gpu.prefill(bad)).rejects.toThrow(expected);
      }
      await expect(gpu.setMemory(new Float32Array(4), 1)).rejects.toThrow("model 'tiny' has no memory input");
    } finally {
      gpu.dispose();
    }
    await expect(gpu.prefill(ids(1))).rejects.toThrow('this WebGPU executor was disposed');
  });

  it('needs the memory first, and recomputes it for memories of any length, growing and shrinking', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    const graph = compileSource(CROSS);
    const weights = testWeights(graph.params, 2);
    const gpu = await webgpuExecutor(device, graph, weights);
    const cpu = cpuExecutor(graph, weights);
    try {
      await expect(gpu.prefill(ids(1, 2))).rejects.toThrow("model 'cross' needs its memory 'memory' set first");
      await expect(gpu.setMemory(new Float32Array(7 * 12), 7)).rejects.toThrow("memory 'memory' has 7 rows; the model allows at most 6");
      for (const rows of [2, 5, 1, 6]) {
        const memory = Float32Array.from({ length: rows * 12 }, (_, i) => Math.sin(i * rows));
        await gpu.setMemory(memory, rows);
        await cpu.setMemory(memory, rows);
        gpu.reset();
        cpu.reset();
        const prompt = ids(3, 1, 4, 1, 5);
        expect(maxDifference(await gpu.prefill(prompt, { allLogits: true }), await cpu.prefill(prompt, { allLogits: true }))).toBeLessThanOrEqual(1e-4);
        expect(maxDifference(await gpu.decode(9), await cpu.decode(9))).toBeLessThanOrEqual(1e-4);
      }
    } finally {
      gpu.dispose();
    }
  });

  it('gives the same logits after reset, and the last row alone equals the last of all rows', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    const graph = compileSource(TINY);
    const gpu = await webgpuExecutor(device, graph, testWeights(graph.params, 3), { maxRows: 3 });
    try {
      const prompt = ids(5, 9, 2, 6, 5, 3, 5);
      const all = await gpu.prefill(prompt, { allLogits: true });
      expect(gpu.position).toBe(7);
      gpu.reset();
      const last = await gpu.prefill(prompt);
      expect(Array.from(last)).toEqual(Array.from(all.subarray(6 * 32)));
    } finally {
      gpu.dispose();
    }
  });

  it('refuses a model over the device limits before allocating, naming the buffer', async (ctx) => {
    const device = await ownDeviceOrSkip(ctx, { defaultLimits: true });
    try {
      const graph = compileSource(TINY.replace('vocab = 32', 'vocab = 70000').replace('d = 16', 'd = 512'));
      const create = WebGpuExecutor.create(device, generateWebGpu(graph), new Map());
      await expect(create).rejects.toThrow(LimitError);
      await expect(create).rejects.toThrow(
        `buffer 'embed.weight' [70000, 512] needs 143,360,000 bytes, more than this adapter's maxStorageBufferBindingSize (${device.limits.maxStorageBufferBindingSize.toLocaleString('en-US')} bytes)`,
      );
    } finally {
      device.destroy();
    }
  });

  it('names a kernel that does not compile and the step of an invalid dispatch', async (ctx) => {
    const device = await deviceOrSkip(ctx);
    const graph = compileSource(TINY);
    const weights = testWeights(graph.params, 4);
    const program = generateWebGpu(graph);
    const broken: WebGpuProgram = { ...program, kernels: { ...program.kernels, rms_norm_16: program.kernels['rms_norm_16']!.replace('let row = r * WIDTH;', 'let row = r * WIDTH') } };
    await expect(WebGpuExecutor.create(device, broken, weights)).rejects.toThrow(WebGpuError);
    await expect(WebGpuExecutor.create(device, broken, weights)).rejects.toThrow(/^kernel 'rms_norm_16' does not compile \(a tdl bug\):\n {2}\d+:\d+ error: /);

    // The head's output also bound as its input: a writable buffer aliased within one dispatch.
    const alias = (steps: readonly PlanStep[]): PlanStep[] =>
      steps.map((s) => (s.op === 'dispatch' && s.name === 'head' ? ({ ...s, bindings: [s.bindings[s.bindings.length - 1]!, ...s.bindings.slice(1)] } as DispatchStep) : s));
    const invalid: WebGpuProgram = { ...program, plan: { ...program.plan, tail: alias(program.plan.tail) } };
    const gpu = await WebGpuExecutor.create(device, invalid, weights);
    try {
      const error = await gpu.prefill(ids(1, 2)).then(() => undefined, (e: Error) => e);
      expect(error).toBeInstanceOf(WebGpuError);
      expect(error!.message).toMatch(/^WebGPU error in step 'head' \(kernel matvec\) while running 2 rows at position 0 of model 'tiny': \[Buffer "logits"\]/);
    } finally {
      gpu.dispose();
    }
  });

  it('reports a lost device as such', async (ctx) => {
    const device = await ownDeviceOrSkip(ctx);
    const graph = compileSource(TINY);
    const gpu = await webgpuExecutor(device, graph, testWeights(graph.params, 5));
    await gpu.prefill(ids(1, 2, 3));
    device.destroy();
    const error = await gpu.decode(4).then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(DeviceLostError);
    expect(error).toBeInstanceOf(UsageError);
    expect(error!.message).toMatch(/^the WebGPU device was lost \(destroyed\)/);
    await expect(gpu.prefill(ids(1))).rejects.toThrow(DeviceLostError);
  });
});
