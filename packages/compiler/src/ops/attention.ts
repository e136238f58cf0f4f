// attention: multi-head, grouped-query or multi-query attention, self or cross, with its masks and
// position encodings (`rope(…)`, `alibi`) and the helpers that build them (`sliding`, `rope`).

import { dimValue } from '../ir/dim.js';
import type { Mask, Rope } from '../ir/nodes.js';
import { ERROR, type Value } from '../lower/values.js';
import { INIT_STD } from './embedding.js';
import type { BoundArgs, OpContext, OpDef } from './op.js';
import { anyError, boolArg, numberArg, tensorArg, valueArg, type TensorArg } from './read-args.js';

export const attention: OpDef = {
  name: 'attention',
  summary:
    'Scaled dot-product attention with its four projections. `x` alone is self-attention; `q`, `k`, `v` and `kv` wire queries, keys and values from elsewhere (cross-attention to a memory).',
  shapes: 'q [T, dq], k [L, dk], v [L, dv] -> [T, out]',
  args: [
    { name: 'x', kind: 'tensor', default: 'none', doc: 'the source of queries, keys and values unless given separately' },
    { name: 'heads', kind: 'int', doc: 'query heads' },
    { name: 'kv_heads', kind: 'int', default: 'heads', doc: 'key/value heads; fewer than `heads` is grouped-query attention, 1 is multi-query' },
    { name: 'head_dim', kind: 'int', default: 'width(q) / heads', doc: 'width of each head' },
    { name: 'q', kind: 'tensor', default: 'x', doc: 'the source of queries' },
    { name: 'k', kind: 'tensor', default: 'kv, else x', doc: 'the source of keys' },
    { name: 'v', kind: 'tensor', default: 'kv, else x', doc: 'the source of values' },
    { name: 'kv', kind: 'tensor', default: 'x', doc: 'the source of both keys and values' },
    { name: 'mask', kind: 'mask', default: 'causal for self-attention, none otherwise', doc: '`causal`, `sliding(w)` or `none`' },
    { name: 'pos', kind: 'position', default: 'none', doc: '`rope(…)`, `alibi` or `none`' },
    { name: 'bias', kind: 'bool', default: 'true', doc: 'biases on all four projections' },
    { name: 'qkv_bias', kind: 'bool', default: 'bias', doc: 'biases on the q, k and v projections' },
    { name: 'q_bias', kind: 'bool', default: 'qkv_bias', doc: 'bias on the q projection' },
    { name: 'k_bias', kind: 'bool', default: 'qkv_bias', doc: 'bias on the k projection' },
    { name: 'v_bias', kind: 'bool', default: 'qkv_bias', doc: 'bias on the v projection' },
    { name: 'out_bias', kind: 'bool', default: 'bias', doc: 'bias on the output projection' },
    { name: 'scale', kind: 'number', default: '1 / sqrt(head_dim)', doc: 'multiplies the scores' },
    { name: 'softcap', kind: 'number', default: '0 (off)', doc: 'soft-caps the scores before the softmax' },
    { name: 'out', kind: 'int', default: 'width(q)', doc: 'output width' },
  ],
  lower(ctx, args) {
    if (anyError(args)) return ERROR;
    const x = tensorArg(args, 'x');
    const q = tensorArg(args, 'q') ?? x;
    const kv = tensorArg(args, 'kv');
    const k = tensorArg(args, 'k') ?? kv ?? x;
    const v = tensorArg(args, 'v') ?? kv ?? x;
    if (!q || !k || !v) {
      const missing = !q ? 'q' : !k ? 'k' : 'v';
      return ctx.error('E0204', ctx.call.span, `attention needs ${missing === 'q' ? 'queries' : missing === 'k' ? 'keys' : 'values'}`, `give \`x\`, or \`${missing}\``);
    }
    for (const t of [q, k, v]) {
      if (t.type.dtype !== 'f32') return ctx.error('E0310', t.span, 'attention takes float tensors, but this holds token ids');
    }
    const width = (t: TensorArg) => dimValue(t.type.shape[t.type.shape.length - 1]!) ?? 0;
    const heads = numberArg(args, 'heads', 1);
    const kvHeads = numberArg(args, 'kv_heads', heads);
    const headDimGiven = args.has('head_dim');
    const headDim = headDimGiven ? numberArg(args, 'head_dim', 1) : Math.max(1, Math.floor(width(q) / Math.max(1, heads)));
    if (heads < 1) return ctx.error('E0214', ctx.spanOf('heads'), `attention needs at least one head, got ${heads}`);
    if (kvHeads < 1) return ctx.error('E0214', ctx.spanOf('kv_heads'), `attention needs at least one key/value head, got ${kvHeads}`);
    const self = !args.has('q') && !args.has('k') && !args.has('v') && !args.has('kv');
    const mask = maskOf(ctx, valueArg(args, 'mask'), self);
    const position = positionOf(ctx, valueArg(args, 'pos'), headDim);
    if (mask === undefined || position === undefined) return ERROR;

    const bias = boolArg(args, 'bias', true);
    const qkvBias = boolArg(args, 'qkv_bias', bias);
    const out = numberArg(args, 'out', width(q));
    const normal = { kind: 'normal', std: INIT_STD } as const;
    const projection = (name: string, rows: number, cols: number, withBias: boolean) => ({
      weight: ctx.param(`${name}.weight`, [rows, cols], normal),
      bias: withBias ? ctx.param(`${name}.bias`, [rows], { kind: 'zeros' }) : undefined,
    });
    const pq = projection('q', heads * headDim, width(q), boolArg(args, 'q_bias', qkvBias));
    const pk = projection('k', kvHeads * headDim, width(k), boolArg(args, 'k_bias', qkvBias));
    const pv = projection('v', kvHeads * headDim, width(v), boolArg(args, 'v_bias', qkvBias));
    const po = projection('o', out, heads * headDim, boolArg(args, 'out_bias', bias));
    const spans = Object.fromEntries([...args].map(([name, a]) => [name, a.span]));
    return ctx.emit({
      op: 'attention',
      q: q.id,
      k: k.id,
      v: v.id,
      params: {
        q: pq.weight,
        k: pk.weight,
        v: pv.weight,
        o: po.weight,
        ...(pq.bias ? { qBias: pq.bias } : {}),
        ...(pk.bias ? { kBias: pk.bias } : {}),
        ...(pv.bias ? { vBias: pv.bias } : {}),
        ...(po.bias ? { oBias: po.bias } : {}),
      },
      heads,
      kvHeads,
      headDim,
      headDimGiven,
      mask,
      ...(position.kind === 'rope' ? { rope: position.rope } : {}),
      alibi: position.kind === 'alibi',
      scale: numberArg(args, 'scale', 1 / Math.sqrt(headDim)),
      softcap: numberArg(args, 'softcap', 0),
      span: ctx.call.span,
      argSpans: { ...spans, q: q.span, k: k.span, v: v.span },
      label: ctx.label,
    });
  },
};

