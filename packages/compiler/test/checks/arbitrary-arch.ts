// Random well-formed decoder architectures for property tests, written out as tdl source, with the
// places a single mutation can break one rule.
import fc from 'fast-check';

export type Placement = 'pre' | 'post' | 'sandwich' | 'parallel';
export type MaskSpec = { kind: 'causal' } | { kind: 'sliding'; window: number };
export type PosSpec = { kind: 'none' } | { kind: 'alibi' } | { kind: 'rope'; dim?: number };

export interface Arch {
  readonly vocab: number;
  readonly context: number;
  readonly heads: number;
  readonly headDim: number;
  readonly kvHeads: number;
  readonly layers: number;
  readonly norm: 'layer_norm' | 'rms_norm';
  readonly placement: Placement;
  readonly positions: 'learned' | 'sinusoidal' | 'none';
  readonly pos: PosSpec;
  /** Masks of even and of odd layers (the same spec twice for a uniform stack). */
  readonly masks: readonly [MaskSpec, MaskSpec];
  readonly ffn: { readonly kind: 'mlp' | 'gated_mlp'; readonly hidden: number; readonly act: string };
  /** Cross-attention to a memory of another width on the layers with i % every == offset. */
  readonly cross?: { readonly width: number; readonly heads: number; readonly every: number; readonly offset: number };
  readonly tied: boolean;
}

export const width = (a: Arch) => a.heads * a.headDim;

const divisorsOf = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((k) => n % k === 0);

const maskArb = (context: number): fc.Arbitrary<MaskSpec> =>
  fc.oneof(fc.constant<MaskSpec>({ kind: 'causal' }), fc.integer({ min: 1, max: context - 1 }).map((window): MaskSpec => ({ kind: 'sliding', window })));

export const archArb: fc.Arbitrary<Arch> = fc
  .record({
    vocab: fc.integer({ min: 16, max: 300 }),
    context: fc.integer({ min: 4, max: 64 }),
    heads: fc.integer({ min: 1, max: 8 }),
    headDim: fc.constantFrom(2, 4, 6, 8, 16),
    layers: fc.integer({ min: 1, max: 4 }),
    norm: fc.constantFrom('layer_norm' as const, 'rms_norm' as const),
    placement: fc.constantFrom<Placement>('pre', 'post', 'sandwich', 'parallel'),
    positions: fc.constantFrom('learned' as const, 'sinusoidal' as const, 'none' as const),
    tied: fc.boolean(),
    ffnKind: fc.constantFrom('mlp' as const, 'gated_mlp' as const),
    hidden: fc.integer({ min: 1, max: 96 }),
    act: fc.constantFrom('relu', 'gelu', 'gelu_tanh', 'silu'),
    seed: fc.nat(),
  })
  .chain((base) => {
    const d = base.heads * base.headDim;
    const evenUpTo = Array.from({ length: base.headDim / 2 }, (_, i) => 2 * (i + 1));
    return fc
      .record({
        kvHeads: fc.constantFrom(...divisorsOf(base.heads)),
        pos: fc.oneof(
          fc.constant<PosSpec>({ kind: 'none' }),
          fc.constant<PosSpec>({ kind: 'alibi' }),
          fc.constant<PosSpec>({ kind: 'rope' }),
          fc.constantFrom(...evenUpTo).map((dim): PosSpec => ({ kind: 'rope', dim })),
        ),
        masks: fc.tuple(maskArb(base.context), maskArb(base.context)),
        cross: fc.option(
          fc
            .record({
              heads: fc.constantFrom(...divisorsOf(d)),
              multiple: fc.integer({ min: 1, max: 6 }),
              every: fc.integer({ min: 1, max: base.layers }),
              offsetSeed: fc.nat(),
            })
            .map(({ heads, multiple, every, offsetSeed }) => ({ width: heads * multiple, heads, every, offset: offsetSeed % every })),
          { nil: undefined },
        ),
      })
      .map(
        (more): Arch => ({
          vocab: base.vocab,
          context: base.context,
          heads: base.heads,
          headDim: base.headDim,
          kvHeads: more.kvHeads,
          layers: base.layers,
          norm: base.norm,
          placement: base.placement,
          positions: base.positions,
          pos: more.pos,
          masks: more.masks,
          ffn: { kind: base.ffnKind, hidden: base.hidden, act: base.act },
          ...(more.cross ? { cross: more.cross } : {}),
          tied: base.tied,
        }),
      );
  });

/** The places a mutation can change; `insert` places are empty in the well-formed text. */
export type Site =
  | 'heads'
  | 'kv_heads'
  | 'rope'
  | 'self_mask'
  | 'self_out'
  | 'cross_q'
  | 'cross_kv'
  | 'cross_heads'
  | 'cross_mask'
  | 'cross_pos'
  | 'head_out'
  | 'tied';

