// Random decoder architectures as tdl source text, for property tests: widths, heads and key/value
// heads, head sizes, norm kinds and placements, masks (causal, sliding, alternating per layer),
// positions (learned, sinusoidal, RoPE in both layouts and partial, ALiBi), score and logit
// soft-capping, every activation, plain and gated feed-forward layers, biases, tied heads, and
// cross-attention to a memory of another width (as given, or normalised before or in the layers), on
// every layer or every other one.
import fc from 'fast-check';

export interface ModelConfig {
  readonly vocab: number;
  readonly context: number;
  readonly d: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  /** Given explicitly (not d / heads) when set. */
  readonly headDim?: number;
  readonly norm: 'layer_norm' | 'layer_norm_plain' | 'rms_norm' | 'rms_norm_offset';
  readonly placement: 'pre' | 'post' | 'sandwich' | 'parallel';
  readonly positions: 'none' | 'learned' | 'sinusoidal' | 'rope' | 'alibi';
  readonly rope: { readonly theta: number; readonly fraction: 1 | 0.5; readonly layout: 'half' | 'interleaved' };
  readonly mask: 'causal' | 'sliding' | 'alternating';
  readonly window: number;
  readonly scoreSoftcap: number;
  readonly scale?: number;
  readonly bias: boolean;
  readonly ffn: 'mlp' | 'gated_mlp';
  readonly act: 'relu' | 'gelu' | 'gelu_tanh' | 'silu' | 'sigmoid' | 'tanh' | 'identity';
  readonly cross: 'none' | 'every' | 'odd';
  /** Cross-attention reads the memory as given, normalised once before the layers, or in each layer. */
  readonly memoryNorm: 'none' | 'top' | 'layer';
  readonly memoryWidth: number;
  readonly crossHeads: number;
  readonly tied: boolean;
  readonly embedScale: boolean;
  readonly finalNorm: boolean;
  readonly logitSoftcap: number;
}

const WIDTHS = [8, 16] as const;

export const modelConfig: fc.Arbitrary<ModelConfig> = fc
  .record({
    vocab: fc.constantFrom(24, 32),
    context: fc.constantFrom(16, 24),
    d: fc.constantFrom(...WIDTHS),
    layers: fc.integer({ min: 1, max: 3 }),
    heads: fc.constantFrom(1, 2, 4),
    kvDivisor: fc.constantFrom(1, 2, 4),
    headDim: fc.option(fc.constantFrom(4, 6, 8), { nil: undefined }),
    norm: fc.constantFrom('layer_norm', 'layer_norm_plain', 'rms_norm', 'rms_norm_offset'),
    placement: fc.constantFrom('pre', 'post', 'sandwich', 'parallel'),
    positions: fc.constantFrom('none', 'learned', 'sinusoidal', 'rope', 'alibi'),
    rope: fc.record({ theta: fc.constantFrom(10000, 500), fraction: fc.constantFrom<1 | 0.5>(1, 0.5), layout: fc.constantFrom<'half' | 'interleaved'>('half', 'interleaved') }),
    mask: fc.constantFrom('causal', 'sliding', 'alternating'),
    window: fc.integer({ min: 1, max: 5 }),
    scoreSoftcap: fc.constantFrom(0, 0, 2),
    scale: fc.option(fc.constantFrom(0.25, 0.7), { nil: undefined }),
    bias: fc.boolean(),
    ffn: fc.constantFrom('mlp', 'gated_mlp'),
    act: fc.constantFrom('relu', 'gelu', 'gelu_tanh', 'silu', 'sigmoid', 'tanh', 'identity'),
    cross: fc.constantFrom('none', 'none', 'every', 'odd'),
    memoryNorm: fc.constantFrom('none', 'top', 'layer'),
    memoryWidth: fc.constantFrom(...WIDTHS, 12),
    crossHeads: fc.constantFrom(1, 2),
    tied: fc.boolean(),
    embedScale: fc.boolean(),
    finalNorm: fc.boolean(),
    logitSoftcap: fc.constantFrom(0, 0, 3),
  })
  .map(({ kvDivisor, ...c }) => {
    const kvHeads = c.heads % kvDivisor === 0 ? c.heads / kvDivisor : c.heads;
    // Rotary dims must be even and fit a head; a derived head size needs heads to divide d.
    const headDim = c.headDim ?? c.d / c.heads;
    const positions = c.positions === 'rope' && (headDim * c.rope.fraction) % 2 !== 0 ? 'learned' : c.positions;
    return { ...c, kvHeads, positions } as ModelConfig;
  });

function norm(c: ModelConfig, label: string, x: string): string {
  switch (c.norm) {
    case 'layer_norm':
      return `${label}: layer_norm(${x})`;
    case 'layer_norm_plain':
      return `${label}: layer_norm(${x}, affine = false, eps = 0.001)`;
    case 'rms_norm':
      return `${label}: rms_norm(${x}, eps = 0.00001)`;
    case 'rms_norm_offset':
      return `${label}: rms_norm(${x}, offset = 1)`;
  }
}