function maskOf(ctx: OpContext, value: Value | undefined, self: boolean): Mask | undefined {
  if (!value) return self ? { kind: 'causal' } : { kind: 'none' };
  if (value.kind === 'mask') return value.mask;
  if (value.kind === 'word' && (value.word === 'causal' || value.word === 'none')) return { kind: value.word };
  ctx.error('E0206', ctx.spanOf('mask'), 'expected a mask', 'use `causal`, `sliding(window)` or `none`');
  return undefined;
}

type Position = { kind: 'none' } | { kind: 'alibi' } | { kind: 'rope'; rope: Rope };

function positionOf(ctx: OpContext, value: Value | undefined, headDim: number): Position | undefined {
  if (!value || (value.kind === 'word' && value.word === 'none')) return { kind: 'none' };
  if (value.kind === 'alibi') return { kind: 'alibi' };
  if (value.kind === 'rope') {
    return {
      kind: 'rope',
      rope: { theta: value.rope.theta ?? 10000, dim: value.rope.dim ?? headDim, layout: value.rope.layout ?? 'half' },
    };
  }
  ctx.error('E0206', ctx.spanOf('pos'), 'expected a position encoding', 'use `rope(…)`, `alibi` or `none`');
  return undefined;
}

/** `sliding(window)`: a causal mask that also forgets positions `window` or more steps back. */
export const sliding: OpDef = {
  name: 'sliding',
  summary: 'A sliding-window causal mask: each query sees itself and the `window - 1` positions before it.',
  shapes: '(a mask, for `attention(mask = …)`)',
  args: [{ name: 'window', kind: 'int', doc: 'positions each query sees, itself included (≥ 1)' }],
  lower(ctx, args: BoundArgs) {
    if (anyError(args)) return ERROR;
    const window = numberArg(args, 'window', 1);
    if (window < 1) return ctx.error('E0214', ctx.spanOf('window'), `a sliding window must be at least 1, got ${window}`);
    return { kind: 'mask', mask: { kind: 'sliding', window } };
  },
};

/** `rope(theta, dim, layout)`: rotary position embeddings for `attention(pos = …)`. */
export const rope: OpDef = {
  name: 'rope',
  summary: 'Rotary position embeddings, applied to queries and keys inside attention.',
  shapes: '(a position encoding, for `attention(pos = …)`)',
  args: [
    { name: 'theta', kind: 'number', default: '10000', doc: 'frequency base' },
    { name: 'dim', kind: 'int', default: 'head_dim', doc: 'channels rotated per head (partial rotary when smaller)' },
    { name: 'layout', kind: 'layout', default: 'half', doc: '`half` (rotate_half: GPT-NeoX, Hugging Face LLaMA) or `interleaved` (GPT-J, Meta LLaMA)' },
  ],
  lower(ctx, args: BoundArgs) {
    if (anyError(args)) return ERROR;
    const layout = args.get('layout');
    if (layout && !(layout.value.kind === 'word' && (layout.value.word === 'half' || layout.value.word === 'interleaved'))) {
      return ctx.error('E0206', layout.span, 'expected a rotary layout', 'use `half` or `interleaved`');
    }
    const r: Partial<Rope> = {
      ...(args.has('theta') ? { theta: numberArg(args, 'theta', 10000) } : {}),
      ...(args.has('dim') ? { dim: numberArg(args, 'dim', 0) } : {}),
      ...(layout && layout.value.kind === 'word' ? { layout: layout.value.word as Rope['layout'] } : {}),
    };
    return { kind: 'rope', rope: r };
  },
};

