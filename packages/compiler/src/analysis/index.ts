// Model analysis: parameters, FLOPs per token, KV-cache and weight memory, as `tdl info` shows them.
import { dimValue } from '../ir/dim.js';
import type { Graph, InputNode } from '../ir/nodes.js';
import { valueTypes } from '../ir/walk.js';
import { estimateCosts, type Costs } from './cost.js';
import { countParams, type ParamCounts } from './params.js';

/** Bytes by storage type. */
export interface BytesByDtype {
  readonly f32: number;
  readonly f16: number;
  readonly bf16: number;
}

export interface ModelInfo {
  readonly name: string;
  readonly vocab: number;
  /** The token length bound, the longest context the model runs. */
  readonly context: number;
  readonly params: ParamCounts;
  readonly costs: Costs;
  /** Weight memory in bytes per storage type (a tied weight counts once). */
  readonly weightBytes: BytesByDtype;
  /** Self-attention KV cache per token and for `costs.context` tokens, per storage type. */
  readonly kvCache: { readonly perToken: BytesByDtype; readonly fullContext: BytesByDtype };
}

export interface AnalyzeOptions {
  /** Context length for FLOPs and the full KV cache (default: the model's bound). */
  readonly context?: number;
  /** Memory length for cross-attention (default: the memory's bound, else the context). */
  readonly memoryLength?: number;
}

const byDtype = (f32Bytes: number): BytesByDtype => ({ f32: f32Bytes, f16: f32Bytes / 2, bf16: f32Bytes / 2 });

export function analyze(graph: Graph, options: AnalyzeOptions = {}): ModelInfo {
  const params = countParams(graph);
  const context = modelContext(graph);
  const costs = estimateCosts(graph, {
    context: options.context ?? context,
    memoryLength: options.memoryLength ?? memoryBound(graph) ?? options.context ?? context,
  });
  return {
    name: graph.name,
    vocab: modelVocab(graph),
    context,
    params,
    costs,
    weightBytes: { f32: params.total * 4, f16: params.total * 2, bf16: params.total * 2 },
    kvCache: { perToken: byDtype(costs.kvBytesPerToken), fullContext: byDtype(costs.kvBytesFullContext) },
  };
}

function inputs(graph: Graph): InputNode[] {
  return graph.items.filter((n): n is InputNode => n.op === 'input');
}

function boundOf(graph: Graph, input: InputNode | undefined): number | undefined {
  const sym = input ? [...input.type.shape[0]!.keys()][0] : undefined;
  return graph.symbols.find((s) => s.name === sym)?.bound;
}

/** The bound on the token input's length. */
export function modelContext(graph: Graph): number {
  return boundOf(graph, inputs(graph).find((i) => i.role === 'tokens')) ?? 0;
}

/** The bound on a memory input's length, if one declares it (`f32[S <= 1500, d]`). */
function memoryBound(graph: Graph): number | undefined {
  return boundOf(graph, inputs(graph).find((i) => i.role === 'memory'));
}

/** The logits' width. */
export function modelVocab(graph: Graph): number {
  const out = graph.outputs[0];
  const type = out ? valueTypes(graph).get(out.value) : undefined;
  return type ? (dimValue(type.shape[type.shape.length - 1]!) ?? 0) : 0;
}

export { countParams, numel, type ParamCounts } from './params.js';
export type { Costs } from './cost.js';
