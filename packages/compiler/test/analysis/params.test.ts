// Parameter counts from the IR against the counts the model families publish (model cards, papers).
import { describe, expect, it } from 'vitest';
import { analyze, countParams } from '../../src/index.js';
import { loadModel } from '../models.js';

/** Published totals, each with the file and `--set` overrides that describe the model. */
const PUBLISHED: readonly { name: string; file: string; set?: Record<string, number>; total: number }[] = [
  { name: 'GPT-2 small', file: 'gpt2', total: 124_439_808 },
  { name: 'OPT-125m', file: 'opt', total: 125_239_296 },
  { name: 'Pythia-160m', file: 'pythia', total: 162_322_944 },
  { name: 'BLOOM-560m', file: 'bloom', total: 559_214_592 },
  {
    name: 'TinyLlama-1.1B',
    file: 'llama',
    set: { d: 2048, layers: 22, heads: 32, kv_heads: 4, d_ff: 5632, context: 2048 },
    total: 1_100_048_384,
  },
  { name: 'Gemma-2B', file: 'gemma', total: 2_506_172_416 },
  { name: 'Llama-2-7B', file: 'llama', total: 6_738_415_616 },
  { name: 'Mistral-7B', file: 'mistral', total: 7_241_732_096 },
  {
    name: 'Llama-3-8B',
    file: 'llama',
    set: { vocab: 128256, kv_heads: 8, d_ff: 14336, context: 8192, theta: 500000 },
    total: 8_030_261_248,
  },
  // Further sizes that the files' doc comments promise by --set.
  { name: 'GPT-2 medium', file: 'gpt2', set: { d: 1024, layers: 24, heads: 16 }, total: 354_823_168 },
  { name: 'OPT-1.3b', file: 'opt', set: { d: 2048, layers: 24, heads: 32, d_ff: 8192 }, total: 1_315_758_080 },
  { name: 'Pythia-410m', file: 'pythia', set: { d: 1024, layers: 24, heads: 16, d_ff: 4096 }, total: 405_334_016 },
  { name: 'BLOOM-7b1', file: 'bloom', set: { d: 4096, layers: 30, heads: 32 }, total: 7_069_016_064 },
  { name: 'Gemma-7B', file: 'gemma', set: { d: 3072, layers: 28, heads: 16, kv_heads: 16, d_ff: 24576 }, total: 8_537_680_896 },
];

describe('parameter counts', () => {
  it.each(PUBLISHED)('$name has $total parameters', ({ file, set, total }) => {
    expect(analyze(loadModel(file, set)).params.total).toBe(total);
  });

  it('splits GPT-2 small by component as its configuration gives them', () => {
    // Independent of the IR: from GPT-2's sizes (d 768, vocab 50257, context 1024, 12 layers).
    const d = 768;
    const L = 12;
    const counts = Object.fromEntries(countParams(loadModel('gpt2')).byComponent.map((c) => [c.component, c.count]));
    expect(counts).toEqual({
      wte: 50257 * d,
      wpe: 1024 * d,
      'h.*.ln_1': L * 2 * d,
      'h.*.attn': L * (4 * d * d + 4 * d),
      'h.*.ln_2': L * 2 * d,
      'h.*.mlp': L * (8 * d * d + 5 * d),
      ln_f: 2 * d,
    });
  });

  it('counts a tied weight once and an untied head separately', () => {
    const gpt2 = countParams(loadModel('gpt2'));
    expect(gpt2.byComponent.some((c) => c.component === 'lm_head')).toBe(false);
    const pythia = countParams(loadModel('pythia'));
    expect(pythia.byComponent.find((c) => c.component === 'embed_out')?.count).toBe(50304 * 768);
  });
});
