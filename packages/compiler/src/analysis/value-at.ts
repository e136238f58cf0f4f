// The value at a place in a model file, for an editor's hover: its shape, the parameters its expression
// declares and the FLOPs per token its nodes cost, over every layer that runs them.
import type { CheckResult } from '../compile.js';
import type { Node, TensorType, ValueId } from '../ir/nodes.js';
import { allNodes } from '../ir/walk.js';
import type { ValueSpan } from '../lower/value-spans.js';
import { modelContext } from './index.js';
import { estimateCosts } from './cost.js';

export interface ValueAt {
  /** The innermost expression (or bound name) at the offset. */
  readonly span: ValueSpan['span'];
  readonly type?: TensorType;
  readonly number?: number;
  /** Parameter elements the expression declares, summed over the layers that run it. */
  readonly params: number;
  /** FLOPs per decoded token at the full context for the expression's own nodes, over those layers. */
  readonly decodeFlops: number;
  /** How many layers run the expression (1 outside a repeat). */
  readonly layers: number;
}

/**
 * The innermost recorded value whose span holds `offset`, or undefined. Inside a repeat the expression
 * was lowered once per layer; the graph keeps one body per layer structure, so the lowerings whose
 * nodes it kept are summed, each over the layers that run its body.
 */
export function valueAt(result: CheckResult, offset: number): ValueAt | undefined {
  const holding = result.valueSpans.filter((v) => offset >= v.span.offset && offset <= v.span.offset + v.span.length);
  if (!holding.length) return undefined;
  const innermost = Math.min(...holding.map((v) => v.span.length));
  const candidates = holding.filter((v) => v.span.length === innermost);
  const kept = nodesKept(result);
  const live = candidates.filter((v) => v.layer === undefined || hasKeptNode(v, kept));
  const own = new Set<ValueId>();
  let params = 0;
  let layers = 0;
  for (const v of live) {
    let runs = 1;
    for (let id = v.firstId; id < v.endId; id++) {
      const site = kept.get(id);
      if (!site) continue;
      own.add(id);
      if (site.layers) runs = site.layers;
    }
    params += v.paramElements * runs;
    layers += runs;
  }
  // A name inside a layer emits nothing (`x`): it is there in each layer that lowered it.
  if (!live.length) layers = candidates.length;
  const chosen = live[0] ?? candidates[0]!;
  const graph = result.graph;
  const decodeFlops = graph && own.size ? estimateCosts(graph, { context: modelContext(graph), only: own }).decodeFlopsPerToken : 0;
  return {
    span: chosen.span,
    ...(chosen.type ? { type: chosen.type } : {}),
    ...(chosen.number !== undefined ? { number: chosen.number } : {}),
    params,
    decodeFlops,
    layers,
  };
}

interface Site {
  readonly node: Node;
  /** Layers that run the node's body; absent at the top level. */
  readonly layers?: number;
}

function nodesKept(result: CheckResult): Map<ValueId, Site> {
  const kept = new Map<ValueId, Site>();
  if (!result.graph) return kept;
  for (const { node, body } of allNodes(result.graph)) kept.set(node.id, body ? { node, layers: body.layers.length } : { node });
  return kept;
}

function hasKeptNode(v: ValueSpan, kept: ReadonlyMap<ValueId, Site>): boolean {
  for (let id = v.firstId; id < v.endId; id++) if (kept.has(id)) return true;
  return false;
}
