// What lowering records for editors: every expression of the user's file by span, none of the prelude's
// or of the every-branch probe; valueAt costs an expression over exactly the layers that run it.
import { describe, expect, it } from 'vitest';
import { valueAt, typeToString, type CheckResult } from '../../src/index.js';
import { checkText } from '../models.js';

const d = 8;
// Four layers; the odd ones add a projection, so the layers fall into two structures of two layers each.
const TEXT = `model m {
  const vocab = 32, context = 16, d = ${d}, layers = 4
  input tokens: i32[T <= context]
  x = embedding(tokens, vocab, d)
  repeat layers as i {
    if i % 2 == 1 {
      x = x + extra: linear(x, d)
    }
    x = x + ffn: mlp(x, 2 * d)
  }
  output logits = head: linear(x, vocab, bias = false)
}
`;

const at = (r: CheckResult, needle: string, k = 0) => valueAt(r, r.source.text.indexOf(needle) + k)!;

describe('value spans', () => {
  const result = checkText(TEXT);

  it('checks, and records only spans of the file itself', () => {
    expect(result.ok).toBe(true);
    expect(result.valueSpans.length).toBeGreaterThan(0);
    expect(new Set(result.valueSpans.map((v) => v.span.file))).toEqual(new Set(['test.tdl']));
  });

  it('costs a branch taken by two of the four layers over those two', () => {
    const v = at(result, 'extra: linear', 1);
    expect(result.source.text.slice(v.span.offset, v.span.offset + v.span.length)).toBe('extra: linear(x, d)');
    expect(typeToString(v.type!)).toBe(`f32[T, ${d}]`);
    expect(v.layers).toBe(2);
    expect(v.params).toBe(2 * (d * d + d)); // weight and bias, in layers 1 and 3
    expect(v.decodeFlops).toBe(2 * (2 * d * d + d)); // a matmul and its bias add per token, per layer
  });

  it('costs a prelude block call in every layer, its own nodes only', () => {
    const v = at(result, 'ffn: mlp', 1);
    expect(v.layers).toBe(4);
    // up [2d, d] and down [d, 2d] with biases.
    expect(v.params).toBe(4 * (2 * d * d + 2 * d + 2 * d * d + d));
    // Two matmuls with their biases, and ReLU (1 per element) on the 2d hidden values.
    expect(v.decodeFlops).toBe(4 * (2 * 2 * d * d + 2 * d + 2 * d + 2 * 2 * d * d + d));
  });

  it('gives a constant its value and a name its shape without cost', () => {
    expect(at(result, 'd = 8').number).toBe(d);
    const name = at(result, 'mlp(x', 4);
    expect(result.source.text.slice(name.span.offset, name.span.offset + name.span.length)).toBe('x');
    expect(name.params).toBe(0);
    expect(name.decodeFlops).toBe(0);
  });
});
