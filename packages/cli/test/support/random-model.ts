// Random well-formed architectures as model source text, for property tests across the pipeline.
import fc from 'fast-check';

export interface RandomModel {
  readonly source: string;
  readonly vocab: number;
  readonly context: number;
  /** Width of the memory input, when the model has cross-attention. */
  readonly memoryWidth?: number;
  /** Layers with a sliding window, and the window. */
  readonly window?: number;
  readonly layers: number;
}

export interface RandomModelOptions {
  /** Force one layer with a sliding window of this size (for the window property). */
  readonly slidingWindow?: number;
  readonly allowMemory?: boolean;
}

const NORMS = ['layer_norm', 'rms_norm'] as const;
const PLACEMENTS = ['pre', 'post', 'sandwich', 'parallel'] as const;
const POSITIONS = ['learned', 'sinusoidal', 'rope', 'alibi', 'none'] as const;
const ACTS = ['relu', 'gelu', 'gelu_tanh', 'silu'] as const;

export function randomModel(options: RandomModelOptions = {}): fc.Arbitrary<RandomModel> {
  return fc
    .record({
      vocab: fc.integer({ min: 8, max: 40 }),
      context: fc.integer({ min: 12, max: 20 }),
      kvHeads: fc.integer({ min: 1, max: 2 }),
      group: fc.integer({ min: 1, max: 2 }),
      headDim: fc.constantFrom(2, 4, 6),
      layers: fc.integer({ min: 1, max: 3 }),
      norm: fc.constantFrom(...NORMS),
      placement: fc.constantFrom(...PLACEMENTS),
      position: fc.constantFrom(...POSITIONS),
      act: fc.constantFrom(...ACTS),
      gated: fc.boolean(),
      window: fc.integer({ min: 1, max: 4 }),
      alternateWindow: fc.boolean(),
      bias: fc.boolean(),
      tied: fc.boolean(),
      finalSoftcap: fc.boolean(),
      memory: options.allowMemory === false ? fc.constant(false) : fc.boolean(),
      memoryWidth: fc.integer({ min: 2, max: 7 }),
      crossEvery: fc.integer({ min: 1, max: 2 }),
    })
    .map((p) => {
      const heads = p.kvHeads * p.group;
      const d = heads * p.headDim;
      const layers = options.slidingWindow ? 1 : p.layers;
      const window = options.slidingWindow ?? p.window;
      const sliding = options.slidingWindow !== undefined || p.alternateWindow;
      const mask = options.slidingWindow
        ? `sliding(${window})`
        : p.alternateWindow
          ? `if i % 2 == 0 then sliding(${window}) else causal`
          : 'causal';
      const pos = p.position === 'rope' ? ', pos = rope(theta = 100)' : p.position === 'alibi' ? ', pos = alibi' : '';
      const n = (x: string, label: string) => `${label}: ${p.norm}(${x})`;
      const attn = (x: string) => `attn: attention(${x}, heads, kv_heads = kv_heads, mask = ${mask}${pos}, bias = ${p.bias})`;
      const ffn = (x: string) => (p.gated ? `mlp: gated_mlp(${x}, 2 * d, act = ${p.act})` : `mlp: mlp(${x}, 2 * d, act = ${p.act}, bias = ${p.bias})`);
      const block: string[] = [];
      switch (p.placement) {
        case 'pre':
          block.push(`x = x + ${attn(n('x', 'n1'))}`, `x = x + ${ffn(n('x', 'n2'))}`);
          break;
        case 'post':
          block.push(`x = ${p.norm === 'rms_norm' ? 'n1: rms_norm' : 'n1: layer_norm'}(x + ${attn('x')})`, `x = n2: ${p.norm}(x + ${ffn('x')})`);
          break;
        case 'sandwich':
          block.push(`x = x + post1: ${p.norm}(${attn(n('x', 'n1'))})`, `x = x + post2: ${p.norm}(${ffn(n('x', 'n2'))})`);
          break;
        case 'parallel':
          block.push(`h = ${n('x', 'n1')}`, `x = x + ${attn('h')} + ${ffn('h')}`);
          break;
      }
      const memory = p.memory && !options.slidingWindow;
      if (memory) {
        block.push(`if i % ${p.crossEvery} == 0 {`, `  x = x + cross: attention(q = ${n('x', 'nc')}, kv = memory, heads = heads, kv_heads = kv_heads)`, `}`);
      }
      const embed =
        p.position === 'learned'
          ? 'embed: embedding(tokens, vocab, d) + wpe: embedding(positions(T), context, d)'
          : p.position === 'sinusoidal'
            ? 'embed: embedding(tokens, vocab, d) * sqrt(d) + sinusoidal(positions(T), d)'
            : 'embed: embedding(tokens, vocab, d)';
      const head = p.tied ? 'head: linear(final, vocab, bias = false, tied = embed)' : `head: linear(final, vocab, bias = ${p.bias})`;
      const source = [
        'model random {',
        `  const vocab = ${p.vocab}, context = ${p.context}, d = ${d}, heads = ${heads}, kv_heads = ${p.kvHeads}, layers = ${layers}`,
        '  input tokens: i32[T <= context]',
        ...(memory ? [`  input memory: f32[S, ${p.memoryWidth}]`] : []),
        `  x = ${embed}`,
        '  repeat layers as i {',
        ...block.map((l) => '    ' + l),
        '  }',
        `  final = norm: ${p.norm}(x)`,
        `  output logits = ${p.finalSoftcap ? `softcap(${head}, 5)` : head}`,
        '}',
        '',
      ].join('\n');
      return {
        source,
        vocab: p.vocab,
        context: p.context,
        layers,
        ...(memory ? { memoryWidth: p.memoryWidth } : {}),
        ...(sliding ? { window } : {}),
      };
    });
}
