// Attention from standard ops (opset 18): projections, rotary embeddings, the past keys and values
// concatenated with the new ones (present), grouped heads by broadcasting, masks and ALiBi as additive
// biases, soft-capping, softmax. Semantics follow the CPU backend's kernels (runtime-cpu attention.ts,
// rope.ts): scores = q·k · scale, then the soft-cap, then ALiBi, then the mask.
import type { Mask, QkNorm, Rope } from '../../ir/nodes.js';
import { ropeAttentionFactor, ropeFrequencies } from '../../ir/rope-frequencies.js';
import type { OnnxBuilder } from './model.js';
import { linear, rmsNorm } from './ops.js';

/** Graph-wide values the attention emitters read (made once by the graph walk). */
export interface StreamValues {
  /** int64 [2]: the batch and the new tokens' count T (the shape of input_ids). */
  readonly batchSeq: string;
  /** int64 [B, T]: each new token's position, for rotary embeddings. */
  readonly positionIds: string;
  /** int64 [B, P + T]: 1 for a position to attend to, 0 for padding. */
  readonly attentionMask: string;
  /** int64 [2]: the batch and the memory's length S, when the model has a memory. */
  readonly memoryBatchSeq?: string;
  /** Rows of the rotary tables: the model's context. */
  readonly context: number;
}

export interface AttentionWeights {
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly o: string;
  readonly qBias?: string;
  readonly kBias?: string;
  readonly vBias?: string;
  readonly oBias?: string;
  readonly qNorm?: string;
  readonly kNorm?: string;
}

export interface AttentionSpec {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly mask: Mask;
  readonly rope?: Rope;
  readonly qkNorm?: QkNorm;
  /** ALiBi's slope of each query head (from the schedule), when the attention has ALiBi. */
  readonly slopes?: readonly number[];
  readonly scale: number;
  readonly softcap: number;
}

/** Self-attention's cache: the past inputs and the present outputs, by their graph names. */
export interface KvCache {
  readonly pastKey: string;
  readonly pastValue: string;
  readonly presentKey: string;
  readonly presentValue: string;
}

/** A large negative score: exp of it underflows to 0 next to any real score, without -inf's NaNs. */
export const MASKED = -1e30;

/**
 * out [N, out]: queries from xq [B·T, dq]; keys and values from xk, xv — [B·T, d] with `cache` for
 * self-attention (past + new keys, written to present), [B·S, d] of the memory without it.
 */
export function attention(b: OnnxBuilder, sv: StreamValues, spec: AttentionSpec, w: AttentionWeights, xq: string, xk: string, xv: string, cache: KvCache | undefined, out: string): string {
  const { heads: H, kvHeads: KVH, headDim: hd } = spec;
  const keyShape = cache ? sv.batchSeq : sv.memoryBatchSeq;
  if (!keyShape) throw new Error('internal error: cross-attention without a memory');
  // qk-norm over the whole projection before the split into heads, over each head after it.
  const n = spec.qkNorm;
  const norm = (x: string, weight: string | undefined, over: QkNorm['over'], name: string) =>
    n && n.over === over ? rmsNorm(b, x, weight, n.eps, n.offset, name) : x;
  const qAll = norm(linear(b, xq, w.q, w.qBias, `${out}/q`), w.qNorm, 'all', `${out}/q_norm`);
  const kAll = norm(linear(b, xk, w.k, w.kBias, `${out}/k`), w.kNorm, 'all', `${out}/k_norm`);
  let q = norm(heads4(b, sv.batchSeq, qAll, H, hd, `${out}/q`), w.qNorm, 'head', `${out}/q_norm`);
  let k = norm(heads4(b, keyShape, kAll, KVH, hd, `${out}/k`), w.kNorm, 'head', `${out}/k_norm`);
  let v = heads4(b, keyShape, linear(b, xv, w.v, w.vBias, `${out}/v`), KVH, hd, `${out}/v`);
  if (spec.rope) {
    const table = ropeTables(b, sv, spec.rope);
    q = rope(b, q, spec.rope, table, hd, `${out}/q_rope`);
    // Cross-attention keys have no position: the CPU backend rotates only the queries.
    if (cache) k = rope(b, k, spec.rope, table, hd, `${out}/k_rope`);
  }
  if (cache) {
    k = b.op('Concat', [cache.pastKey, k], { axis: 2 }, [], { exact: [cache.presentKey] })[0]!;
    v = b.op('Concat', [cache.pastValue, v], { axis: 2 }, [], { exact: [cache.presentValue] })[0]!;
  }
  const ctx = attend(b, sv, spec, q, k, v, cache !== undefined, out);
  return linear(b, ctx, w.o, w.oBias, out);
}

