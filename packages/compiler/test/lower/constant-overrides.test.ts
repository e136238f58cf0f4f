// Constants given from outside the file (--set, presets, config.json) may be strings and lists of numbers
// as well as numbers, each of the kind the file's own value is: so one file selects its RoPE scaling,
// LongRoPE lists included, from its configuration.
import { describe, expect, it } from 'vitest';
import { ropeFrequencies } from '../../src/ir/rope-frequencies.js';
import { checkText } from '../models.js';

const MODEL = `model m {
  const vocab = 16, d = 16, heads = 2, context = 32
  const kind = "default", factor = 1, original = 8, short = [1, 1, 1, 1], long = [1, 1, 1, 1]
  input tokens: i32[T <= context]
  x = embedding(tokens, vocab, d)
  x = x + attn: attention(x, heads, pos = rope(scaling = kind, factor = factor, original_context = original, short_factor = short, long_factor = long))
  output logits = head: linear(x, vocab)
}
`;

const errors = (r: ReturnType<typeof checkText>) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}${d.label ? ` (${d.label})` : ''}`);

function scalingOf(r: ReturnType<typeof checkText>) {
  const node = r.graph!.items.find((n) => n.op === 'attention');
  if (node?.op !== 'attention' || !node.rope) throw new Error('no rotary attention');
  return node.rope.scaling;
}

describe('string and list constants given from outside', () => {
  it('the file keeps its own values when none is given', () => {
    expect(scalingOf(checkText(MODEL))).toEqual({ kind: 'none' });
  });

  it('a string selects the scaling and a list gives its factors', () => {
    const r = checkText(MODEL, { kind: 'longrope', short: [1, 2, 3, 4], long: [2, 4, 8, 16] });
    expect(errors(r)).toEqual([]);
    const s = scalingOf(r);
    expect(s).toMatchObject({ kind: 'longrope', original: 8, short: [1, 2, 3, 4], long: [2, 4, 8, 16] });
    // Pair k of the 4 is slowed by its short factor while the sequence fits the pretrained context.
    const base = ropeFrequencies({ theta: 10000, dim: 8, scaling: { kind: 'none' } }, 0);
    expect(ropeFrequencies({ theta: 10000, dim: 8, scaling: s }, 4).map((f, k) => base[k]! / f)).toEqual([1, 2, 3, 4].map((x) => expect.closeTo(x, 12)));
    expect(scalingOf(checkText(MODEL, { kind: 'linear', factor: 4 }))).toEqual({ kind: 'linear', factor: 4 });
  });

  it('a value of another kind than the file’s is one error at the model, and the file’s value stays', () => {
    const r = checkText(MODEL, { kind: [1, 2], short: 'many' });
    expect(errors(r)).toEqual([
      "E0213 --set kind=[1,2]: the file's 'kind' is a string, not a list ('kind' keeps its value from the file)",
      `E0213 --set short="many": the file's 'short' is a list, not a string ('short' keeps its value from the file)`,
    ]);
    expect(scalingOf(r)).toEqual({ kind: 'none' });
  });
});
