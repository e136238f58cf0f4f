// tanh_gate: a learned scalar weight [1] that starts closed, the input's shape, one FLOP per element,
// and a clear error on token ids. Its CPU code is checked against PyTorch by the Flamingo golden
// (packages/cli/test/family-goldens.test.ts), with gates open both ways.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/index.js';
import { checkText } from '../models.js';

const model = (gated: string) => `model gated {
  const vocab = 32, context = 8, d = 8
  input tokens: i32[T <= context]
  x = embed: embedding(tokens, vocab, d)
  output logits = head: linear(${gated}, vocab, bias = false)
}
`;

describe('tanh_gate', () => {
  it('declares one scalar weight, initialised to 0, and keeps the shape', () => {
    const r = checkText(model('x + g: tanh_gate(x)'));
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.params.find((p) => p.name === 'g.weight')).toMatchObject({ shape: [1], init: { kind: 'zeros' } });
    const gate = r.graph!.items.find((n) => n.op === 'tanh_gate')!;
    expect(gate.op === 'tanh_gate' && gate.type.shape.length).toBe(2);
  });

  it('costs one FLOP per element, a parameter more than without it', () => {
    const plain = analyze(checkText(model('x + x')).graph!);
    const gated = analyze(checkText(model('x + g: tanh_gate(x)')).graph!);
    expect(gated.params.total - plain.params.total).toBe(1);
    expect(gated.costs.decodeFlopsPerToken - plain.costs.decodeFlopsPerToken).toBe(8);
  });

  it('refuses token ids', () => {
    const r = checkText(model('embed: embedding(tokens, vocab, d) + tanh_gate(tokens)').replace('x = embed: embedding(tokens, vocab, d)\n', ''));
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['E0310', 'tanh_gate takes a float tensor, but this holds token ids']]);
  });
});