/** [B·L, n·hd] → [B, n, L, hd]. */
export function heads4(b: OnnxBuilder, batchLen: string, x: string, n: number, hd: number, out: string): string {
  const shape = b.once(`shape4:${batchLen}:${n}:${hd}`, () => b.op1('Concat', [batchLen, b.ints([n, hd])], { axis: 0 }, `shape_${n}x${hd}`));
  return b.op1('Transpose', [b.op1('Reshape', [x, shape], {}, `${out}/split`)], { perm: [0, 2, 1, 3] }, `${out}/heads`);
}

/**
 * The softmax-weighted values, [B·T, H·hd], from q [B, H, T, hd] and k, v [B, KVH, K, hd]: the H
 * query heads are grouped KVH × g (head h reads key/value head ⌊h / g⌋), so matrix products
 * broadcast over g instead of copying keys.
 */
export function attend(b: OnnxBuilder, sv: StreamValues, spec: AttentionSpec, q: string, k: string, v: string, self: boolean, out: string): string {
  const { heads: H, kvHeads: KVH, headDim: hd } = spec;
  const g = H / KVH;
  const q5 = b.op1('Reshape', [q, b.ints([0, KVH, g, -1, hd])], {}, `${out}/q_groups`);
  const k5 = b.op1('Unsqueeze', [k, b.ints([2])], {}, `${out}/k_groups`);
  const kT = b.op1('Transpose', [k5], { perm: [0, 1, 2, 4, 3] }, `${out}/k_t`);
  let s = b.op1('MatMul', [q5, kT], {}, `${out}/scores`);
  s = b.op1('Mul', [s, b.scalar(spec.scale)], {}, `${out}/scaled`);
  if (spec.softcap > 0) {
    const t = b.op1('Tanh', [b.op1('Div', [s, b.scalar(spec.softcap)], {}, `${out}/cap_in`)], {}, `${out}/cap_tanh`);
    s = b.op1('Mul', [t, b.scalar(spec.softcap)], {}, `${out}/capped`);
  }
  if (spec.slopes) {
    const slopes = b.floats(spec.slopes, [1, KVH, g, 1, 1], 'alibi_slopes');
    const keyLen = self ? undefined : memoryLength(b, sv);
    s = b.op1('Add', [s, b.op1('Mul', [slopes, relativePositions(b, sv, keyLen)], {}, `${out}/alibi`)], {}, `${out}/with_alibi`);
  }
  if (self) s = b.op1('Add', [s, maskBias(b, sv, spec.mask)], {}, `${out}/masked`);
  const p = b.op1('Softmax', [s], { axis: -1 }, `${out}/probs`);
  const v5 = b.op1('Unsqueeze', [v, b.ints([2])], {}, `${out}/v_groups`);
  const ctx5 = b.op1('MatMul', [p, v5], {}, `${out}/context`);
  const ctx4 = b.op1('Reshape', [ctx5, b.ints([0, H, -1, hd])], {}, `${out}/context_heads`);
  const rows = b.op1('Transpose', [ctx4], { perm: [0, 2, 1, 3] }, `${out}/context_rows`);
  return b.op1('Reshape', [rows, b.ints([-1, H * hd])], {}, `${out}/context_flat`);
}

