// Every model family in models/ against an independent reference: checkpoints written by PyTorch in the
// family's real naming (Hugging Face's, or its authors' where Hugging Face has none) load through the
// model file's checkpoint section and give PyTorch's logits within 1e-4 and its greedy continuation.
// The references are plain-torch models in scripts/fixtures/families/ (make_family_goldens.py writes
// the fixtures); GPT-2, LLaMA and the classic decoders are in pytorch-goldens.test.ts.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, maxAbsDiff, readManifest, readTensors, runGoldenCase } from './support/pytorch-goldens.js';

const DIR = new URL('./fixtures/pytorch/families/', import.meta.url).pathname;
const LOGITS_TOLERANCE = 1e-4;
const manifest = readManifest(DIR);
/** The 2024–2025 families are checked against transformers itself (hf-families.test.ts). */
const TRANSFORMERS = readManifest(new URL('./fixtures/hf/', import.meta.url).pathname);
// The mixture-of-experts families' transformers references (hf-moe.test.ts).
const TRANSFORMERS_MOE = readManifest(new URL('./fixtures/hf-moe/', import.meta.url).pathname);

/** Families with a golden case here or in the original fixtures, by model file. */
const ORIGINAL = ['models/gpt2.tdl', 'models/llama.tdl', 'models/transformer.tdl', 'models/transformer-prenorm.tdl'];

describe('PyTorch goldens of every family', () => {
  it('cover every model file in models/, each checkpoint section by at least one case', () => {
    const files = readdirSync(join(ROOT, 'models')).filter((f) => f.endsWith('.tdl')).map((f) => `models/${f}`);
    const covered = new Set([...ORIGINAL, ...manifest.cases.map((c) => c.model), ...TRANSFORMERS.cases.map((c) => c.model), ...TRANSFORMERS_MOE.cases.map((c) => c.model)]);
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
    expect(manifest.cases.map((c) => `${c.name}:${c.naming}`)).toEqual(expect.arrayContaining(['opt-hub:hf_model', 'bloom-hub:hf_model', 'flamingo:open_flamingo']));
  });

  it('stay small', () => {
    const bytes = readdirSync(DIR).reduce((n, f) => n + statSync(join(DIR, f)).size, 0);
    expect(bytes).toBeLessThan(2.5 * 2 ** 20);
  });

  it.each(manifest.cases.map((c) => [c.name, c] as const))('%s: naming found, logits within 1e-4, same greedy continuation', async (_name, c) => {
    const goldens = await readTensors(join(DIR, `${c.goldens}.goldens.safetensors`));
    expect(Array.from(goldens.get('prompt')!)).toEqual(c.prompt);
    const { naming, logits, tokens } = await runGoldenCase(DIR, c);
    expect(naming).toBe(c.naming);
    expect(maxAbsDiff(logits, goldens.get('logits_f32')!)).toBeLessThanOrEqual(LOGITS_TOLERANCE);
    expect(tokens).toEqual(c.greedy.f32);
  });
});