export interface Rendered {
  readonly text: string;
  /** Where the mutated text sits in `text`, when a mutation was applied. */
  readonly mutated?: { readonly offset: number; readonly length: number };
}

/**
 * The text a mutation puts at a site. At a site that is empty in the well-formed text, `prefix` is
 * the syntax that introduces the new argument (`, kv_heads = `); `text` is what breaks the rule.
 */
export interface MutationText {
  readonly prefix?: string;
  readonly text: string;
}

/** Writes an architecture as tdl; `mutation` replaces the text of one site. */
export function render(a: Arch, mutation?: { site: Site } & MutationText): Rendered {
  let text = '';
  let mutated: Rendered['mutated'];
  const put = (s: string) => void (text += s);
  const site = (name: Site, normal: string) => {
    if (mutation?.site !== name) return put(normal);
    put(mutation.prefix ?? '');
    mutated = { offset: text.length, length: mutation.text.length };
    put(mutation.text);
  };
  const d = width(a);
  const norm = (x: string) => `${a.norm}(${x})`;
  const maskText = (m: MaskSpec) => (m.kind === 'causal' ? 'causal' : `sliding(${m.window})`);
  const [even, odd] = a.masks;
  const sameMask = maskText(even) === maskText(odd);
  const maskExpr = sameMask ? maskText(even) : `if i % 2 == 0 then ${maskText(even)} else ${maskText(odd)}`;
  const posText = a.pos.kind === 'none' ? '' : a.pos.kind === 'alibi' ? 'alibi' : a.pos.dim ? `rope(dim = ${a.pos.dim})` : 'rope()';

  const selfAttn = (input: string) => {
    put(`attn: attention(${input}, `);
    site('heads', String(a.heads));
    if (a.kvHeads !== a.heads) {
      put(', kv_heads = ');
      site('kv_heads', String(a.kvHeads));
    } else site('kv_heads', '');
    put(', mask = ');
    site('self_mask', maskExpr);
    if (posText) {
      put(', pos = ');
      site('rope', posText);
    } else site('rope', '');
    site('self_out', '');
    put(')');
  };
  const ffn = (input: string) => put(`ffn: ${a.ffn.kind}(${input}, ${a.ffn.hidden}, act = ${a.ffn.act})`);
  const crossAttn = (input: string) => {
    put('cross: attention(q = ');
    site('cross_q', input);
    put(', ');
    site('cross_kv', 'kv = memory');
    put(', heads = ');
    site('cross_heads', String(a.cross!.heads));
    site('cross_mask', '');
    site('cross_pos', '');
    put(')');
  };
  const sublayer = (indent: string, f: (input: string) => void) => {
    put(indent);
    switch (a.placement) {
      case 'pre':
      case 'parallel': // the cross-attention sub-layer of a parallel block is pre-norm
        put('x = x + ');
        f(norm('x'));
        break;
      case 'post':
        put(`x = ${a.norm}(x + `);
        f('x');
        put(')');
        break;
      case 'sandwich':
        put(`x = x + ${a.norm}(`);
        f(norm('x'));
        put(')');
        break;
    }
    put('\n');
  };

  put('## A random decoder for property tests.\n');
  put(`model arch {\n  const vocab = ${a.vocab}, context = ${a.context}, d = ${d}\n\n`);
  put('  input tokens: i32[T <= context]\n');
  if (a.cross) put(`  input memory: f32[S, ${a.cross.width}]\n`);
  put('\n  x = wte: embedding(tokens, vocab, d)');
  if (a.positions === 'learned') put(' + wpe: embedding(positions(T), context, d)');
  if (a.positions === 'sinusoidal') put(' + sinusoidal(positions(T), d)');
  put(`\n  layers: repeat ${a.layers} as i {\n`);
  if (a.placement === 'parallel') {
    put('    x = x + ');
    selfAttn(norm('x'));
    put(' + ');
    ffn(norm('x'));
    put('\n');
  } else sublayer('    ', selfAttn);
  if (a.cross) {
    put(`    if i % ${a.cross.every} == ${a.cross.offset} {\n`);
    sublayer('      ', crossAttn);
    put('    }\n');
  }
  if (a.placement !== 'parallel') sublayer('    ', ffn);
  put('  }\n');
  put(`  output logits = lm_head: linear(ln_f: ${norm('x')}, `);
  site('head_out', 'vocab');
  if (a.tied) {
    put(', bias = false, tied = ');
    site('tied', 'wte');
  }
  put(')\n}\n');
  return { text, ...(mutated ? { mutated } : {}) };
}
