// The CLI's CPU flags: --threads and --kernels change how a model runs, never what greedy decoding
// picks (threads give the bits of one thread); --weight-dtype keeps matrices in 16 bits or ggml blocks; bad values
// get one clear line.
import { describe, expect, it } from 'vitest';
import { initWeights } from '@tdl/runtime';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { type CliIO } from '../src/index.js';
import { tdl } from './support/run-cli.js';
import { loadCpuModule, loadModel } from '../src/model.js';

const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;

describe('tdl run --threads, --kernels and --weight-dtype', () => {
  it('generates the same tokens on one thread and on three', async () => {
    const run = async (threads: string) => JSON.parse((await tdl('run', TINY, '--ids', '1,2,3', '--max-tokens', '12', '--json', '--threads', threads)).stdout).generatedIds;
    const one = await run('1');
    expect(one).toHaveLength(12);
    expect(await run('3')).toEqual(one);
    const js = await tdl('run', TINY, '--ids', '1,2,3', '--max-tokens', '3', '--json', '--kernels', 'js');
    expect(js.code).toBe(0);
  });

  it('refuses an unknown kernel set or a thread count below 1', async () => {
    const k = await tdl('run', TINY, '--kernels', 'gpu');
    expect([k.code, k.stderr]).toEqual([1, "tdl: error: unknown --kernels 'gpu': use wasm or js\n"]);
    const t = await tdl('run', TINY, '--threads', '0');
    expect(t.code).toBe(1);
    expect(t.stderr).toBe("tdl: error: --threads must be a whole number of at least 1, got '0'\n");
  });

  it('runs bf16 and f16 matrices, with the same tokens on one thread and on three', async () => {
    for (const dtype of ['bf16', 'f16']) {
      const run = async (threads: string) => {
        const r = await tdl('run', TINY, '--ids', '4,5', '--max-tokens', '10', '--json', '--weight-dtype', dtype, '--threads', threads);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout).generatedIds;
      };
      const one = await run('1');
      expect(one).toHaveLength(10);
      expect(await run('3')).toEqual(one);
    }
  });

  it('refuses 16-bit matrices on the JavaScript kernels, and f16 for values beyond its range, by name', async () => {
    const js = await tdl('run', TINY, '--kernels', 'js', '--weight-dtype', 'bf16');
    expect([js.code, js.stderr]).toEqual([1, 'tdl: error: bf16 weights need the WebAssembly kernels (the JavaScript ones keep f32)\n']);
    const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };
    const module = loadCpuModule(loadModel(quiet, TINY, {}).graph);
    const weights = initWeights(module.MODEL.params, 1);
    const matrix = module.MODEL.packed[0]!;
    weights.get(matrix)![5] = -70000;
    expect(() => new CpuExecutor(module, weights, { weightFormat: 'f16' })).toThrow(`weight '${matrix}' holds -70000, beyond f16's range (±65504): keep the weights in bf16 or f32`);
    new CpuExecutor(module, weights, { weightFormat: 'bf16' }).dispose();
  });

  it('runs q8_0 and q4_0 matrices, with the same tokens on one thread and on three', async () => {
    for (const dtype of ['q8_0', 'q4_0']) {
      const run = async (threads: string) => {
        const r = await tdl('run', TINY, '--set', 'd=32', '--ids', '4,5', '--max-tokens', '10', '--json', '--weight-dtype', dtype, '--threads', threads);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout).generatedIds;
      };
      const one = await run('1');
      expect(one).toHaveLength(10);
      expect(await run('3')).toEqual(one);
    }
  });

  it('keeps block matrices as blocks only: no f32 copy of a quantized matrix stays in the arena', () => {
    const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };
    const module = loadCpuModule(loadModel(quiet, TINY, { d: 64, vocab: 512 }).graph);
    const shapes = new Map(module.MODEL.params.map((p) => [p.name, p.shape] as const));
    const blocked = module.MODEL.packed.filter((n) => shapes.get(n)![1]! % 32 === 0).reduce((n, p) => n + shapes.get(p)!.reduce((a, b) => a * b, 1), 0);
    expect(blocked).toBeGreaterThan(50_000);
    const bytes = (weightFormat: 'f32' | 'q8_0' | 'q4_0') => {
      const executor = new CpuExecutor(module, initWeights(module.MODEL.params, 2), { weightFormat });
      const used = executor.arenaBytes;
      executor.dispose();
      return used;
    };
    const f32 = bytes('f32');
    // Each quantized weight saves 4 bytes less its block share (34 or 18 bytes a 32): an f32 copy kept would save nothing.
    expect(f32 - bytes('q8_0')).toBeGreaterThanOrEqual(blocked * (4 - 34 / 32) * 0.99);
    expect(f32 - bytes('q4_0')).toBeGreaterThanOrEqual(blocked * (4 - 18 / 32) * 0.99);
  });

  it('refuses q8_0 and q4_0 where no kernel reads blocks: the JavaScript kernels, WebGPU, an ONNX export', async () => {
    const js = await tdl('run', TINY, '--kernels', 'js', '--weight-dtype', 'q8_0');
    expect([js.code, js.stderr]).toEqual([1, 'tdl: error: q8_0 weights need the WebAssembly kernels (the JavaScript ones keep f32)\n']);
    const gpu = await tdl('run', TINY, '--backend', 'webgpu', '--weight-dtype', 'q4_0');
    expect([gpu.code, gpu.stderr]).toEqual([1, 'tdl: error: --weight-dtype q4_0 runs on the CPU backend only (WebGPU has no kernels for ggml blocks yet): use f32, f16 or bf16 there\n']);
    const plan = await tdl('compile', TINY, '--target', 'webgpu', '--weight-dtype', 'q8_0', '--out', '/nonexistent/never-written');
    expect([plan.code, plan.stderr]).toEqual([1, 'tdl: error: --weight-dtype q8_0 runs on the CPU backend only (WebGPU has no kernels for ggml blocks yet): use f32, f16 or bf16 there\n']);
    const onnx = await tdl('compile', TINY, '--target', 'onnx', '--weight-dtype', 'q4_0', '--out', '/nonexistent/never-written');
    expect([onnx.code, onnx.stderr]).toEqual([
      1,
      'tdl: error: --weight-dtype q4_0 is not exported to ONNX yet (no MatMulNBits export): use f32 or f16, or run the model on the CPU with --weight-dtype q4_0\n',
    ]);
  });

  it('decodes without allocating in the arena after the first step, in every weight format', async () => {
    const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };
    const module = loadCpuModule(loadModel(quiet, TINY, { d: 32 }).graph);
    for (const weightFormat of ['f32', 'bf16', 'f16', 'q8_0', 'q4_0'] as const) {
      const executor = new CpuExecutor(module, initWeights(module.MODEL.params, 2), { weightFormat });
      await executor.prefill(Int32Array.of(1, 2, 3));
      await executor.decode(4);
      const used = executor.arenaBytes;
      expect(used).toBeGreaterThan(0);
      for (let t = 0; t < 20; t++) await executor.decode(5 + t);
      expect(executor.arenaBytes, weightFormat).toBe(used);
      executor.dispose();
    }
  });
});