/** int64 scalar: the memory's length S. */
function memoryLength(b: OnnxBuilder, sv: StreamValues): string {
  return b.once('memory_length', () => b.op1('Gather', [sv.memoryBatchSeq!, b.ints([1], [])], { axis: 0 }, 'memory_length'));
}

/**
 * f32 [T, K]: key index j minus the query's position (past + r), K = P + T from the attention mask;
 * with `keyLen` (a memory's S) keys are 0 … S - 1 and queries still sit at past + r.
 */
export function relativePositions(b: OnnxBuilder, sv: StreamValues, keyLen?: string): string {
  return b.once(`relative:${keyLen ?? 'self'}`, () => {
    const total = b.once('total_length', () => b.op1('Gather', [b.op1('Shape', [sv.attentionMask], {}, 'mask_shape'), b.ints([1], [])], { axis: 0 }, 'total_length'));
    const newLen = b.once('new_length', () => b.op1('Gather', [sv.batchSeq, b.ints([1], [])], { axis: 0 }, 'new_length'));
    const past = b.once('past_length', () => b.op1('Sub', [total, newLen], {}, 'past_length'));
    const one = b.ints([1], []);
    const keys = b.op1('Range', [b.ints([0], []), keyLen ?? total, one], {}, 'key_index');
    const queries = b.op1('Range', [past, total, one], {}, 'query_position');
    const diff = b.op1('Sub', [b.op1('Unsqueeze', [keys, b.ints([0])], {}, 'key_row'), b.op1('Unsqueeze', [queries, b.ints([1])], {}, 'query_column')], {}, 'relative_int');
    return b.op1('Cast', [diff], { to: 1 }, keyLen ? 'relative_memory' : 'relative');
  });
}

/**
 * f32 [B, 1, 1, T, K]: 0 where a query may attend, MASKED where the mask forbids it (a later key;
 * one outside the sliding window) or the attention mask marks the key as padding.
 */
export function maskBias(b: OnnxBuilder, sv: StreamValues, mask: Mask): string {
  const key = mask.kind === 'sliding' ? `mask:sliding:${mask.window}` : `mask:${mask.kind}`;
  return b.once(key, () => {
    const padding = b.once('padding_bias', () => {
      const isPad = b.op1('Equal', [sv.attentionMask, b.ints([0], [])], {}, 'is_padding');
      const bias = b.op1('Where', [isPad, b.scalar(MASKED), b.scalar(0)], {}, 'padding_bias_2d');
      return b.op1('Reshape', [bias, b.ints([0, 1, 1, 1, -1])], {}, 'padding_bias');
    });
    if (mask.kind === 'none') return padding;
    const rel = relativePositions(b, sv);
    let forbidden = b.op1('Greater', [rel, b.scalar(0)], {}, 'future');
    if (mask.kind === 'sliding') {
      const outside = b.op1('LessOrEqual', [rel, b.scalar(-mask.window)], {}, `outside_window_${mask.window}`);
      forbidden = b.op1('Or', [forbidden, outside], {}, `forbidden_window_${mask.window}`);
    }
    const bias = b.op1('Where', [forbidden, b.scalar(MASKED), b.scalar(0)], {}, `${mask.kind}_bias_2d`);
    return b.op1('Add', [bias, padding], {}, mask.kind === 'sliding' ? `sliding_${mask.window}_bias` : 'causal_bias');
  });
}

