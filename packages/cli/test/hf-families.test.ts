// The 2024–2025 families (Qwen3, OLMo 2, Gemma 3, Phi-3, Llama 3.1) and RoPE scaling (linear, dynamic
// NTK, llama3, YaRN, LongRoPE) against Hugging Face transformers' own …ForCausalLM classes: tiny
// save_pretrained folders load through each model file's checkpoint section (with the case's constants)
// and give transformers' float64 logits within 1e-4 and the greedy ids of its `generate`.
// scripts/fixtures/make_hf_families.py writes the fixtures; the WebGPU run is in pytorch-goldens-webgpu.test.ts,
// the folders run by themselves (every constant from config.json) in hf-family-folders.test.ts.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, readManifest, readTensors, runGoldenCase } from './support/pytorch-goldens.js';

const DIR = new URL('./fixtures/hf/', import.meta.url).pathname;
const LOGITS_TOLERANCE = 1e-4;
const manifest = readManifest(DIR);

describe('transformers references of the 2024–2025 families', () => {
  it('cover each new model file and every RoPE scaling', () => {
    const models = new Set(manifest.cases.map((c) => c.model));
    for (const file of ['qwen3', 'olmo2', 'gemma3', 'phi3', 'llama']) expect(models).toContain(`models/${file}.tdl`);
    const scalings = new Set(manifest.cases.map((c) => c.set['rope_type']));
    for (const kind of ['linear', 'dynamic', 'llama3', 'yarn', 'longrope']) expect(scalings).toContain(kind);
  });

  it('stay small', () => {
    // This generator's files only: the other folders beside them come from make_hf_folders.py.
    const size = (p: string): number => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + size(join(p, f)), 0) : statSync(p).size);
    const folders = new Set(manifest.cases.map((c) => c.checkpoints.f32!.split('/')[0]!));
    const files = [...folders, ...manifest.cases.map((c) => `${c.goldens}.goldens.safetensors`), 'manifest.json'];
    expect(files.reduce((n, f) => n + size(join(DIR, f)), 0)).toBeLessThan(1.5 * 2 ** 20);
  });

  it.each(manifest.cases.map((c) => [c.name, c] as const))('%s: logits within 1e-4 of transformers, same greedy ids', async (_name, c) => {
    const goldens = await readTensors(join(DIR, `${c.goldens}.goldens.safetensors`));
    expect(Array.from(goldens.get('prompt')!)).toEqual(c.prompt);
    const { naming, logits, tokens } = await runGoldenCase(DIR, c);
    expect(naming).toBe('hf');
    expect(maxAbsDiff(logits, goldens.get('logits_f32')!)).toBeLessThanOrEqual(LOGITS_TOLERANCE);
    expect(tokens).toEqual(c.greedy.f32);
  });
});
