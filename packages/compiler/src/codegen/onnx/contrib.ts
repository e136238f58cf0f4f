// ONNX Runtime's fused contrib ops, for `--onnx-ops contrib`: (Skip)SimplifiedLayerNormalization for RMS
// norms and the residual sums they read; GroupQueryAttention (with its rotary embedding) for self-attention.
import type { AttentionNode } from '../../ir/nodes.js';
import { ropeTables, type AttentionWeights, type KvCache, type StreamValues } from './attention.js';
import type { OnnxBuilder } from './model.js';
import { linear, rmsScale } from './ops.js';

/** A residual sum an RMS norm reads: the two addends of the Add node that made it. */
export interface ResidualSum {
  readonly a: string;
  readonly b: string;
}

/**
 * RMS norm as ONNX Runtime's SimplifiedLayerNormalization (registered in the standard domain). When it
 * reads a residual sum `x = a + b` whose Add nothing has read yet, the Add and the norm become one
 * com.microsoft SkipSimplifiedLayerNormalization that also gives the sum (its fourth output) under x's name.
 */
export function contribRmsNorm(b: OnnxBuilder, x: string, width: number, weight: string | undefined, eps: number, offset: number, out: string, sum?: ResidualSum): string {
  const scale = weight === undefined ? undefined : offset === 0 ? weight : b.op1('Add', [weight, b.scalar(offset)], {}, `${out}/factor`);
  const gamma = scale ?? b.floats(new Array<number>(width).fill(1), [width], 'ones');
  // Without a weight the norm runs with unit scale and the constant factor follows.
  const normedName = scale === undefined && offset !== 0 ? `${out}/normed` : out;
  const attrs = { epsilon: { float: eps } };
  let normed: string;
  if (sum !== undefined && b.detach(x) !== undefined) {
    normed = b.op('SkipSimplifiedLayerNormalization', [sum.a, sum.b, gamma], attrs, [normedName], { domain: 'com.microsoft', trailing: ['', '', x] })[0]!;
  } else {
    normed = b.op1('SimplifiedLayerNormalization', [x, gamma], { axis: -1, ...attrs }, normedName);
  }
  return scale === undefined ? rmsScale(b, normed, undefined, offset, out) : normed;
}

/**
 * Whether GroupQueryAttention computes this self-attention as tdl does: a causal or sliding mask, no
 * ALiBi (it takes no per-head bias), heads a multiple of 16 channels wide (ONNX Runtime's CPU kernel).
 */
export function contribApplies(node: AttentionNode): boolean {
  return node.mask.kind !== 'none' && !node.alibi && node.headDim % 16 === 0;
}

/**
 * Self-attention as com.microsoft GroupQueryAttention over [B, T, width] projections: it appends the
 * new keys and values to the past (present), masks causally or to a sliding window (`local_window_size`
 * = tdl's window: seen to keep the same keys, the query's own included), soft-caps, and rotates q and k itself when the
 * rotary embedding covers the whole head; a partial one goes through com.microsoft RotaryEmbedding first.
 */
export function contribAttention(
  b: OnnxBuilder,
  sv: StreamValues,
  node: AttentionNode,
  w: AttentionWeights,
  xq: string,
  xk: string,
  xv: string,
  cache: KvCache,
  out: string,
): string {
  const { heads: H, kvHeads: KVH, headDim: hd } = node;
  const rows3 = (x: string, width: number, name: string) => {
    const shape = b.once(`shape3:${width}`, () => b.op1('Concat', [sv.batchSeq, b.ints([width])], { axis: 0 }, `shape_${width}`));
    return b.op1('Reshape', [x, shape], {}, name);
  };
  let q = rows3(linear(b, xq, w.q, w.qBias, `${out}/q`), H * hd, `${out}/q_rows`);
  let k = rows3(linear(b, xk, w.k, w.kBias, `${out}/k`), KVH * hd, `${out}/k_rows`);
  const v = rows3(linear(b, xv, w.v, w.vBias, `${out}/v`), KVH * hd, `${out}/v_rows`);
  const r = node.rope;
  const tables = r ? ropeTables(b, sv, r) : undefined;
  const inside = r !== undefined && r.dim === hd;
  if (r && !inside) {
    const rotate = (x: string, heads: number, name: string) =>
      b.op1(
        'RotaryEmbedding',
        [x, sv.positionIds, tables!.cosTable, tables!.sinTable],
        { interleaved: r.layout === 'interleaved' ? 1 : 0, num_heads: heads, rotary_embedding_dim: r.dim },
        name,
        MS,
      );
    q = rotate(q, H, `${out}/q_rope`);
    k = rotate(k, KVH, `${out}/k_rope`);
  }
  const { seqlensK, totalLength } = gqaLengths(b, sv);
  const attrs = {
    num_heads: H,
    kv_num_heads: KVH,
    scale: { float: node.scale },
    ...(node.softcap > 0 ? { softcap: { float: node.softcap } } : {}),
    ...(node.mask.kind === 'sliding' ? { local_window_size: node.mask.window } : {}),
    ...(inside ? { do_rotary: 1, rotary_interleaved: r.layout === 'interleaved' ? 1 : 0 } : {}),
  };
  const inputs = [q, k, v, cache.pastKey, cache.pastValue, seqlensK, totalLength, ...(inside ? [tables!.cosTable, tables!.sinTable] : [])];
  const [ctx] = b.op('GroupQueryAttention', inputs, attrs, [], { domain: MS, exact: [b.name(`${out}/context`), cache.presentKey, cache.presentValue] });
  const flat = b.op1('Reshape', [ctx!, b.ints([-1, H * hd])], {}, `${out}/context_flat`);
  return linear(b, flat, w.o, w.oBias, out);
}

const MS = 'com.microsoft';

/** GroupQueryAttention's lengths: seqlens_k int32 [B] (keys attended minus one), total_sequence_length int32 scalar. */
function gqaLengths(b: OnnxBuilder, sv: StreamValues): { seqlensK: string; totalLength: string } {
  const seqlensK = b.once('gqa_seqlens_k', () => {
    const sum = b.op1('ReduceSum', [sv.attentionMask, b.ints([1])], { keepdims: 0 }, 'attended_keys');
    return b.op1('Cast', [b.op1('Sub', [sum, b.ints([1], [])], {}, 'last_key')], { to: 6 }, 'seqlens_k');
  });
  const totalLength = b.once('gqa_total_length', () => {
    const total = b.op1('Gather', [b.op1('Shape', [sv.attentionMask], {}, 'gqa_mask_shape'), b.ints([1], [])], { axis: 0 }, 'gqa_total');
    return b.op1('Cast', [total], { to: 6 }, 'total_sequence_length');
  });
  return { seqlensK, totalLength };
}
