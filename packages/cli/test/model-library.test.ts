// The model library: every file in models/ checks clean, gives the parameter counts its family
// publishes, and generates on the CPU backend with its constants shrunk what full recomputation picks;
// sliding windows forget what they should. (The properties every file implies: model-properties.test.ts.)
import { describe, expect, it } from 'vitest';
import { analyze, countParams } from '@tdl/compiler';
import { generate } from '@tdl/runtime';
import * as cpu from '@tdl/runtime-cpu';
import { SHRUNK, checkModelFile, compileModelFile, liveWeights, modelFiles } from './support/model-files.js';

/** Published totals (model cards, papers, the checkpoints' own counts), each from a model file and `--set`. */
const PUBLISHED: readonly { name: string; file: string; set?: Record<string, number>; total: number }[] = [
  { name: 'GPT-2 small', file: 'gpt2.tdl', total: 124_439_808 },
  { name: 'GPT-2 medium', file: 'gpt2.tdl', set: { d: 1024, layers: 24, heads: 16 }, total: 354_823_168 },
  { name: 'GPT-2 large', file: 'gpt2.tdl', set: { d: 1280, layers: 36, heads: 20 }, total: 774_030_080 },
  { name: 'GPT-2 xl', file: 'gpt2.tdl', set: { d: 1600, layers: 48, heads: 25 }, total: 1_557_611_200 },
  { name: 'OPT-125m', file: 'opt.tdl', total: 125_239_296 },
  { name: 'OPT-1.3b', file: 'opt.tdl', set: { d: 2048, layers: 24, heads: 32, d_ff: 8192 }, total: 1_315_758_080 },
  { name: 'Pythia-160m', file: 'pythia.tdl', total: 162_322_944 },
  { name: 'Pythia-410m', file: 'pythia.tdl', set: { d: 1024, layers: 24, heads: 16, d_ff: 4096 }, total: 405_334_016 },
  { name: 'Pythia-1b', file: 'pythia.tdl', set: { d: 2048, layers: 16, heads: 8, d_ff: 8192 }, total: 1_011_781_632 },
  { name: 'BLOOM-560m', file: 'bloom.tdl', total: 559_214_592 },
  { name: 'BLOOM-1b7', file: 'bloom.tdl', set: { d: 2048, layers: 24, heads: 16 }, total: 1_722_408_960 },
  { name: 'BLOOM-7b1', file: 'bloom.tdl', set: { d: 4096, layers: 30, heads: 32 }, total: 7_069_016_064 },
  { name: 'Falcon-7B', file: 'falcon.tdl', total: 6_921_720_704 },
  { name: 'Llama-2-7B', file: 'llama.tdl', total: 6_738_415_616 },
  { name: 'TinyLlama-1.1B', file: 'llama.tdl', set: { d: 2048, layers: 22, heads: 32, kv_heads: 4, d_ff: 5632, context: 2048 }, total: 1_100_048_384 },
  { name: 'Llama-3-8B', file: 'llama.tdl', set: { vocab: 128256, kv_heads: 8, d_ff: 14336, context: 8192, theta: 500000 }, total: 8_030_261_248 },
  { name: 'Mistral-7B', file: 'mistral.tdl', total: 7_241_732_096 },
  { name: 'Gemma-2B', file: 'gemma.tdl', total: 2_506_172_416 },
  { name: 'Gemma-7B', file: 'gemma.tdl', set: { d: 3072, layers: 28, heads: 16, kv_heads: 16, d_ff: 24576 }, total: 8_537_680_896 },
  { name: 'Gemma-2-2B', file: 'gemma2.tdl', total: 2_614_341_888 },
  { name: 'Gemma-2-9B', file: 'gemma2.tdl', set: { d: 3584, layers: 42, heads: 16, kv_heads: 8, d_ff: 14336 }, total: 9_241_705_984 },
  {
    name: 'Gemma-2-27B',
    file: 'gemma2.tdl',
    set: { d: 4608, layers: 46, heads: 32, kv_heads: 16, head_dim: 128, d_ff: 36864, query_pre_attn_scalar: 144 },
    total: 27_227_128_320,
  },
  { name: 'Qwen2-0.5B', file: 'qwen2.tdl', total: 494_032_768 },
  { name: 'Qwen2-1.5B', file: 'qwen2.tdl', set: { d: 1536, layers: 28, heads: 12, d_ff: 8960 }, total: 1_543_714_304 },
  { name: 'Phi-2', file: 'phi2.tdl', total: 2_779_683_840 },
  // The 2024–2025 families: transformers' own count of a meta-device model built from each published
  // config (scripts/fixtures/published_counts.py), which also matches the model cards' figures.
  { name: 'Qwen3-8B', file: 'qwen3.tdl', total: 8_190_735_360 },
  { name: 'Qwen3-0.6B', file: 'qwen3.tdl', set: { d: 1024, layers: 28, heads: 16, d_ff: 3072, tie: 1 }, total: 596_049_920 },
  { name: 'OLMo-2-1124-7B', file: 'olmo2.tdl', total: 7_298_617_344 },
  { name: 'Gemma-3-1B', file: 'gemma3.tdl', total: 999_885_952 },
  {
    name: 'Gemma-3-4B (text)',
    file: 'gemma3.tdl',
    set: { vocab: 262208, context: 131072, d: 2560, layers: 34, heads: 8, kv_heads: 4, d_ff: 10240, window: 1024, rope_factor: 8 },
    total: 3_880_263_168,
  },
  { name: 'Phi-3-mini', file: 'phi3.tdl', total: 3_821_079_552 },
  { name: 'Llama-3.1-8B', file: 'llama.tdl', set: { vocab: 128256, context: 131072, kv_heads: 8, d_ff: 14336, rope_factor: 8, original_context: 8192 }, total: 8_030_261_248 },
  {
    name: 'Llama-3.2-1B',
    file: 'llama.tdl',
    set: { vocab: 128256, context: 131072, d: 2048, layers: 16, kv_heads: 8, d_ff: 8192, rope_factor: 32, original_context: 8192, tie: 1 },
    total: 1_235_814_400,
  },
  {
    name: 'Llama-3.2-3B',
    file: 'llama.tdl',
    set: { vocab: 128256, context: 131072, d: 3072, layers: 28, heads: 24, kv_heads: 8, d_ff: 8192, rope_factor: 32, original_context: 8192, tie: 1 },
    total: 3_212_749_824,
  },
  { name: 'Mixtral-8x7B', file: 'mixtral.tdl', total: 46_702_792_704 },
  { name: 'Mixtral-8x22B', file: 'mixtral.tdl', set: { vocab: 32768, context: 65536, d: 6144, layers: 56, heads: 48, d_ff: 16384 }, total: 140_630_071_296 },
  { name: 'Qwen3-30B-A3B', file: 'qwen3-moe.tdl', total: 30_532_122_624 },
  { name: 'Qwen3-235B-A22B', file: 'qwen3-moe.tdl', set: { d: 4096, layers: 94, heads: 64, expert_ff: 1536, d_ff: 12288 }, total: 235_093_634_560 },
];

