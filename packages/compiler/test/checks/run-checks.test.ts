// How the rules run together: one error per root mistake, independent mistakes each reported,
// warnings held back next to errors, dead code found by liveness with the parameters it wastes.
import { describe, expect, it } from 'vitest';
import { CHECKS, runChecks } from '../../src/index.js';
import { checkModelFile, checkText } from '../models.js';

const codes = (text: string, set: Record<string, number> = {}) => checkText(text, set).diagnostics.map((d) => d.code);

const decoder = (layer: string, extra = '') => `model m {
  const vocab = 100, d = 64
  input tokens: i32[T <= 32]
  input memory: f32[S, d]
  x = embed: embedding(tokens, vocab, d)
  repeat 3 as i {
${layer}
  }
  output logits = head: linear(layer_norm(x), vocab)${extra}
}
`;

describe('running the checks', () => {
  it('gives the mis-wired cross-attention one error, at the values', () => {
    const result = checkModelFile('models/errors/cross-qk-from-memory.tdl');
    expect(result.diagnostics.map((d) => [d.code, d.label])).toEqual([
      ['E0312', 'values have length T (from x), keys have length S (from memory)'],
    ]);
  });

  it('still reports every rule on its own: the order only decides which one a node gets', () => {
    // The same file with each check run alone: the consequences the full run holds back appear.
    const graph = checkModelFile('models/errors/cross-qk-from-memory.tdl').graph!;
    const alone = CHECKS.flatMap((rule) => runChecks(graph, [rule]).map((d) => d.code));
    expect(alone).toEqual(expect.arrayContaining(['E0307', 'E0312', 'E0316']));
  });

  it('reports independent mistakes in different places', () => {
    const text = decoder(
      [
        '    x = x + attn: attention(layer_norm(x), 6)',
        '    x = x + cross: attention(q = layer_norm(x), kv = memory, heads = 4, mask = causal)',
        '    x = x + ffn: mlp(layer_norm(x), 4 * d)',
      ].join('\n'),
    );
    // heads ∤ 64 blames the self-attention; the causal mask across the memory is a separate
    // mistake that does not depend on any shape, so it is still reported downstream.
    expect(codes(text)).toEqual(['E0303', 'E0313']);
  });

  it('skips shape rules downstream of a blamed node, but not wiring rules', () => {
    const text = decoder(
      [
        '    x = x + attn: attention(layer_norm(x), 4, out = 32)',
        '    x = x + ffn: linear(layer_norm(x), 32)',
      ].join('\n'),
      '',
    ).replace('  input memory: f32[S, d]\n', '');
    // The first residual add is wrong; the second add's shapes follow from it and are not reported.
    expect(codes(text)).toEqual(['E0301']);
  });

  it('holds back unused warnings while there are errors', () => {
    const layer = '    x = x + attn: attention(layer_norm(x), heads)\n    y = extra: linear(x, d)';
    const ok = decoder(layer).replace('const vocab = 100, d = 64', 'const vocab = 100, d = 64, heads = 4, unused = 1');
    expect(codes(ok)).toEqual(['W0403', 'W0401', 'W0402']);
    const bad = ok.replace('attention(layer_norm(x), heads)', 'attention(layer_norm(x), 5)');
    expect(codes(bad)).toEqual(['E0303']);
  });

  it('counts the parameters of dead code over every layer that runs it', () => {
    const text = decoder('    x = x + attn: attention(layer_norm(x), 4)\n    y = extra: linear(layer_norm(x), 2 * d)').replace('  input memory: f32[S, d]\n', '');
    const [warning] = checkText(text).diagnostics;
    // Three layers of linear 64 → 128 with bias, and the layer norm that only feeds it.
    expect(warning!.code).toBe('W0402');
    expect(warning!.label).toBe(`its ${(3 * (64 * 128 + 128 + 2 * 64)).toLocaleString('en-US')} parameters count toward the model's size but do nothing`);
  });

  it('reports a call shared by several layer bodies once', () => {
    const text = decoder(
      '    x = x + attn: attention(layer_norm(x), 6, mask = if i == 1 then sliding(4) else causal)\n    x = x + ffn: mlp(layer_norm(x), d)',
    ).replace('  input memory: f32[S, d]\n', '');
    expect(codes(text)).toEqual(['E0303']);
  });

  it('accepts every model in models/ with no diagnostic', () => {
    for (const name of ['gpt2', 'llama', 'transformer', 'transformer-prenorm', 'opt', 'pythia', 'bloom', 'mistral', 'gemma']) {
      expect(checkModelFile(name).diagnostics, name).toEqual([]);
    }
  });
});
