// Sizes lowering refuses, each with one clear diagnostic: whole numbers past 2^53 − 1 where a size goes
// (they are not exact), such numbers given by --set, and repeats of more layers than tdl lowers.
import { describe, expect, it } from 'vitest';
import { checkModelFile, checkText } from '../models.js';

const errors = (result: ReturnType<typeof checkText>) =>
  result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}${d.label ? ` (${d.label})` : ''}`);

describe('sizes that are not exact', () => {
  it('--set with a whole number past 2^53 − 1 is one error at the model, and the constant keeps its value', () => {
    const r = checkModelFile('gpt2', { d: 1e300 });
    expect(errors(r)).toEqual([
      "4:7 E0213 --set d=1e+300: whole numbers past 2^53 − 1 = 9,007,199,254,740,991 are not exact ('d' keeps its value from the file)",
    ]);
    expect(errors(checkModelFile('gpt2', { layers: 1e20 }))).toEqual([
      "4:7 E0213 --set layers=100000000000000000000: whole numbers past 2^53 − 1 = 9,007,199,254,740,991 are not exact ('layers' keeps its value from the file)",
    ]);
    // A number that is not whole is no size either way: the uses that need one say so (E0209).
    expect(errors(checkModelFile('gpt2', { d: 1.5 }))[0]).toMatch(/E0209 argument 'd' of 'embedding' must be an integer/);
  });

  it('a size argument past 2^53 − 1 is refused where it is given, also when arithmetic makes it', () => {
    const text = `model m {
  const vocab = 100, d = 4503599627370496
  input tokens: i32[T <= 8]
  x = embed: embedding(tokens, vocab, 4 * d)
  output logits = head: linear(x, vocab)
}
`;
    expect(errors(checkText(text))).toEqual([
      "4:39 E0214 argument 'd' of 'embedding' is 18014398509481984, too large to be a size (whole numbers past 2^53 − 1 = 9,007,199,254,740,991 are not exact)",
    ]);
  });

  it('an input width or length bound past 2^53 − 1 is refused', () => {
    const text = `model m {
  const vocab = 100, d = 16
  input tokens: i32[T <= 1e300]
  input memory: f32[S, 1e20]
  x = embed: embedding(tokens, vocab, d)
  output logits = head: linear(x, vocab)
}
`;
    expect(errors(checkText(text))).toEqual([
      '3:26 E0214 a length bound of 1e+300 is too large (whole numbers past 2^53 − 1 = 9,007,199,254,740,991 are not exact)',
      '4:24 E0214 a width of 100000000000000000000 is too large (whole numbers past 2^53 − 1 = 9,007,199,254,740,991 are not exact)',
    ]);
  });
});

describe('repeats of too many layers', () => {
  it('refuses more than 10,000 layers at the count, before lowering any', () => {
    const started = performance.now();
    expect(errors(checkModelFile('gpt2', { layers: 100_000_000 }))).toEqual([
      '10:13 E0214 a repeat of 100,000,000 layers is more than tdl lowers (at most 10,000 layers, each lowered on its own)',
    ]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(errors(checkModelFile('gpt2', { layers: 10_001 })).map((e) => e.split(' ')[1])).toEqual(['E0214']);
  });

  it('lowers a thousand layers (DeepNet depth)', () => {
    const r = checkModelFile('deepnorm', { layers: 1000 });
    expect(errors(r)).toEqual([]);
    expect(r.graph!.params.length).toBeGreaterThan(1000);
  });
});
