// CPU code generation cases that random architectures rarely reach: layers that swap carried values,
// and attention outside any repeat. Each is compared with a model that computes the same thing in
// the shape the generator always handled, with the same seeded weights.
import { describe, expect, it } from 'vitest';
import { compileForCpu } from './support/cpu-model.js';

const HEADER = `  const vocab = 20, context = 16, d = 8, heads = 2
  input tokens: i32[T <= context]
  x = embed: embedding(tokens, vocab, d)
  y = x * 0.5`;

/** Logits of every position for a fixed prompt. */
async function logits(source: string): Promise<number[]> {
  const ex = compileForCpu(source).executor(7);
  return Array.from(await ex.prefill(Int32Array.from([3, 1, 4, 1, 5, 9]), { allLogits: true }));
}

describe('CPU code generation', () => {
  it('computes layers that swap carried values as if the values were fresh', async () => {
    const layers = (copy: string) => `model swap {
${HEADER}
  w = x * 2
  repeat 3 as i {
    t = x
    x = y${copy}
    y = t${copy}
    w = w + attn: attention(n: layer_norm(w + x), heads)
  }
  output logits = head: linear(x + w - y, vocab)
}
`;
    // `x = y` hands the layer's carried inputs straight back as its results, swapped; `* 1` makes new values.
    const swapped = await logits(layers(''));
    expect(swapped).toEqual(await logits(layers(' * 1')));
  });

  it('runs attention outside a repeat as it runs inside one', async () => {
    const body = `x = x + attn: attention(n: layer_norm(x), heads)
  x = x + mlp: mlp(m: layer_norm(x), 2 * d)`;
    const outside = `model top {
${HEADER}
  ${body}
  output logits = head: linear(x + y, vocab)
}
`;
    const inside = `model top {
${HEADER}
  layers: repeat 1 as i {
    ${body.replace('\n', '\n  ')}
  }
  output logits = head: linear(x + y, vocab)
}
`;
    // Same parameters under other paths (attn vs layers.0.attn): the seeded weights follow the order
    // of creation, which is the same in both.
    const a = await logits(outside);
    const b = await logits(inside);
    expect(a.length).toBe(6 * 20);
    expect(a).toEqual(b);
  });
});