/**
 * Whisper publishes whole encoder-decoder counts; the decoder's own count is checked as the published
 * total less the encoder, counted here from its configuration: two convolutions (n_mels → d, kernel
 * 3; d → d, kernel 3), 1500 positions, pre-norm layers (self-attention without a k_proj bias, a 4·d
 * feed-forward network, two layer norms) and a final layer norm.
 */
const WHISPER: readonly { name: string; set: Record<string, number>; mels: number; total: number }[] = [
  { name: 'whisper-tiny', set: {}, mels: 80, total: 37_760_640 },
  { name: 'whisper-base', set: { d: 512, layers: 6, heads: 8, d_ff: 2048 }, mels: 80, total: 72_593_920 },
  { name: 'whisper-small', set: { d: 768, layers: 12, heads: 12, d_ff: 3072 }, mels: 80, total: 241_734_912 },
  { name: 'whisper-medium', set: { d: 1024, layers: 24, heads: 16, d_ff: 4096 }, mels: 80, total: 763_857_920 },
  { name: 'whisper-large-v3', set: { d: 1280, layers: 32, heads: 20, d_ff: 5120, vocab: 51866 }, mels: 128, total: 1_543_490_560 },
];

function whisperEncoderParams(d: number, layers: number, dFf: number, mels: number): number {
  const attention = 4 * d * d + 3 * d;
  const layer = attention + (d * dFf + dFf) + (dFf * d + d) + 2 * 2 * d;
  return mels * d * 3 + d + d * d * 3 + d + 1500 * d + layers * layer + 2 * d;
}

describe('the model library: checks and published counts', () => {
  it.each(modelFiles())('%s checks clean: no error, no warning, as written and shrunk', (file) => {
    for (const set of [{}, SHRUNK[file]!]) {
      const r = checkModelFile(file, set);
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });

  it.each(PUBLISHED)('$name has $total parameters', ({ file, set, total }) => {
    const r = checkModelFile(file, set);
    expect(r.diagnostics).toEqual([]);
    expect(analyze(r.graph!).params.total).toBe(total);
  });

  it.each(WHISPER)('$name: the decoder plus the encoder counted from its configuration make the published $total', ({ set, mels, total }) => {
    const r = checkModelFile('whisper-decoder.tdl', set);
    const c = r.graph!.consts;
    expect(analyze(r.graph!).params.total + whisperEncoderParams(c['d']!, c['layers']!, c['d_ff']!, mels)).toBe(total);
  });

  it("Flamingo's language model is MPT-7B (6,649,286,656 parameters), and 8 gated blocks add 139,476,994 each", () => {
    const byComponent = new Map(countParams(checkModelFile('flamingo.tdl').graph!).byComponent.map((c) => [c.component, c.count]));
    const mpt = ['wte', 'blocks.*.norm_1', 'blocks.*.attn', 'blocks.*.norm_2', 'blocks.*.ffn', 'norm_f'];
    expect(mpt.reduce((n, c) => n + byComponent.get(c)!, 0)).toBe(6_649_286_656);
    const gated = [...byComponent].filter(([c]) => !mpt.includes(c));
    // Per block: two layer norms (4096 weights and biases), q [512, 4096], k and v [512, 1024],
    // o [4096, 512], a 4·4096 feed-forward network without biases, two scalar gates.
    const perBlock = 2 * 2 * 4096 + 512 * 4096 + 2 * 512 * 1024 + 4096 * 512 + 2 * 4096 * 16384 + 2;
    expect(gated.reduce((n, [, count]) => n + count, 0)).toBe(8 * perBlock);
  });
});

/** Token ids for a prompt, within the vocabulary. */
const prompt = (length: number, vocab: number, salt = 0) => Int32Array.from({ length }, (_, i) => (i * 7 + 3 + salt) % vocab);

/** Deterministic floats in (-1, 1). */
const floats = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 91.7 + i * 12.345));

