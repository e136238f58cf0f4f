// Mixture-of-experts families against Hugging Face transformers' own classes (scripts/fixtures/make_hf_moe.py):
// `tdl logits DIR` and `tdl run DIR`, the folder choosing the model file and its sizes from config.json,
// give transformers' float64 logits within 1e-4 and the greedy ids of its `generate`, on the CPU and on
// WebGPU; the published parameter counts come from the presets; the ONNX export refuses moe in one line.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, readManifest, readTensors } from './support/pytorch-goldens.js';
import { tdl } from './support/run-cli.js';

const DIR = new URL('./fixtures/hf-moe/', import.meta.url).pathname;
const MODELS = new URL('../../../models/', import.meta.url).pathname;
const MIXTRAL = join(MODELS, 'mixtral.tdl');
const TOLERANCE = 1e-4;
const manifest = readManifest(DIR);
const temp = mkdtempSync(join(tmpdir(), 'tdl-moe-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

type Ctx = { skip: (note?: string) => never };

/** Runs the CLI; on WebGPU, skips when this machine has no adapter (unless CI requires one). */
async function cli(ctx: Ctx, backend: 'cpu' | 'webgpu', ...argv: string[]) {
  const r = await tdl(...argv, ...(backend === 'webgpu' ? ['--backend', 'webgpu'] : []));
  if (r.code !== 0 && /no WebGPU adapter/.test(r.stderr) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(r.stderr.trim());
  return r;
}

describe('transformers references of the mixture-of-experts families', () => {
  it('cover Mixtral and Qwen3-MoE, sparse on every layer and on every second one', () => {
    expect(manifest.cases.map((c) => c.name)).toEqual(['mixtral', 'qwen3-moe', 'qwen3-moe-sparse-step']);
    expect(new Set(manifest.cases.map((c) => c.model))).toEqual(new Set(['models/mixtral.tdl', 'models/qwen3-moe.tdl']));
  });

  describe.for(['cpu', 'webgpu'] as const)('on %s', (backend) => {
    it.for(manifest.cases.map((c) => [c.name, c] as const))("%s: tdl logits DIR gives transformers' logits within 1e-4", async ([name, c], ctx) => {
      const folder = join(DIR, c.checkpoints['f32']!.replace(/\/model\.safetensors$/, ''));
      const out = join(temp, `${name}-${backend}.safetensors`);
      const r = await cli(ctx, backend, 'logits', folder, '--ids', c.prompt.join(','), '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const goldens = await readTensors(join(DIR, `${c.goldens}.goldens.safetensors`));
      expect(maxAbsDiff((await readTensors(out)).get('logits')!, goldens.get('logits_f32')!)).toBeLessThanOrEqual(TOLERANCE);
    });

    it.for(manifest.cases.map((c) => [c.name, c] as const))('%s: tdl run DIR gives the greedy ids of generate', async ([, c], ctx) => {
      const folder = join(DIR, c.checkpoints['f32']!.replace(/\/model\.safetensors$/, ''));
      const want = c.greedy['f32']!;
      const r = await cli(ctx, backend, 'run', folder, '--ids', c.prompt.join(','), '--max-tokens', String(want.length), '--tokenizer', 'bytes', '--json');
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { generatedIds: number[] }).generatedIds).toEqual(want);
    });
  });

  it.each([
    ['mixtral', 'mixtral-8x7b', '46,702,792,704'],
    ['mixtral', 'mixtral-8x22b', '140,630,071,296'],
    ['qwen3-moe', 'qwen3-30b-a3b', '30,532,122,624'],
    ['qwen3-moe', 'qwen3-235b-a22b', '235,093,634,560'],
  ])('tdl info models/%s.tdl --preset %s gives the published %s parameters', async (file, preset, count) => {
    const r = await tdl('info', join(MODELS, `${file}.tdl`), '--preset', preset);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^parameters +${count} `, 'm'));
  });

  it('tdl compile --target onnx refuses a mixture of experts with one line, writing nothing', async () => {
    const r = await tdl('compile', join(DIR, 'mixtral'), '--target', 'onnx', '--out', join(temp, 'mixtral-onnx'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tdl: error: .*layers\.\*\.mlp is a mixture of experts: the ONNX export does not support moe/)]);
    expect(existsSync(join(temp, 'mixtral-onnx'))).toBe(false);
  });

  it('tdl export rewrites a Mixtral folder in its own naming and reads it back to the same logits', async () => {
    const c = manifest.cases.find((m) => m.name === 'mixtral')!;
    const out = join(temp, 'mixtral-internal.safetensors');
    expect((await tdl('export', join(DIR, 'mixtral'), '--naming', 'internal', '--out', out)).code).toBe(0);
    const stored = await readTensors(out);
    expect(stored.get('layers.1.mlp.experts.3.down.weight')!.length).toBe(32 * 48);
    const logits = join(temp, 'mixtral-internal-logits.safetensors');
    const set = Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const r = await tdl('logits', MIXTRAL, '--weights', out, ...set, '--ids', c.prompt.join(','), '--out', logits);
    expect(r.code, r.stderr).toBe(0);
    const goldens = await readTensors(join(DIR, `${c.goldens}.goldens.safetensors`));
    expect(maxAbsDiff((await readTensors(logits)).get('logits')!, goldens.get('logits_f32')!)).toBeLessThanOrEqual(TOLERANCE);
  });
});