function selfAttention(c: ModelConfig, x: string): string {
  const headDim = c.headDim ?? c.d / c.heads;
  const args = [x, 'heads', `kv_heads = ${c.kvHeads}`];
  if (c.headDim !== undefined) args.push(`head_dim = ${c.headDim}`);
  if (c.mask === 'sliding') args.push(`mask = sliding(${c.window})`);
  if (c.mask === 'alternating') args.push(`mask = if l % 2 == 0 then sliding(${c.window}) else causal`);
  if (c.positions === 'rope') args.push(`pos = rope(theta = ${c.rope.theta}, dim = ${headDim * c.rope.fraction}, layout = ${c.rope.layout})`);
  if (c.positions === 'alibi') args.push('pos = alibi');
  if (c.scoreSoftcap) args.push(`softcap = ${c.scoreSoftcap}`);
  if (c.scale !== undefined) args.push(`scale = ${c.scale}`);
  args.push(`bias = ${c.bias}`);
  return `attn: attention(${args.join(', ')})`;
}

function crossAttention(c: ModelConfig, q: string): string {
  const kv = c.memoryNorm === 'top' ? 'm' : c.memoryNorm === 'layer' ? 'mn: layer_norm(memory)' : 'memory';
  return `cross: attention(q = ${q}, kv = ${kv}, heads = ${c.crossHeads}, head_dim = 4, bias = ${c.bias})`;
}

function ffn(c: ModelConfig, x: string): string {
  return c.ffn === 'mlp' ? `ffn: mlp(${x}, 2 * d, act = ${c.act}, bias = ${c.bias})` : `ffn: gated_mlp(${x}, 2 * d, act = ${c.act})`;
}

function layerBody(c: ModelConfig): string[] {
  const lines: string[] = [];
  const crossLine = (() => {
    if (c.cross === 'none') return [];
    const statement = c.placement === 'post' ? `x = ${norm(c, 'nc', `x + ${crossAttention(c, 'x')}`)}` : `x = x + ${crossAttention(c, norm(c, 'nc', 'x'))}`;
    return c.cross === 'every' ? [statement] : ['if l % 2 == 1 {', `  ${statement}`, '}'];
  })();
  switch (c.placement) {
    case 'pre':
      lines.push(`x = x + ${selfAttention(c, norm(c, 'n1', 'x'))}`, ...crossLine, `x = x + ${ffn(c, norm(c, 'n2', 'x'))}`);
      break;
    case 'post':
      lines.push(`x = ${norm(c, 'n1', `x + ${selfAttention(c, 'x')}`)}`, ...crossLine, `x = ${norm(c, 'n2', `x + ${ffn(c, 'x')}`)}`);
      break;
    case 'sandwich':
      lines.push(`x = x + ${norm(c, 'p1', selfAttention(c, norm(c, 'n1', 'x')))}`, ...crossLine, `x = x + ${norm(c, 'p2', ffn(c, norm(c, 'n2', 'x')))}`);
      break;
    case 'parallel':
      lines.push(...crossLine, `h = ${norm(c, 'n1', 'x')}`, `x = x + ${selfAttention(c, 'h')} + ${ffn(c, 'h')}`);
      break;
  }
  return lines;
}

/** The model's source text. */
export function modelSource(c: ModelConfig): string {
  let embed = 'embed: embedding(tokens, vocab, d)';
  if (c.embedScale) embed += ' * sqrt(d)';
  if (c.positions === 'learned') embed += ' + pos: embedding(positions(T), context, d)';
  if (c.positions === 'sinusoidal') embed += ' + sinusoidal(positions(T), d)';
  const head = `head: linear(x, vocab, bias = false${c.tied ? ', tied = embed' : ''})`;
  return [
    '## A random architecture from the property tests.',
    'model random {',
    `  const vocab = ${c.vocab}, context = ${c.context}, d = ${c.d}, heads = ${c.heads}, layers = ${c.layers}`,
    '  input tokens: i32[T <= context]',
    ...(c.cross !== 'none' ? [`  input memory: f32[S, ${c.memoryWidth}]`] : []),
    ...(c.cross !== 'none' && c.memoryNorm === 'top' ? ['  m = memory_norm: rms_norm(memory)'] : []),
    `  x = ${embed}`,
    '  h: repeat layers as l {',
    ...layerBody(c).map((line) => `    ${line}`),
    '  }',
    ...(c.finalNorm ? [`  x = ${norm(c, 'final', 'x')}`] : []),
    `  output logits = ${c.logitSoftcap ? `softcap(${head}, ${c.logitSoftcap})` : head}`,
    '}',
    '',
  ].join('\n');
}
