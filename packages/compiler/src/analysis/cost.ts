// FLOPs per token and KV-cache bytes, derived from the IR and summed exactly (as bigints). The counting
// conventions are those of docs/analysis.md: matmuls 2 FLOPs per multiply-add, biases and element-wise
// work one FLOP per element per step (norms 5, GELU and SiLU 8), attention 4·head_dim + 3 per (query,
// key, head).
import { dimValue } from '../ir/dim.js';
import type { AttentionNode, Graph, MoeNode, Node, TensorType, ValueId } from '../ir/nodes.js';
import { valueOrigins, valueTypes } from '../ir/walk.js';

export interface CostOptions {
  /** Context length for the attention terms and the full-context cache. */
  readonly context: number;
  /** Length of a memory input, for cross-attention (default: the context). */
  readonly memoryLength?: number;
  /** Count only these nodes (one expression's, for an editor's hover); default every node. */
  readonly only?: ReadonlySet<ValueId>;
}

export interface Costs {
  readonly context: number;
  readonly memoryLength: number;
  /** FLOPs to decode one token with `context - 1` tokens already cached. */
  readonly decodeFlopsPerToken: number;
  /** Average FLOPs per token when a prompt of `context` tokens is processed at once. */
  readonly prefillFlopsPerToken: number;
  /** FLOPs per memory row for work on memories alone (cross-attention keys and values), done once per memory. */
  readonly memoryFlopsPerRow: number;
  /** Self-attention KV-cache bytes per cached token at f32 (half at f16 or bf16). */
  readonly kvBytesPerToken: number;
  /** Self-attention KV-cache bytes when the full context is cached at f32 (sliding windows cap their layers). */
  readonly kvBytesFullContext: number;
  /** Cross-attention keys and values per memory position at f32 (computed once per memory). */
  readonly crossKvBytesPerMemoryPosition: number;
}

/** FLOPs per output element of element-wise operations. */
export const ELEMENTWISE_FLOPS: Readonly<Partial<Record<Node['op'], number>>> = {
  layer_norm: 5,
  rms_norm: 5,
  add: 1,
  sub: 1,
  mul: 1,
  scale: 1,
  softcap: 3,
  tanh_gate: 1,
  sinusoidal: 0,
  embedding: 0,
  positions: 0,
};
export const ACTIVATION_FLOPS: Readonly<Record<string, number>> = { relu: 1, gelu: 8, gelu_tanh: 8, silu: 8, sigmoid: 4, tanh: 4, identity: 0 };
/** Softmax per score: exponentiate, sum, divide (the max subtracted for stability is not counted). */
export const SOFTMAX_FLOPS = 3;
/** Rotary embeddings per rotated channel: x·cos ± rotated(x)·sin. */
export const ROPE_FLOPS = 3;

/**
 * A mixture of experts per token: the router (a matmul and a softmax over the experts), then only the
 * top_k chosen experts, each three matmuls, its activation and gating product, and a weighted sum.
 */
function moeFlops(node: MoeNode, d: number): bigint {
  const e = node.experts.length;
  const h = node.hidden;
  const router = 2n * big(d, e) + big(SOFTMAX_FLOPS, e);
  const expert = 3n * 2n * big(d, h) + big(ACTIVATION_FLOPS[node.act]! + 1, h) + 2n * big(d);
  return router + big(node.topK) * expert;
}

/** Elements per row of a value (its non-length dimensions). */
function rowWidth(t: TensorType): number {
  return t.shape.slice(1).reduce((a, d) => a * (dimValue(d) ?? 1), 1);
}

/** The product of whole numbers, exactly: counts are summed as bigints, so totals past 2^53 stay exact until the end. */
function big(...xs: number[]): bigint {
  return xs.reduce((a, x) => a * BigInt(x), 1n);
}

/** Keys seen by the queries at positions 0 … n - 1 together, each seeing min(position + 1, window), in closed form. */
function keysSeen(n: bigint, window: bigint | undefined): bigint {
  if (window === undefined || window >= n) return (n * (n + 1n)) / 2n;
  return (window * (window + 1n)) / 2n + (n - window) * window;
}

/** Running totals: per-token work split into what does and does not depend on the position. */
class Tally {
  fixed = 0n; // per token, independent of the position
  attnDecode = 0n; // attending from position context - 1
  attnPrefillSum = 0n; // attending from every position 0 … context - 1, summed
  memory = 0n; // per memory row, once per memory
  kvPerToken = 0n;
  kvFull = 0n;
  crossKv = 0n;
}

