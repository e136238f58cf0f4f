// FLOPs per token and KV-cache bytes against hand formulas written from each architecture's sizes,
// independently of the IR walk (conventions: docs/analysis.md).
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/index.js';
import { loadModel } from '../models.js';

/** Keys a query sees summed over prompt positions 0 … n-1: min(p + 1, window) each. */
function keysSeenInPrefill(n: number, window = Infinity): number {
  if (n <= window) return (n * (n + 1)) / 2;
  return (window * (window + 1)) / 2 + (n - window) * window;
}

describe('GPT-2: 2 FLOPs per weight plus attention and element-wise terms', () => {
  // Per layer: ln_1 5d; q, k, v, o projections 8d² + 4d (biases); residual adds 2d; ln_2 5d;
  // mlp 16d² + 5d (biases) + GELU 8·4d. Per (key, head): 4·head_dim + 3 (scores, values, softmax).
  const gpt2 = (d: number, L: number, H: number, V: number, n: number) => {
    const perLayer = 5 * d + (8 * d * d + 4 * d) + 2 * d + 5 * d + (16 * d * d + 5 * d) + 8 * 4 * d;
    const fixed = L * perLayer + d /* wte + wpe */ + 5 * d /* ln_f */ + 2 * d * V; /* tied head */
    const perKey = L * H * (4 * (d / H) + 3);
    return { decode: fixed + perKey * n, prefill: fixed + (perKey * keysSeenInPrefill(n)) / n };
  };

  it.each([1024, 100, 1])('small at context %i', (n) => {
    const costs = analyze(loadModel('gpt2'), { context: n }).costs;
    const want = gpt2(768, 12, 12, 50257, n);
    expect(costs.decodeFlopsPerToken).toBe(want.decode);
    expect(costs.prefillFlopsPerToken).toBeCloseTo(want.prefill, 3);
  });

  it('xl at its full context', () => {
    const costs = analyze(loadModel('gpt2', { d: 1600, layers: 48, heads: 25 })).costs;
    expect(costs.decodeFlopsPerToken).toBe(gpt2(1600, 48, 25, 50257, 1024).decode);
  });

  it('is about 2 FLOPs per parameter outside the embeddings at a short context', () => {
    const info = analyze(loadModel('gpt2'), { context: 1 });
    const nonEmbedding = info.params.total - 1024 * 768; // the tied table is used as the head
    expect(info.costs.decodeFlopsPerToken / (2 * nonEmbedding)).toBeGreaterThan(0.999);
    expect(info.costs.decodeFlopsPerToken / (2 * nonEmbedding)).toBeLessThan(1.003);
  });

  it('caches keys and values of every layer: 2 · layers · d floats per token', () => {
    const info = analyze(loadModel('gpt2'));
    expect(info.costs.kvBytesPerToken).toBe(2 * 12 * 768 * 4);
    expect(info.costs.kvBytesFullContext).toBe(2 * 12 * 768 * 4 * 1024);
    expect(info.kvCache.perToken.f16).toBe(2 * 12 * 768 * 2);
    expect(info.weightBytes).toEqual({ f32: 124_439_808 * 4, f16: 124_439_808 * 2, bf16: 124_439_808 * 2 });
  });
});

/** LLaMA-style blocks (RMSNorm, rotary positions on every channel, GQA, SwiGLU), optionally windowed. */
function llamaLike(s: { d: number; L: number; H: number; KV: number; f: number; V: number; n: number; window?: number }) {
  const hd = s.d / s.H;
  const perLayer =
    5 * s.d + // input norm
    2 * s.d * s.d + // q
    2 * (2 * s.d * s.KV * hd) + // k, v
    3 * hd * (s.H + s.KV) + // rotary on q and k
    2 * s.d * s.d + // o
    2 * s.d + // residual adds
    5 * s.d + // post-attention norm
    3 * (2 * s.d * s.f) + // gate, up, down
    8 * s.f + // SiLU
    s.f; // gate * up
  const fixed = s.L * perLayer + 5 * s.d + 2 * s.d * s.V;
  const perKey = s.L * s.H * (4 * hd + 3);
  const window = s.window ?? Infinity;
  return {
    decode: fixed + perKey * Math.min(s.n, window),
    prefill: fixed + (perKey * keysSeenInPrefill(s.n, window)) / s.n,
    kvPerToken: s.L * 2 * s.KV * hd * 4,
    kvFull: s.L * 2 * s.KV * hd * 4 * Math.min(s.n, window),
  };
}

