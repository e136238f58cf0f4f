// attention: multi-head, grouped-query or multi-query attention, self or cross, with its masks and
// position encodings (`rope(…)`, `alibi`) and the helpers that build them (`sliding`, `rope`).

import { dimValue } from '../ir/dim.js';
import type { Mask, QkNorm, Rope, RopeScaling } from '../ir/nodes.js';
import { ERROR, describeKind, type Value } from '../lower/values.js';
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
    { name: 'qk_norm', kind: 'qk_norm', default: 'none', doc: 'RMS-normalise queries and keys after their projections, before rotary positions: `head` over each head (Qwen3, Gemma 3), `all` over the whole projection (OLMo 2)' },
    { name: 'qk_norm_eps', kind: 'number', default: '1e-6', doc: 'the qk-norm epsilon' },
    { name: 'qk_norm_offset', kind: 'number', default: '0', doc: 'the qk-norm scales by (offset + weight); Gemma 3 uses 1' },
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
    const qkNorm = qkNormOf(ctx, args, self);
    if (mask === undefined || position === undefined || qkNorm === undefined) return ERROR;

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
    const ones = { kind: 'ones' } as const;
    const norms =
      qkNorm === 'none'
        ? {}
        : {
            qNorm: ctx.param('q_norm.weight', [qkNorm.over === 'head' ? headDim : heads * headDim], ones),
            kNorm: ctx.param('k_norm.weight', [qkNorm.over === 'head' ? headDim : kvHeads * headDim], ones),
          };
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
        ...norms,
      },
      heads,
      kvHeads,
      headDim,
      headDimGiven,
      mask,
      ...(position.kind === 'rope' ? { rope: position.rope } : {}),
      ...(qkNorm === 'none' ? {} : { qkNorm }),
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

function qkNormOf(ctx: OpContext, args: BoundArgs, self: boolean): QkNorm | 'none' | undefined {
  const a = args.get('qk_norm');
  if (!a || (a.value.kind === 'word' && a.value.word === 'none')) return 'none';
  if (!self) {
    ctx.error('E0206', a.span, 'qk-norm is supported in self-attention only', 'queries, keys and values from one source');
    return undefined;
  }
  if (a.value.kind === 'word' && (a.value.word === 'head' || a.value.word === 'all')) {
    return { over: a.value.word, eps: numberArg(args, 'qk_norm_eps', 1e-6), offset: numberArg(args, 'qk_norm_offset', 0) };
  }
  ctx.error('E0206', a.span, 'expected where to normalise queries and keys', 'use `head`, `all` or `none`');
  return undefined;
}

type Position = { kind: 'none' } | { kind: 'alibi' } | { kind: 'rope'; rope: Rope };

