// qk-norm and RoPE scaling as attention and rope arguments: the parameters they declare, the values
// lowering records, and a clear error for each misuse. Their numerics are checked against transformers
// (packages/cli/test/hf-families.test.ts).
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/index.js';
import { ropeFrequencies } from '../../src/ir/rope-frequencies.js';
import { checkText } from '../models.js';

const model = (args: string, extra = '') => `model m {
  const vocab = 32, context = 16, d = 16, heads = 4, kv_heads = 2${extra}
  input tokens: i32[T <= context]
  x = embed: embedding(tokens, vocab, d)
  x = x + attn: attention(x, heads, kv_heads = kv_heads, ${args})
  output logits = head: linear(x, vocab, bias = false)
}
`;
const attention = (text: string) => {
  const r = checkText(text);
  const node = r.graph?.items.find((n) => n.op === 'attention');
  return { r, node: node?.op === 'attention' ? node : undefined };
};

describe('qk-norm', () => {
  it('per head declares [head_dim] weights for queries and keys; over the projection, their widths', () => {
    const head = checkText(model('qk_norm = head'));
    expect(head.diagnostics).toEqual([]);
    expect(head.graph!.params.filter((p) => p.name.includes('_norm')).map((p) => [p.name, p.shape])).toEqual([
      ['attn.q_norm.weight', [4]],
      ['attn.k_norm.weight', [4]],
    ]);
    const all = checkText(model('qk_norm = all, qk_norm_eps = 1e-5, qk_norm_offset = 1'));
    expect(all.graph!.params.filter((p) => p.name.includes('_norm')).map((p) => [p.name, p.shape])).toEqual([
      ['attn.q_norm.weight', [16]],
      ['attn.k_norm.weight', [8]],
    ]);
    const node = all.graph!.items.find((n) => n.op === 'attention');
    expect(node?.op === 'attention' && node.qkNorm).toEqual({ over: 'all', eps: 1e-5, offset: 1 });
    expect(analyze(all.graph!).params.total - analyze(checkText(model('bias = true')).graph!).params.total).toBe(24);
  });

  it('costs an RMS norm (5 FLOPs) per query and key channel', () => {
    const with_ = analyze(checkText(model('qk_norm = head')).graph!).costs.decodeFlopsPerToken;
    const without = analyze(checkText(model('bias = true')).graph!).costs.decodeFlopsPerToken;
    // bias = true is the default, here only to give the same number of arguments.
    expect(with_ - without).toBe(5 * (4 + 2) * 4);
  });

  it('refuses another word, and cross-attention', () => {
    expect(checkText(model('qk_norm = causal')).diagnostics.map((d) => d.message)).toEqual(['expected where to normalise queries and keys']);
    const cross = `model m {
  const vocab = 32, context = 16, d = 16
  input tokens: i32[T <= context]
  input memory: f32[S, d]
  x = embed: embedding(tokens, vocab, d)
  x = x + attention(q = x, kv = memory, heads = 4, qk_norm = head)
  output logits = head: linear(x, vocab, bias = false)
}
`;
    expect(checkText(cross).diagnostics.map((d) => d.message)).toEqual(['qk-norm is supported in self-attention only']);
  });
});

