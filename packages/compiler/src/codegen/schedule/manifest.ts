// The model manifest every runtime is handed (the contract in @tdl/runtime/contract): written once here,
// printed into the CPU module as MODEL, carried in the WebGPU plan as `model`, read by the CLI directly.
import type { ModelManifest } from '@tdl/runtime/contract';
import { dimValue } from '../../ir/dim.js';
import type { Graph } from '../../ir/nodes.js';
import { allNodes } from '../../ir/walk.js';
import { analyze, type ModelInfo } from '../../analysis/index.js';

export function modelManifest(graph: Graph, info: Pick<ModelInfo, 'vocab' | 'context'> = analyze(graph)): ModelManifest {
  const input = graph.items.find((i) => i.op === 'input' && i.role === 'memory');
  const memory = input && input.op === 'input' ? input : undefined;
  const symbol = memory ? [...memory.type.shape[0]!.keys()][0] : undefined;
  const bound = graph.symbols.find((s) => s.name === symbol)?.bound;
  return {
    name: graph.name,
    vocab: info.vocab,
    context: info.context,
    memory: memory ? { name: memory.name, width: dimValue(memory.type.shape[1]!) ?? 0, ...(bound !== undefined ? { maxLength: bound } : {}) } : null,
    params: graph.params.map((p) => ({ name: p.name, shape: p.shape, init: p.init })),
    ...recompute(graph),
  };
}

/** LongRoPE's pretrained context, where generation reruns the sequence with the long factors. */
function recompute(graph: Graph): { recomputeCacheAt?: number } {
  let at: number | undefined;
  for (const { node } of allNodes(graph)) {
    if (node.op === 'attention' && node.rope?.scaling.kind === 'longrope') at = Math.min(at ?? Infinity, node.rope.scaling.original);
  }
  return at === undefined ? {} : { recomputeCacheAt: at };
}
