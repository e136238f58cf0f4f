// Checkpoints written by PyTorch in their real namings (Hugging Face GPT-2 and LLaMA, Meta's LLaMA,
// PyTorch's nn.Transformer tutorial model) load through the model files' checkpoint sections and give
// PyTorch's logits within 1e-4 and its greedy continuations. The fixtures come from
// scripts/fixtures/make_goldens.py (run it to regenerate them); this test needs no Python.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, generate, readHeader, readTensorF32 } from '@tdl/runtime';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { main, type CliIO } from '../src/index.js';
import { loadCpuModule, loadModel } from '../src/model.js';
import { loadCheckpoint, loadMemory } from '../src/weights.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const DIR = new URL('./fixtures/pytorch/', import.meta.url).pathname;
const LOGITS_TOLERANCE = 1e-4;

type DType = 'f32' | 'f16' | 'bf16';
interface GoldenCase {
  readonly name: string;
  readonly model: string;
  readonly set: Record<string, number>;
  readonly naming: string;
  readonly memory?: string;
  readonly goldens: string;
  readonly prompt: number[];
  readonly checkpoints: Partial<Record<DType, string>>;
  readonly greedy: Partial<Record<DType, number[]>>;
  readonly pytorchDrift: Partial<Record<DType, number>>;
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { cases: GoldenCase[] };
const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };
const temp = mkdtempSync(join(tmpdir(), 'tdl-goldens-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function readTensors(path: string): Promise<Map<string, Float32Array>> {
  const src = bufferSource(new Uint8Array(readFileSync(path)));
  const header = await readHeader(src, path);
  const out = new Map<string, Float32Array>();
  for (const [name, entry] of header.tensors) out.set(name, await readTensorF32(src, entry));
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** What `tdl logits` and `tdl run` do, through the same functions, for one checkpoint (matrices kept in `kept`). */
async function runCase(c: GoldenCase, dtype: DType, kept: DType = 'f32') {
  const { graph, namings } = loadModel(quiet, join(ROOT, c.model), c.set);
  const module = loadCpuModule(graph);
  const { weights, naming } = await loadCheckpoint(join(DIR, c.checkpoints[dtype]!), module.MODEL.params, namings, { model: graph.name });
  const executor = new CpuExecutor(module, weights, { weightFormat: kept });
  const memory = c.memory ? await loadMemory(join(DIR, c.memory), module.MODEL.memory!.width) : undefined;
  if (memory) await executor.setMemory(memory.data, memory.length);
  const logits = await executor.prefill(Int32Array.from(c.prompt), { allLogits: true });
  let tokens: readonly number[] = [];
  for await (const e of generate(executor, c.prompt, { maxTokens: c.greedy[dtype]!.length, temperature: 0, ...(memory ? { memory } : {}) })) {
    if (e.kind === 'done') tokens = e.tokens;
  }
  return { naming, logits, tokens };
}

const rows = manifest.cases.flatMap((c) => (Object.keys(c.checkpoints) as DType[]).map((dtype) => [c.name, dtype, c] as const));

describe('PyTorch goldens', () => {
  it('covers the three families, both norm placements and every storage type', () => {
    const names = manifest.cases.map((c) => c.name);
    for (const n of ['gpt2', 'gpt2-hub', 'llama', 'llama-meta', 'llama-sharded', 'llama-tied', 'transformer', 'transformer-prenorm']) expect(names).toContain(n);
    for (const n of ['gpt2', 'llama', 'transformer', 'transformer-prenorm']) expect(Object.keys(manifest.cases.find((c) => c.name === n)!.checkpoints).sort()).toEqual(['bf16', 'f16', 'f32']);
  });

  it.each(rows)('%s (%s): naming found, logits within 1e-4, same greedy continuation', async (_name, dtype, c) => {
    const goldens = await readTensors(join(DIR, `${c.goldens}.goldens.safetensors`));
    const { naming, logits, tokens } = await runCase(c, dtype);
    expect(naming).toBe(c.naming);
    // PyTorch computed these goldens in float32 from the weights rounded to `dtype`, as tdl does after loading.
    expect(maxAbsDiff(logits, goldens.get(`logits_${dtype}`)!)).toBeLessThanOrEqual(LOGITS_TOLERANCE);
    expect(tokens).toEqual(c.greedy[dtype]);
    if (dtype !== 'f32') {
      // Against the full-precision logits, a 16-bit copy may drift as far as PyTorch's own logits do
      // with those weights (recorded by the generator), and no further.
      const drift = maxAbsDiff(logits, goldens.get('logits_f32')!);
      expect(drift).toBeLessThanOrEqual(c.pytorchDrift[dtype]! + LOGITS_TOLERANCE);
    }
  });

  const halves = rows.filter(([, dtype]) => dtype !== 'f32');
  it.each(halves)('%s: matrices kept in %s give the bits of the same weights widened to f32', async (_name, dtype, c) => {
    const goldens = await readTensors(join(DIR, `${c.goldens}.goldens.safetensors`));
    const [kept, widened] = [await runCase(c, dtype, dtype), await runCase(c, dtype)];
    expect(Array.from(kept.logits)).toEqual(Array.from(widened.logits));
    expect(maxAbsDiff(kept.logits, goldens.get(`logits_${dtype}`)!)).toBeLessThanOrEqual(LOGITS_TOLERANCE);
    expect(kept.tokens).toEqual(c.greedy[dtype]);
  });

  it('goes through the tdl command too: logits to a file and a greedy run', async () => {
    const c = manifest.cases.find((x) => x.name === 'transformer')!;
    const set = Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const common = [join(ROOT, c.model), ...set, '--weights', join(DIR, c.checkpoints.f32!), '--memory', join(DIR, c.memory!), '--ids', c.prompt.join(',')];
    const out = join(temp, 'logits.safetensors');
    let stdout = '';
    const io: CliIO = { stdout: { write: (s) => void (stdout += s) }, stderr: { write: () => {} } };
    expect(await main(['logits', ...common, '--out', out], io)).toBe(0);
    const goldens = await readTensors(join(DIR, `${c.goldens}.goldens.safetensors`));
    expect(maxAbsDiff((await readTensors(out)).get('logits')!, goldens.get('logits_f32')!)).toBeLessThanOrEqual(LOGITS_TOLERANCE);
    stdout = '';
    expect(await main(['run', ...common, '--naming', 'pytorch', '--max-tokens', String(c.greedy.f32!.length), '--json'], io)).toBe(0);
    expect(JSON.parse(stdout).generatedIds).toEqual(c.greedy.f32);
  });
});