/** cos and sin [B, 1, T, rotDim/2] of every new token's angles, from tables made in double precision. */
export function ropeTables(b: OnnxBuilder, sv: StreamValues, r: Rope): { cos: string; sin: string; cosTable: string; sinTable: string } {
  const key = `${r.dim}:${r.theta}:${JSON.stringify(r.scaling)}`;
  const half = r.dim / 2;
  const cosTable = b.once(`rope_cos_table:${key}`, () => b.floats(ropeTable(sv.context, r, Math.cos), [sv.context, half], `rope_cos_${r.dim}`));
  const sinTable = b.once(`rope_sin_table:${key}`, () => b.floats(ropeTable(sv.context, r, Math.sin), [sv.context, half], `rope_sin_${r.dim}`));
  const look = (table: string, what: string) =>
    b.once(`rope_${what}:${key}`, () => b.op1('Unsqueeze', [b.op1('Gather', [table, sv.positionIds], { axis: 0 }, `rope_${what}_rows`), b.ints([1])], {}, `rope_${what}`));
  return { cos: look(cosTable, 'cos'), sin: look(sinTable, 'sin'), cosTable, sinTable };
}

/**
 * f(p · inv_i) · attention for p < rows, i < dim/2, as the CPU's rope kernel computes the angles; the
 * frequencies are fixed (rope scaling that changes with the length is refused before export).
 */
function ropeTable(rows: number, r: Rope, f: (x: number) => number): Float32Array {
  const half = r.dim / 2;
  const inv = ropeFrequencies(r, 0);
  const attention = ropeAttentionFactor(r.scaling);
  const out = new Float32Array(rows * half);
  for (let i = 0; i < half; i++) {
    for (let p = 0; p < rows; p++) out[p * half + i] = f(p * inv[i]!) * attention;
  }
  return out;
}

/**
 * Rotates the first r.dim channels of each head of x [B, n, T, hd]: `half` pairs channel i with
 * i + dim/2, `interleaved` pairs 2i with 2i + 1; (x0, x1) → (x0 cos - x1 sin, x0 sin + x1 cos).
 */
export function rope(b: OnnxBuilder, x: string, r: Rope, t: { cos: string; sin: string }, hd: number, out: string): string {
  const slice = (v: string, from: number, to: number, axis: number, name: string) => b.op1('Slice', [v, b.ints([from]), b.ints([to]), b.ints([axis])], {}, name);
  const half = r.dim / 2;
  const rot = r.dim < hd ? slice(x, 0, r.dim, 3, `${out}/rotated_part`) : x;
  const turn = (x0: string, x1: string, cos: string, sin: string) => [
    b.op1('Sub', [b.op1('Mul', [x0, cos], {}, `${out}/x0_cos`), b.op1('Mul', [x1, sin], {}, `${out}/x1_sin`)], {}, `${out}/first`),
    b.op1('Add', [b.op1('Mul', [x0, sin], {}, `${out}/x0_sin`), b.op1('Mul', [x1, cos], {}, `${out}/x1_cos`)], {}, `${out}/second`),
  ];
  let rotated: string;
  if (r.layout === 'half') {
    const [a, c] = turn(slice(rot, 0, half, 3, `${out}/x0`), slice(rot, half, r.dim, 3, `${out}/x1`), t.cos, t.sin);
    rotated = b.op1('Concat', [a!, c!], { axis: 3 }, `${out}/rotated`);
  } else {
    const pairs = b.op1('Reshape', [rot, b.ints([0, 0, 0, half, 2])], {}, `${out}/pairs`);
    const cos5 = b.once(`${t.cos}:5d`, () => b.op1('Unsqueeze', [t.cos, b.ints([4])], {}, `${t.cos}_pairs`));
    const sin5 = b.once(`${t.sin}:5d`, () => b.op1('Unsqueeze', [t.sin, b.ints([4])], {}, `${t.sin}_pairs`));
    const [a, c] = turn(slice(pairs, 0, 1, 4, `${out}/x0`), slice(pairs, 1, 2, 4, `${out}/x1`), cos5, sin5);
    const joined = b.op1('Concat', [a!, c!], { axis: 4 }, `${out}/rotated_pairs`);
    rotated = b.op1('Reshape', [joined, b.ints([0, 0, 0, r.dim])], {}, `${out}/rotated`);
  }
  return r.dim < hd ? b.op1('Concat', [rotated, slice(x, r.dim, hd, 3, `${out}/pass`)], { axis: 3 }, out) : rotated;
}