function positionOf(ctx: OpContext, value: Value | undefined, headDim: number): Position | undefined {
  if (!value || (value.kind === 'word' && value.word === 'none')) return { kind: 'none' };
  if (value.kind === 'alibi') return { kind: 'alibi' };
  if (value.kind === 'rope') {
    const rope: Rope = { theta: value.rope.theta ?? 10000, dim: value.rope.dim ?? headDim, layout: value.rope.layout ?? 'half', scaling: value.rope.scaling ?? { kind: 'none' } };
    const s = rope.scaling;
    if (s.kind === 'longrope' && (s.short.length !== rope.dim / 2 || s.long.length !== rope.dim / 2)) {
      ctx.error('E0214', ctx.spanOf('pos'), `longrope needs ${rope.dim / 2} factors in short_factor and long_factor, one per rotated pair`, `they hold ${s.short.length} and ${s.long.length}`);
      return undefined;
    }
    return { kind: 'rope', rope };
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

/** `rope(theta, dim, layout, scaling, …)`: rotary position embeddings for `attention(pos = …)`. */
export const rope: OpDef = {
  name: 'rope',
  summary:
    'Rotary position embeddings, applied to queries and keys inside attention, with RoPE scaling as Hugging Face transformers defines it (`scaling` is its `rope_type`).',
  shapes: '(a position encoding, for `attention(pos = …)`)',
  args: [
    { name: 'theta', kind: 'number', default: '10000', doc: 'frequency base' },
    { name: 'dim', kind: 'int', default: 'head_dim', doc: 'channels rotated per head (partial rotary when smaller)' },
    { name: 'layout', kind: 'layout', default: 'half', doc: '`half` (rotate_half: GPT-NeoX, Hugging Face LLaMA) or `interleaved` (GPT-J, Meta LLaMA)' },
    { name: 'scaling', kind: 'string', default: '"default"', doc: '`"default"` (none), `"linear"`, `"dynamic"` (NTK), `"llama3"`, `"yarn"` or `"longrope"`' },
    { name: 'factor', kind: 'number', default: '1', doc: 'how much longer than `original_context` the context may grow (linear, dynamic, llama3, yarn)' },
    { name: 'original_context', kind: 'int', default: 'required with scaling', doc: 'the pretrained context (`original_max_position_embeddings`; for dynamic, `max_position_embeddings`)' },
    { name: 'low_freq_factor', kind: 'number', default: '1', doc: 'llama3: wavelengths above original_context / low_freq_factor are divided by factor' },
    { name: 'high_freq_factor', kind: 'number', default: '4', doc: 'llama3: wavelengths below original_context / high_freq_factor are kept' },
    { name: 'beta_fast', kind: 'number', default: '32', doc: 'yarn: pairs turning more often than this over original_context are kept' },
    { name: 'beta_slow', kind: 'number', default: '1', doc: 'yarn: pairs turning less often than this are divided by factor' },
    { name: 'truncate', kind: 'bool', default: 'true', doc: 'yarn: round the ramp\'s ends to whole pairs' },
    { name: 'mscale', kind: 'number', default: '0', doc: 'yarn: with mscale_all_dim, sets the attention factor (DeepSeek)' },
    { name: 'mscale_all_dim', kind: 'number', default: '0', doc: 'yarn: see mscale' },
    { name: 'attention_factor', kind: 'number', default: 'from factor', doc: 'yarn, longrope: multiplies cos and sin (yarn: 0.1 ln(factor) + 1; longrope: sqrt(1 + ln(factor) / ln(original_context)))' },
    { name: 'short_factor', kind: 'numbers', default: 'required for longrope', doc: 'longrope: divides each pair\'s frequency while past + new tokens ≤ original_context' },
    { name: 'long_factor', kind: 'numbers', default: 'required for longrope', doc: 'longrope: divides each pair\'s frequency beyond original_context' },
  ],
  lower(ctx, args: BoundArgs) {
    if (anyError(args)) return ERROR;
    const layout = args.get('layout');
    if (layout && !(layout.value.kind === 'word' && (layout.value.word === 'half' || layout.value.word === 'interleaved'))) {
      return ctx.error('E0206', layout.span, 'expected a rotary layout', 'use `half` or `interleaved`');
    }
    const scaling = scalingOf(ctx, args);
    if (!scaling) return ERROR;
    const r: Partial<Rope> = {
      ...(args.has('theta') ? { theta: numberArg(args, 'theta', 10000) } : {}),
      ...(args.has('dim') ? { dim: numberArg(args, 'dim', 0) } : {}),
      ...(layout && layout.value.kind === 'word' ? { layout: layout.value.word as Rope['layout'] } : {}),
      scaling,
    };
    return { kind: 'rope', rope: r };
  },
};

const SCALINGS = ['default', 'linear', 'dynamic', 'llama3', 'yarn', 'longrope'] as const;

/** The scaling of `rope(scaling = "…", …)`, its defaults filled in as transformers fills them. */
function scalingOf(ctx: OpContext, args: BoundArgs): RopeScaling | undefined {
  const given = args.get('scaling');
  const kind = given && given.value.kind === 'string' ? given.value.value : 'default';
  if (!(SCALINGS as readonly string[]).includes(kind)) {
    ctx.error('E0206', ctx.spanOf('scaling'), `unknown RoPE scaling "${kind}"`, `use one of ${SCALINGS.map((k) => `"${k}"`).join(', ')}`);
    return undefined;
  }
  const factor = numberArg(args, 'factor', 1);
  if (kind !== 'default' && kind !== 'longrope' && !(factor > 0)) {
    ctx.error('E0214', ctx.spanOf('factor'), `a RoPE scaling factor must be positive, got ${factor}`);
    return undefined;
  }
  if (kind === 'default') return { kind: 'none' };
  if (kind === 'linear') return { kind: 'linear', factor };
  if (!args.has('original_context')) {
    ctx.error('E0204', ctx.spanOf('scaling'), `RoPE scaling "${kind}" needs original_context`, 'the context the model was pretrained with');
    return undefined;
  }
  const original = numberArg(args, 'original_context', 1);
  if (original < 1) {
    ctx.error('E0214', ctx.spanOf('original_context'), `original_context must be at least 1, got ${original}`);
    return undefined;
  }
  switch (kind) {
    case 'dynamic':
      return { kind, factor, original };
    case 'llama3':
      return { kind, factor, original, lowFreqFactor: numberArg(args, 'low_freq_factor', 1), highFreqFactor: numberArg(args, 'high_freq_factor', 4) };
    case 'yarn': {
      const mscale = (scale: number, m: number) => (scale <= 1 ? 1 : 0.1 * m * Math.log(scale) + 1);
      const [m, all] = [numberArg(args, 'mscale', 0), numberArg(args, 'mscale_all_dim', 0)];
      const derived = m && all ? mscale(factor, m) / mscale(factor, all) : mscale(factor, 1);
      return {
        kind,
        factor,
        original,
        betaFast: numberArg(args, 'beta_fast', 32),
        betaSlow: numberArg(args, 'beta_slow', 1),
        truncate: boolArg(args, 'truncate', true),
        attention: numberArg(args, 'attention_factor', derived),
      };
    }
    default: {
      const lists = (['short_factor', 'long_factor'] as const).map((name) => numbersArg(ctx, args, name));
      if (!lists[0] || !lists[1]) return undefined;
      const derived = factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(original));
      return { kind: 'longrope', original, short: lists[0], long: lists[1], attention: numberArg(args, 'attention_factor', derived) };
    }
  }
}

/** A list of positive numbers, or undefined after reporting why not. */
function numbersArg(ctx: OpContext, args: BoundArgs, name: string): number[] | undefined {
  const a = args.get(name);
  if (!a || a.value.kind !== 'list') {
    ctx.error('E0204', ctx.spanOf('scaling'), `RoPE scaling "longrope" needs ${name}`, 'a list with one factor per rotated pair');
    return undefined;
  }
  const out: number[] = [];
  for (const item of a.value.items) {
    if (item.kind !== 'number' || !(item.value > 0)) {
      ctx.error('E0206', a.span, `${name} must hold positive numbers`, `it holds ${describeKind(item)}`);
      return undefined;
    }
    out.push(item.value);
  }
  return out;
}
