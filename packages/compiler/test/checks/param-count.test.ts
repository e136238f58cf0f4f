// E0323: a parameter tensor, or the model in all, past 2^53 − 1 elements is refused, its count given
// exactly; real models, the largest published included, are far below.
import { describe, expect, it } from 'vitest';
import { checkModelFile, checkText } from '../models.js';

const errors = (result: ReturnType<typeof checkText>) =>
  result.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, line: d.span.line, column: d.span.column, message: d.message, label: d.label }));

describe('parameter counts past 2^53 − 1', () => {
  it('GPT-2 at d = 120,000,000,000: each d×d weight, once per declaring label, with its exact size', () => {
    const r = checkModelFile('gpt2', { d: 120_000_000_000 });
    expect(errors(r)).toEqual([
      {
        code: 'E0323',
        line: 11,
        column: 13,
        message: 'parameter h.0.attn.q.weight has 14,400,000,000,000,000,000,000 elements, more than 2^53 − 1 = 9,007,199,254,740,991',
        label: 'its shape is [120,000,000,000, 120,000,000,000]; 47 more tensors declared here pass the limit too',
      },
      {
        code: 'E0323',
        line: 12,
        column: 13,
        message: 'parameter h.0.mlp.up.weight has 57,600,000,000,000,000,000,000 elements, more than 2^53 − 1 = 9,007,199,254,740,991',
        label: 'its shape is [480,000,000,000, 120,000,000,000]; 23 more tensors declared here pass the limit too',
      },
    ]);
  });

  it('a total past the limit, of tensors each within it, at the component holding the most', () => {
    // 12·(12·d² + 13·d) + (50,257 + 1,024 + 2)·d, with d = 20,000,004 (12 divides it).
    const r = checkModelFile('gpt2', { d: 20_000_004 });
    expect(errors(r)).toEqual([
      {
        code: 'E0323',
        line: 12,
        column: 13,
        message: 'the model has 57,601,051,820,208,060 parameters, more than 2^53 − 1 = 9,007,199,254,740,991',
        label: 'h.*.mlp holds 38,400,016,560,001,776 of them',
      },
    ]);
  });

  it('accepts the largest real models: Llama-3-405B', () => {
    const r = checkModelFile('llama', { vocab: 128256, d: 16384, layers: 126, heads: 128, kv_heads: 8, d_ff: 53248, context: 131072, theta: 500000 });
    expect(errors(r)).toEqual([]);
  });

  it('stays quiet after an error that decides the shapes (heads that do not divide d)', () => {
    expect(errors(checkModelFile('gpt2', { d: 4_000_000_000 })).map((e) => e.code)).toEqual(['E0303']);
  });

  it('accepts a tensor of 2^53 − 1 elements and reports one of 2^53', () => {
    const model = (rows: number, d: number) => `model m {
  const vocab = ${rows}, d = ${d}
  input tokens: i32[T <= 8]
  x = embed: embedding(tokens, vocab, d)
  output logits = head: linear(x, vocab, bias = false, tied = embed)
}
`;
    expect(errors(checkText(model(Number.MAX_SAFE_INTEGER, 1)))).toEqual([]);
    expect(errors(checkText(model(2 ** 52, 2))).map((e) => e.message)).toEqual([
      'parameter embed.weight has 9,007,199,254,740,992 elements, more than 2^53 − 1 = 9,007,199,254,740,991',
    ]);
  });
});