describe('grouped-query attention and sliding windows', () => {
  it('TinyLlama (32 query heads, 4 key/value heads)', () => {
    const set = { d: 2048, layers: 22, heads: 32, kv_heads: 4, d_ff: 5632, context: 2048 };
    const costs = analyze(loadModel('llama', set)).costs;
    const want = llamaLike({ d: 2048, L: 22, H: 32, KV: 4, f: 5632, V: 32000, n: 2048 });
    expect(costs.decodeFlopsPerToken).toBe(want.decode);
    expect(costs.prefillFlopsPerToken).toBeCloseTo(want.prefill, 2);
    expect(costs.kvBytesPerToken).toBe(want.kvPerToken);
    expect(costs.kvBytesFullContext).toBe(want.kvFull);
  });

  it.each([2048, 4096, 10000, 32768])('Mistral-7B (window 4096) at context %i', (n) => {
    const costs = analyze(loadModel('mistral'), { context: n }).costs;
    const want = llamaLike({ d: 4096, L: 32, H: 32, KV: 8, f: 14336, V: 32000, n, window: 4096 });
    expect(costs.decodeFlopsPerToken).toBe(want.decode);
    expect(costs.prefillFlopsPerToken).toBeCloseTo(want.prefill, 1);
    expect(costs.kvBytesPerToken).toBe(want.kvPerToken);
    expect(costs.kvBytesFullContext).toBe(want.kvFull);
  });

  it('a window stops the decode cost from growing with the context', () => {
    const mistral = loadModel('mistral');
    const at = (n: number) => analyze(mistral, { context: n }).costs.decodeFlopsPerToken;
    expect(at(8192)).toBe(at(32768));
    expect(at(4096)).toBe(at(8192));
    expect(at(2048)).toBeLessThan(at(4096));
  });
});

describe('cross-attention', () => {
  it('projects memory keys and values once per memory row, and attends over the memory', () => {
    const n = 512;
    const S = 300;
    const info = analyze(loadModel('transformer'), { context: n, memoryLength: S });
    const [d, L, H, V, f] = [512, 3, 8, 10000, 512];
    const kvProjections = 2 * (2 * d * d + d);
    expect(info.costs.memoryFlopsPerRow).toBe(L * kvProjections);
    expect(info.costs.crossKvBytesPerMemoryPosition).toBe(L * 2 * d * 4);
    // Decoder side, per layer: self-attention (4 projections with biases), cross-attention (q and o
    // projections), the feed-forward network with ReLU, three residual adds and three norms.
    const perLayer = (8 * d * d + 4 * d) + (4 * d * d + 2 * d) + (4 * d * f + f + d + f) + 3 * d + 3 * 5 * d;
    const fixed = L * perLayer + d /* × sqrt(d) */ + d /* + positions */ + 5 * d /* final norm */ + 2 * d * V + V;
    const perKey = H * (4 * (d / H) + 3);
    expect(info.costs.decodeFlopsPerToken).toBe(fixed + L * perKey * (n + S));
    expect(info.costs.kvBytesPerToken).toBe(L * 2 * d * 4);
  });
});

describe('counts past 2^53 − 1', () => {
  // GPT-2 small's decode FLOPs as an exact whole number (the formula of the first block).
  const gpt2Decode = (n: bigint) => {
    const d = 768n;
    const perLayer = 5n * d + (8n * d * d + 4n * d) + 2n * d + 5n * d + (16n * d * d + 5n * d) + 8n * 4n * d;
    return 12n * perLayer + d + 5n * d + 2n * d * 50257n + 12n * 12n * (4n * 64n + 3n) * n;
  };

  it('sums the keys of every prompt position in closed form: a context of 10^12 takes no longer than one of 8', () => {
    const started = performance.now();
    const costs = analyze(loadModel('gpt2'), { context: 1e12 }).costs;
    expect(performance.now() - started).toBeLessThan(1000);
    // Past 2^53 − 1 (here 3.7·10^16): the nearest double to the exact count, not a sum rounded step by step.
    expect(costs.decodeFlopsPerToken).toBe(Number(gpt2Decode(10n ** 12n)));
    expect(costs.decodeFlopsPerToken).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    // Prefill averages over the prompt: about half the decode cost's attention.
    expect(costs.prefillFlopsPerToken / costs.decodeFlopsPerToken).toBeCloseTo(0.5, 3);
  });

  it('caps a sliding window at any context: Mistral-7B at 10^12 tokens decodes as at 4,096', () => {
    const mistral = loadModel('mistral');
    const far = analyze(mistral, { context: 1e12 }).costs;
    const window = analyze(mistral, { context: 4096 }).costs;
    expect(far.decodeFlopsPerToken).toBe(window.decodeFlopsPerToken);
    expect(far.kvBytesFullContext).toBe(window.kvBytesFullContext);
    const want = llamaLike({ d: 4096, L: 32, H: 32, KV: 8, f: 14336, V: 32000, n: 1e12, window: 4096 });
    expect(far.prefillFlopsPerToken).toBeCloseTo(want.prefill, 0);
  });

  it('Llama-3-405B at its full context stays exact', () => {
    const graph = loadModel('llama', { vocab: 128256, d: 16384, layers: 126, heads: 128, kv_heads: 8, d_ff: 53248, context: 131072, theta: 500000 });
    const info = analyze(graph);
    expect(info.params.total).toBe(405_853_388_800);
    const want = llamaLike({ d: 16384, L: 126, H: 128, KV: 8, f: 53248, V: 128256, n: 131072 });
    expect(info.costs.decodeFlopsPerToken).toBe(want.decode);
    expect(info.costs.decodeFlopsPerToken).toBe(1_896_261_158_912);
    expect(info.costs.prefillFlopsPerToken).toBe(1_351_928_538_752);
  });
});