interface Shrunk {
  readonly file: string;
  readonly vocab: number;
  readonly context: number;
  readonly memoryWidth?: number;
  executor(kernels?: Record<string, unknown>): { ex: cpu.CpuExecutor; graph: ReturnType<typeof compileModelFile>['graph'] };
}

function shrunk(file: string): Shrunk {
  const compiled = compileModelFile(file, SHRUNK[file]!);
  const m = compiled.module.MODEL;
  return {
    file,
    vocab: m.vocab,
    context: m.context,
    ...(m.memory ? { memoryWidth: m.memory.width } : {}),
    executor: (kernels) => {
      const { graph, module } = kernels ? compileModelFile(file, SHRUNK[file]!, kernels) : compiled;
      return { ex: new cpu.CpuExecutor(module, liveWeights(module, 7)), graph };
    },
  };
}

const MEMORY_ROWS = 3;

async function allLogits(ex: cpu.CpuExecutor, m: Shrunk, tokens: Int32Array, memorySeed = 4): Promise<Float32Array> {
  ex.reset();
  if (m.memoryWidth) await ex.setMemory(floats(MEMORY_ROWS * m.memoryWidth, memorySeed), MEMORY_ROWS);
  return ex.prefill(tokens, { allLogits: true });
}

const rowOf = (l: Float32Array, vocab: number, t: number) => Array.from(l.subarray(t * vocab, (t + 1) * vocab));

describe.each(modelFiles())('%s on the CPU backend, shrunk', (file) => {
  const m = shrunk(file);

  it('generates 8 tokens, the ones full recomputation picks greedily', async () => {
    const { ex } = m.executor();
    const memory = m.memoryWidth ? { data: floats(MEMORY_ROWS * m.memoryWidth, 4), length: MEMORY_ROWS } : undefined;
    const start = Array.from(prompt(4, m.vocab));
    let done: { tokens: readonly number[]; reason: string } | undefined;
    for await (const e of generate(ex, start, { maxTokens: 8, temperature: 0, ...(memory ? { memory } : {}) })) if (e.kind === 'done') done = e;
    expect(done!.reason).toBe('length');
    expect(done!.tokens).toHaveLength(8);
    // Greedy by recomputing the whole sequence at every step, without the cache.
    const ids = [...start];
    for (let step = 0; step < 8; step++) {
      const logits = await allLogits(ex, m, Int32Array.from(ids));
      const last = rowOf(logits, m.vocab, ids.length - 1);
      ids.push(last.indexOf(Math.max(...last)));
    }
    expect(done!.tokens).toEqual(ids.slice(start.length));
  });
});

describe('sliding windows forget exactly what lies outside them', () => {
  // Mistral slides every layer: through L layers of window w the last position sees L·(w - 1) tokens back.
  it('mistral.tdl: tokens more than layers·(window - 1) back do not change the last logits; the nearest one outside does not matter, one inside does', async () => {
    const { layers, window } = SHRUNK['mistral.tdl'] as { layers: number; window: number };
    const m = shrunk('mistral.tdl');
    const { ex } = m.executor();
    const T = 12;
    const last = T - 1;
    const reach = layers * (window - 1); // positions last - reach … last are seen
    const a = prompt(T, m.vocab);
    const la = await allLogits(ex, m, a);
    const outside = a.slice();
    for (let i = 0; i < last - reach; i++) outside[i] = (outside[i]! + 5) % m.vocab;
    expect(rowOf(await allLogits(ex, m, outside), m.vocab, last)).toEqual(rowOf(la, m.vocab, last));
    const inside = a.slice();
    inside[last - reach] = (inside[last - reach]! + 5) % m.vocab;
    expect(rowOf(await allLogits(ex, m, inside), m.vocab, last)).not.toEqual(rowOf(la, m.vocab, last));
  });

  it('gemma2.tdl: its global layers (odd ones) still see the first token', async () => {
    const m = shrunk('gemma2.tdl');
    const { ex } = m.executor();
    const a = prompt(12, m.vocab);
    const b = a.slice();
    b[0] = (b[0]! + 5) % m.vocab;
    expect(rowOf(await allLogits(ex, m, b), m.vocab, 11)).not.toEqual(rowOf(await allLogits(ex, m, a), m.vocab, 11));
  });
});
