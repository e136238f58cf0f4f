// Model analysis: parameters, FLOPs per token, KV-cache and weight memory, as `tdl info` shows them.
import type { Graph } from '../ir/nodes.js';
import { estimateCosts, type Costs } from './cost.js';
import { countParams, type ParamCounts } from './params.js';

export interface ModelInfo {
  readonly name: string;
  readonly vocab: number;
  /** The token length bound, the longest context the model runs. */
  readonly context: number;
  readonly params: ParamCounts;
  readonly costs: Costs;
  /** Weight memory in bytes per storage type. */
  readonly weightBytes: { readonly f32: number; readonly f16: number; readonly bf16: number };
}

export function analyze(graph: Graph, options: { context?: number; memoryLength?: number } = {}): ModelInfo {
  const params = countParams(graph);
  const context = modelContext(graph);
  const costs = estimateCosts(graph, {
    context: options.context ?? context,
    ...(options.memoryLength !== undefined ? { memoryLength: options.memoryLength } : {}),
  });
  return {
    name: graph.name,
    vocab: modelVocab(graph),
    context,
    params,
    costs,
    weightBytes: { f32: params.total * 4, f16: params.total * 2, bf16: params.total * 2 },
  };
}

/** The bound on the token input's length. */
export function modelContext(graph: Graph): number {
  const tokens = graph.items.find((n) => n.op === 'input' && n.role === 'tokens');
  const sym = tokens && tokens.op === 'input' ? [...tokens.type.shape[0]!.keys()][0] : undefined;
  return graph.symbols.find((s) => s.name === sym)?.bound ?? 0;
}

/** The logits' width. */
export function modelVocab(graph: Graph): number {
  const out = graph.outputs[0];
  if (!out) return 0;
  for (const item of graph.items) {
    if (item.op !== 'repeat' && item.id === out.value) {
      const last = item.type.shape[item.type.shape.length - 1]!;
      return last.get('') ?? 0;
    }
  }
  return 0;
}

export { countParams, numel, type ParamCounts } from './params.js';
export type { Costs } from './cost.js';
