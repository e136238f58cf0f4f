// Lowering records arguments as the user wrote them, places what prelude blocks make at the call,
// and groups layers by structure regardless of how their arguments were spelt.
import { describe, expect, it } from 'vitest';
import { allNodes, type AttentionNode } from '../../src/index.js';
import { checkText } from '../models.js';

const MODEL = `model m {
  const vocab = 100, d = 64
  input tokens: i32[T <= 32]
  input memory: f32[S, 48]
  x = embed: embedding(tokens, vocab, d)
  repeat 2 as i {
    h = layer_norm(x)
    x = x + attn: attention(h, 4)
    x = x + cross: attention(q = norm2: layer_norm(x), kv = memory, heads = 4)
    x = x + ffn: mlp(layer_norm(x), 4 * d)
  }
  output logits = head: linear(layer_norm(x), vocab)
}
`;

describe('argument source text', () => {
  const { graph, diagnostics } = checkText(MODEL);
  const attention = [...allNodes(graph!)].map((s) => s.node).filter((n): n is AttentionNode => n.op === 'attention');

  it('names plain variables and inputs, and labelled calls as written', () => {
    expect(diagnostics).toEqual([]);
    const [self, cross] = attention;
    expect(self!.argText).toMatchObject({ x: 'h', q: 'h', k: 'h', v: 'h', heads: '4' });
    expect(cross!.argText).toMatchObject({ q: 'norm2: layer_norm(x)', k: 'memory', v: 'memory', kv: 'memory', heads: '4' });
  });

  it('records the span of every argument given, defaulted ones from their source', () => {
    const cross = attention[1]!;
    const at = (name: string) => MODEL.slice(cross.argSpans[name]!.offset, cross.argSpans[name]!.offset + cross.argSpans[name]!.length);
    expect(at('heads')).toBe('4');
    expect(at('k')).toBe('memory');
    expect(Object.keys(cross.argSpans).sort()).toEqual(['heads', 'k', 'kv', 'q', 'v']);
  });

  it('places the nodes of a prelude block at the call in the user file', () => {
    const ffn = [...allNodes(graph!)].map((s) => s.node).filter((n) => n.label?.includes('ffn'));
    expect(ffn.length).toBeGreaterThan(0);
    for (const node of ffn) {
      expect(node.span.file).toBe('test.tdl');
      expect(MODEL.slice(node.span.offset, node.span.offset + node.span.length)).toBe('ffn: mlp(layer_norm(x), 4 * d)');
      for (const span of Object.values(node.argSpans)) expect(span.file).toBe('test.tdl');
    }
  });

  it('reports a mistake inside a prelude block at the call, saying so', () => {
    const bad = MODEL.replace('ffn: mlp(layer_norm(x), 4 * d)', 'ffn: mlp(layer_norm(x), d / 3)');
    const [d] = checkText(bad).diagnostics;
    expect(d!.code).toBe('E0209');
    expect(bad.slice(d!.span.offset, d!.span.offset + d!.span.length)).toBe('ffn: mlp(layer_norm(x), d / 3)');
    expect(d!.notes.map((n) => n.message)).toEqual(["inside the prelude block 'mlp' that this call expands"]);
  });

  it('groups layers of one structure into one body, however their arguments are spelt', () => {
    // Layer 0 writes `h`, layer 1 `g`: the same value, so the same structure and one body.
    const spelt = MODEL.replace('    h = layer_norm(x)\n', '    h = layer_norm(x)\n    g = h\n').replace(
      '    x = x + attn: attention(h, 4)\n',
      '    if i == 0 {\n      x = x + attn: attention(h, 4)\n    } else {\n      x = x + attn: attention(g, 4)\n    }\n',
    );
    const result = checkText(spelt);
    expect(result.diagnostics).toEqual([]);
    const region = result.graph!.items.find((i) => i.op === 'repeat');
    if (region?.op !== 'repeat') throw new Error('no region');
    expect(region.bodies).toHaveLength(1);
    const texts = [...allNodes(result.graph!)].map((s) => s.node).filter((n) => n.op === 'attention').map((n) => n.argText?.['x']);
    expect(texts).toContain('h');
  });
});