export function estimateCosts(graph: Graph, options: CostOptions): Costs {
  const types = valueTypes(graph);
  const origins = valueOrigins(graph);
  const tokenInput = graph.items.find((n) => n.op === 'input' && n.role === 'tokens');
  const fromTokens = (id: ValueId) => tokenInput?.op === 'input' && (origins.get(id)?.has(tokenInput.name) ?? false);
  const n = options.context;
  const mem = options.memoryLength ?? n;
  const t = new Tally();

  const nodeCost = (node: Node, times: number) => {
    if (node.op === 'input' || node.op === 'carried') return;
    if (options.only && !options.only.has(node.id)) return;
    if (node.op === 'attention') return attentionCost(node, times);
    let flops: bigint;
    if (node.op === 'moe') {
      flops = moeFlops(node, rowWidth(node.type));
    } else if (node.op === 'linear') {
      const out = rowWidth(node.type);
      flops = 2n * big(rowWidth(types.get(node.x)!), out) + (node.bias ? big(out) : 0n);
    } else {
      const per = node.op === 'activation' ? ACTIVATION_FLOPS[node.fn]! : (ELEMENTWISE_FLOPS[node.op] ?? 1);
      flops = big(per, rowWidth(node.type));
    }
    if (fromTokens(node.id)) t.fixed += big(times) * flops;
    else t.memory += big(times) * flops;
  };

  const projection = (rows: number, cols: number, bias: string | undefined) => 2n * big(rows, cols) + (bias ? big(rows) : 0n);

  const attentionCost = (node: AttentionNode, times: number) => {
    const { heads, kvHeads, headDim: hd, params } = node;
    const [dq, dk, dv] = [node.q, node.k, node.v].map((id) => rowWidth(types.get(id)!)) as [number, number, number];
    const kvFlops = projection(kvHeads * hd, dk, params.kBias) + projection(kvHeads * hd, dv, params.vBias);
    const layers = big(times);
    t.fixed += layers * (projection(heads * hd, dq, params.qBias) + projection(rowWidth(node.type), heads * hd, params.oBias));
    const perScore = big(heads, 4 * hd + SOFTMAX_FLOPS + (node.alibi ? 1 : 0) + (node.softcap > 0 ? 3 : 0));
    const kvBytes = big(2, kvHeads, hd, 4);
    if (!fromTokens(node.k)) {
      // Cross-attention: keys and values are projected once per memory row and cached.
      t.memory += layers * kvFlops;
      t.crossKv += layers * kvBytes;
      t.attnDecode += layers * perScore * big(mem);
      t.attnPrefillSum += layers * perScore * big(mem, n);
      return;
    }
    // qk-norm: an RMS norm of every query and new key channel.
    const qkNorm = node.qkNorm ? big(ELEMENTWISE_FLOPS['rms_norm']!, (heads + kvHeads) * hd) : 0n;
    t.fixed += layers * (kvFlops + qkNorm + (node.rope ? big(ROPE_FLOPS, node.rope.dim, heads + kvHeads) : 0n));
    const window = node.mask.kind === 'sliding' ? big(node.mask.window) : undefined;
    const context = big(n);
    const last = window !== undefined && window < context ? window : context; // keys seen from position n - 1
    t.kvPerToken += layers * kvBytes;
    t.kvFull += layers * kvBytes * last;
    t.attnDecode += layers * perScore * last;
    t.attnPrefillSum += layers * perScore * keysSeen(context, window);
  };

  for (const item of graph.items) {
    if (item.op !== 'repeat') nodeCost(item, 1);
    else for (const body of item.bodies) for (const node of body.nodes) nodeCost(node, body.layers.length);
  }
  // Per prompt token, a rational number: whole part and remainder over the context, each exact.
  const prompt = big(Math.max(1, n));
  const prefill = t.fixed * prompt + t.attnPrefillSum;
  return {
    context: n,
    memoryLength: mem,
    decodeFlopsPerToken: Number(t.fixed + t.attnDecode),
    prefillFlopsPerToken: Number(prefill / prompt) + Number(prefill % prompt) / Number(prompt),
    memoryFlopsPerRow: Number(t.memory),
    kvBytesPerToken: Number(t.kvPerToken),
    kvBytesFullContext: Number(t.kvFull),
    crossKvBytesPerMemoryPosition: Number(t.crossKv),
  };
}