describe('RoPE scaling', () => {
  it("records transformers' defaults for what is not given", () => {
    const { node } = attention(model('pos = rope(scaling = "yarn", factor = 4, original_context = 8)'));
    expect(node!.rope!.scaling).toEqual({ kind: 'yarn', factor: 4, original: 8, betaFast: 32, betaSlow: 1, truncate: true, attention: 0.1 * Math.log(4) + 1 });
    const { node: lr } = attention(
      model('pos = rope(scaling = "longrope", original_context = 4, factor = 4, short_factor = [1, 2], long_factor = [3, 4])'),
    );
    expect(lr!.rope!.scaling).toEqual({ kind: 'longrope', original: 4, short: [1, 2], long: [3, 4], attention: Math.sqrt(1 + Math.log(4) / Math.log(4)) });
  });

  it('takes factor lists from constants', () => {
    const { r } = attention(model('pos = rope(scaling = "longrope", original_context = 4, short_factor = s, long_factor = l)', ', s = [1, 1], l = [2, 2]'));
    expect(r.diagnostics).toEqual([]);
  });

  it('says what is wrong: an unknown rope_type, a missing original_context, factors that do not fit the pairs', () => {
    const messages = (args: string) => checkText(model(args)).diagnostics.map((d) => d.message);
    expect(messages('pos = rope(scaling = "ntk")')).toEqual(['unknown RoPE scaling "ntk"']);
    expect(messages('pos = rope(scaling = "llama3", factor = 8)')).toEqual(['RoPE scaling "llama3" needs original_context']);
    expect(messages('pos = rope(scaling = "linear", factor = 0)')).toEqual(['a RoPE scaling factor must be positive, got 0']);
    expect(messages('pos = rope(scaling = "longrope", original_context = 4, short_factor = [1], long_factor = [1])')).toEqual([
      'longrope needs 2 factors in short_factor and long_factor, one per rotated pair',
    ]);
    expect(messages('pos = rope(scaling = "longrope", original_context = 4, short_factor = [1, 0], long_factor = [1, 1])')).toEqual([
      'short_factor must hold positive numbers',
    ]);
  });

  it('llama3 keeps the high frequencies, divides the low ones and interpolates between', () => {
    // θ = 10000 over 8 channels: wavelengths 2π·(1, 10, 100, 1000); original 64 → kept below 16, divided above 64.
    const plain = [1, 0.1, 0.01, 0.001];
    const f = ropeFrequencies({ theta: 10000, dim: 8, scaling: { kind: 'llama3', factor: 8, original: 64, lowFreqFactor: 1, highFreqFactor: 4 } }, 0);
    expect(f[0]).toBeCloseTo(plain[0]!, 12);
    expect(f[2]).toBeCloseTo(plain[2]! / 8, 12);
    expect(f[3]).toBeCloseTo(plain[3]! / 8, 12);
    const smooth = (64 / ((2 * Math.PI) / 0.1) - 1) / 3; // wavelength 62.8 lies between 16 and 64
    expect(f[1]).toBeCloseTo((1 - smooth) * (0.1 / 8) + smooth * 0.1, 12);
  });

  it('dynamic NTK and LongRoPE depend on the length, the others do not', () => {
    const dynamic = { theta: 10000, dim: 8, scaling: { kind: 'dynamic', factor: 2, original: 8 } } as const;
    expect(ropeFrequencies(dynamic, 8)).toEqual(ropeFrequencies({ ...dynamic, scaling: { kind: 'none' } }, 0));
    // Past the original context the base grows to θ · (2 · 16 / 8 − 1)^(8/6).
    expect(ropeFrequencies(dynamic, 16)[1]).toBeCloseTo(1 / Math.pow(10000 * Math.pow(3, 8 / 6), 2 / 8), 12);
    const longrope = { theta: 10000, dim: 4, scaling: { kind: 'longrope', original: 8, short: [1, 2], long: [3, 4], attention: 1 } } as const;
    expect(ropeFrequencies(longrope, 8)).toEqual([1, 0.01 / 2]);
    expect(ropeFrequencies(longrope, 9)).toEqual([1 / 3, 0.01 / 4]);
  });
});

describe('tied = if … then label else none', () => {
  it('lets a constant decide whether the head has its own weight, and a checkpoint rule may name it either way', () => {
    const text = (tie: number) => `model m {
  const vocab = 32, context = 8, d = 8, tie = ${tie}
  input tokens: i32[T <= context]
  x = embed: embedding(tokens, vocab, d)
  output logits = head: linear(x, vocab, bias = false, tied = if tie == 1 then embed else none)
  checkpoint hf {
    embed.weight <- "e"
    head.weight  <- "h"
  }
}
`;
    expect(checkText(text(1)).diagnostics).toEqual([]);
    expect(checkText(text(0)).diagnostics).toEqual([]);
    expect(analyze(checkText(text(0)).graph!).params.total - analyze(checkText(text(1)).graph!).params.total).toBe(32 * 8);
    expect(checkText(text(0).replace('else none', 'else causal')).diagnostics.map((d) => d.message)).toEqual(["argument 'tied' of linear must be an op's label or none"]);
  });
});
