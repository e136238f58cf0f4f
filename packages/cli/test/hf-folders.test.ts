// Hugging Face folders made by transformers itself (scripts/fixtures/make_hf_folders.py): `tdl logits DIR`
// and `tdl run DIR`, with nothing saying which model file or which sizes, give transformers' float64
// logits within 1e-4 and its greedy ids from `generate`, on the CPU and on WebGPU.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTensors } from './support/pytorch-goldens.js';
import { tdl } from './support/run-cli.js';

const DIR = new URL('./fixtures/hf/', import.meta.url).pathname;
const TOLERANCE = 1e-4;
const temp = mkdtempSync(join(tmpdir(), 'tdl-hf-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface Expected {
  readonly class: string;
  readonly logits_prompt: number[];
  readonly logits: number[][];
  readonly prompt: number[];
  readonly greedy: number[];
  readonly finish: 'stop' | 'length';
}

const FAMILIES = readdirSync(DIR)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.replace('.expected.json', ''))
  .sort();

function expected(family: string): Expected {
  return JSON.parse(readFileSync(join(DIR, `${family}.expected.json`), 'utf8')) as Expected;
}

function maxDiff(got: Float32Array, want: readonly (readonly number[])[]): number {
  const flat = want.flat();
  expect(got.length).toBe(flat.length);
  return flat.reduce((m, w, i) => Math.max(m, Math.abs(got[i]! - w)), 0);
}

type Ctx = { skip: (note?: string) => never };

/** Runs the CLI; on WebGPU, skips when this machine has no adapter (unless CI requires one). */
async function cli(ctx: Ctx, backend: 'cpu' | 'webgpu', ...argv: string[]) {
  const r = await tdl(...argv, ...(backend === 'webgpu' ? ['--backend', 'webgpu'] : []));
  if (r.code !== 0 && /no WebGPU adapter/.test(r.stderr) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(r.stderr.trim());
  return r;
}

describe.for(['cpu', 'webgpu'] as const)('Hugging Face folders on %s', (backend) => {
  it('cover every family transformers has a class for', () => {
    expect(FAMILIES).toEqual(['bloom', 'falcon', 'gemma', 'gemma2', 'gpt2', 'llama', 'mistral', 'opt', 'phi2', 'pythia', 'qwen2']);
  });

  it.for(FAMILIES)('%s: tdl logits DIR gives transformers\' logits within 1e-4', async (family, ctx) => {
    const want = expected(family);
    const out = join(temp, `${family}-${backend}.safetensors`);
    const r = await cli(ctx, backend, 'logits', join(DIR, family), '--ids', want.logits_prompt.join(','), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(maxDiff((await readTensors(out)).get('logits')!, want.logits)).toBeLessThanOrEqual(TOLERANCE);
  });

  it.for(FAMILIES)("%s: tdl run DIR continues the folder's tokenizer's \"Hello\" as generate does", async (family, ctx) => {
    const want = expected(family);
    const json = await cli(ctx, backend, 'run', join(DIR, family), '--json');
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { promptIds: number[]; generatedIds: number[]; finishReason: string; text: string };
    expect(result.promptIds).toEqual(want.prompt);
    expect(result.generatedIds).toEqual(want.greedy);
    expect(result.finishReason).toBe(want.finish);
    if (backend === 'webgpu') return;
    // And with no flag at all, the same text streams out.
    const plain = await cli(ctx, backend, 'run', join(DIR, family));
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe(`${result.text}\n`);
  });
});
