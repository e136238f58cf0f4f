// The CLI on the WebGPU backend: the same tokens and logits as the CPU, one line on stderr naming the
// adapter, a compiled plan on disk, and clear errors for a wrong backend or target.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource } from '@tdl/compiler';
import { bufferSource, encodeSafetensors, initWeights, readHeader, readTensorF32 } from '@tdl/runtime';
import { openExecutor } from '../src/index.js';
import { tdl } from './support/run-cli.js';

const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;
const TRANSFORMER = new URL('../../../models/transformer.tdl', import.meta.url).pathname;
const SMALL = ['--set', 'vocab=40', '--set', 'd=16', '--set', 'heads=2', '--set', 'd_ff=24', '--set', 'layers=2', '--set', 'context=24'];
const temp = mkdtempSync(join(tmpdir(), 'tdl-webgpu-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs a WebGPU command; skips the test when this machine has no adapter (unless CI requires one). */
async function onWebGpu(ctx: { skip: (note?: string) => never }, ...argv: string[]) {
  const r = await tdl(...argv, '--backend', 'webgpu');
  if (r.code !== 0 && /no WebGPU adapter/.test(r.stderr) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(r.stderr.trim());
  return r;
}

async function logitsOf(path: string): Promise<Float32Array> {
  const src = bufferSource(new Uint8Array(readFileSync(path)));
  return readTensorF32(src, (await readHeader(src)).tensors.get('logits')!);
}

describe('tdl on WebGPU', () => {
  it('generates the tokens the CPU generates', async (ctx) => {
    const gpu = await onWebGpu(ctx, 'run', TINY, '--ids', '1,2,3', '--max-tokens', '6', '--json');
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(gpu.stderr.match(/^tdl: WebGPU on .+$/gm)).toHaveLength(1);
    const cpu = await tdl('run', TINY, '--ids', '1,2,3', '--max-tokens', '6', '--json');
    expect(JSON.parse(gpu.stdout).generatedIds).toEqual(JSON.parse(cpu.stdout).generatedIds);
    expect(JSON.parse(gpu.stdout).generatedIds).toHaveLength(6);
  });

  it('writes the logits the CPU writes, for a model with a memory', async (ctx) => {
    const memory = join(temp, 'memory.safetensors');
    const data = Float32Array.from({ length: 3 * 16 }, (_, i) => Math.sin(i));
    const chunks = encodeSafetensors([{ name: 'memory', shape: [3, 16], data }]);
    writeFileSync(memory, Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength))));
    const args = ['logits', TRANSFORMER, ...SMALL, '--memory', memory, '--ids', '5,6,7,8'];
    const gpu = await onWebGpu(ctx, ...args, '--out', join(temp, 'gpu.safetensors'));
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(gpu.stderr.match(/^tdl: WebGPU on .+$/gm)).toHaveLength(1);
    expect((await tdl(...args, '--out', join(temp, 'cpu.safetensors'))).code).toBe(0);
    const [a, b] = [await logitsOf(join(temp, 'gpu.safetensors')), await logitsOf(join(temp, 'cpu.safetensors'))];
    expect(a).toHaveLength(4 * 40);
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThanOrEqual(1e-4);
  });

  it.for(['f16', 'bf16'])('runs %s weights (--weight-dtype) like the CPU runs the same checkpoint in that type', async (dtype, ctx) => {
    const weights = join(temp, `tiny.${dtype}.safetensors`);
    expect((await tdl('init', TINY, '--seed', '4', '--dtype', dtype, '--out', weights)).code).toBe(0);
    const args = ['run', TINY, '--weights', weights, '--ids', '9,8,7', '--max-tokens', '6', '--json'];
    const gpu = await onWebGpu(ctx, ...args, '--weight-dtype', dtype);
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(JSON.parse(gpu.stdout).generatedIds).toEqual(JSON.parse((await tdl(...args)).stdout).generatedIds);
  });

  it('switches backends with one argument of openExecutor (how CPU tests run on WebGPU)', async (ctx) => {
    const graph = checkSource({ name: TINY, text: readFileSync(TINY, 'utf8') }).graph!;
    const weights = initWeights(graph.params, 9);
    const prompt = Int32Array.from([7, 3, 9, 1]);
    const cpu = await openExecutor('cpu', graph, weights);
    const gpu = await openExecutor('webgpu', graph, weights).catch((e: Error) => {
      if (/no WebGPU adapter/.test(e.message) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(e.message);
      throw e;
    });
    try {
      const [a, b] = [await cpu.prefill(prompt, { allLogits: true }), await gpu.prefill(prompt, { allLogits: true })];
      expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThanOrEqual(1e-4);
    } finally {
      gpu.dispose();
    }
  });

  it('compiles a model to a plan and WGSL kernels', async () => {
    const out = join(temp, 'compiled');
    const r = await tdl('compile', TINY, '--target', 'webgpu', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${join(out, 'tiny', 'plan.json')}\n`);
    const plan = JSON.parse(readFileSync(join(out, 'tiny', 'plan.json'), 'utf8'));
    expect(plan.format).toBe('tdl-webgpu-plan');
    expect(readdirSync(join(out, 'tiny', 'kernels')).sort()).toEqual(plan.kernels.map((k: { file: string }) => k.file.replace('kernels/', '')).sort());
    expect(readFileSync(join(out, 'tiny', 'kernels', 'matmul.wgsl'), 'utf8')).toContain('// Generated by tdl');
    expect(readdirSync(join(out, 'tiny')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses an unknown backend, target or weight dtype', async () => {
    expect((await tdl('run', TINY, '--backend', 'metal')).stderr).toBe("tdl: error: unknown --backend 'metal': use cpu or webgpu\n");
    expect((await tdl('compile', TINY, '--target', 'cuda', '--out', temp)).stderr).toBe("tdl: error: unknown --target 'cuda': use cpu, webgpu or onnx\n");
    expect((await tdl('run', TINY, '--weight-dtype', 'f8')).stderr).toBe("tdl: error: unknown --weight-dtype 'f8': use f32, f16, bf16, q8_0, q4_0\n");
    expect((await tdl('compile', TINY, '--weight-dtype', 'f16', '--out', temp)).stderr).toBe(
      'tdl: error: --weight-dtype is for --target webgpu or onnx: the CPU module takes its weight dtype when it runs (tdl run --weight-dtype)\n',
    );
    expect(existsSync(join(temp, 'tiny.ts'))).toBe(false);
  });
});
