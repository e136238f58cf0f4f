// FLOPs per token and KV-cache bytes, derived from the IR: matmuls count 2 FLOPs per multiply-add,
// element-wise work one FLOP per element per operation (norms 5, GELU and SiLU 8).
import { dimValue } from '../ir/dim.js';
import type { AttentionNode, Graph, Node, TensorType, ValueId } from '../ir/nodes.js';
import { valueOrigins, valueTypes } from '../ir/walk.js';

export interface CostOptions {
  /** Context length for the attention terms and the full-context cache (default: the model's bound). */
  readonly context: number;
  /** Length of a memory input, for cross-attention (default: its bound, else the context). */
  readonly memoryLength?: number;
}

export interface Costs {
  readonly context: number;
  /** FLOPs to decode one token with `context - 1` tokens already cached. */
  readonly decodeFlopsPerToken: number;
  /** Average FLOPs per token when a prompt of `context` tokens is processed at once. */
  readonly prefillFlopsPerToken: number;
  /** Self-attention KV-cache bytes per cached token at f32 (halve for f16). */
  readonly kvBytesPerToken: number;
  /** Self-attention KV-cache bytes when the full context is cached (sliding windows cap their layers). */
  readonly kvBytesFullContext: number;
  /** Cross-attention keys and values per memory position at f32 (computed once per memory). */
  readonly crossKvBytesPerMemoryPosition: number;
}

const ELEMENTWISE_FLOPS: Partial<Record<Node['op'], number>> = {
  layer_norm: 5,
  rms_norm: 5,
  add: 1,
  sub: 1,
  mul: 1,
  scale: 1,
  softcap: 3,
  sinusoidal: 0,
  embedding: 0,
  positions: 0,
};
const ACTIVATION_FLOPS: Record<string, number> = { relu: 1, gelu: 8, gelu_tanh: 8, silu: 8, sigmoid: 4, tanh: 4, identity: 0 };

/** Elements per token of a value (its non-length dimensions), taking rows as tokens. */
function width(t: TensorType): number {
  return t.shape.slice(1).reduce((a, d) => a * (dimValue(d) ?? 1), 1);
}

export function estimateCosts(graph: Graph, options: CostOptions): Costs {
  const types = valueTypes(graph);
  const origins = valueOrigins(graph);
  const tokenInput = graph.items.find((n) => n.op === 'input' && n.role === 'tokens');
  const fromTokens = (id: ValueId) => tokenInput?.op === 'input' && (origins.get(id)?.has(tokenInput.name) ?? false);
  const n = options.context;
  const mem = options.memoryLength ?? n;
  let fixed = 0; // FLOPs per token independent of position
  let attnDecode = 0; // FLOPs per token for attending at position n - 1
  let attnPrefill = 0; // summed over positions 0..n-1, divided by n later
  let kvPerToken = 0;
  let kvFull = 0;
  let crossKv = 0;

  const nodeCost = (node: Node, times: number) => {
    if (node.op === 'attention') return attentionCost(node, times);
    if (!fromTokens(node.id) || node.op === 'input' || node.op === 'carried') return;
    if (node.op === 'linear') {
      const x = types.get(node.x)!;
      const out = width(node.type);
      fixed += times * 2 * width(x) * out;
      return;
    }
    const per = node.op === 'activation' ? ACTIVATION_FLOPS[node.fn]! : (ELEMENTWISE_FLOPS[node.op] ?? 1);
    fixed += times * per * width(node.type);
  };

  const attentionCost = (node: AttentionNode, times: number) => {
    const hd = node.headDim;
    const dq = width(types.get(node.q)!);
    const dk = width(types.get(node.k)!);
    const dv = width(types.get(node.v)!);
    fixed += times * 2 * dq * node.heads * hd; // q projection
    fixed += times * 2 * node.heads * hd * width(node.type); // output projection
    const kvBytes = 2 * node.kvHeads * hd * 4;
    const self = fromTokens(node.k);
    if (self) {
      fixed += times * 2 * (dk + dv) * node.kvHeads * hd; // k, v projections of the new token
      kvPerToken += times * kvBytes;
      const window = node.mask.kind === 'sliding' ? node.mask.window : Infinity;
      kvFull += times * kvBytes * Math.min(n, window);
      const seen = (pos: number) => Math.min(pos + 1, window);
      attnDecode += times * 4 * node.heads * hd * seen(n - 1);
      let sum = 0;
      for (let p = 0; p < n; p++) sum += seen(p);
      attnPrefill += times * 4 * node.heads * hd * sum;
    } else {
      crossKv += times * kvBytes;
      attnDecode += times * 4 * node.heads * hd * mem;
      attnPrefill += times * 4 * node.heads * hd * mem * n;
    }
  };

  for (const item of graph.items) {
    if (item.op !== 'repeat') {
      nodeCost(item, 1);
      continue;
    }
    for (const body of item.bodies) for (const node of body.nodes) nodeCost(node, body.layers.length);
  }
  return {
    context: n,
    decodeFlopsPerToken: fixed + attnDecode,
    prefillFlopsPerToken: fixed + attnPrefill / Math.max(1, n),
    kvBytesPerToken: kvPerToken,
    kvBytesFullContext: kvFull,
    crossKvBytesPerMemoryPosition: crossKv,
  };
}
