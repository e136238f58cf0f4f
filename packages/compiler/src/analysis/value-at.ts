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

/** The innermost recorded value whose span holds `offset`, or undefined. Prefers the layer the graph kept. */
export function valueAt(result: CheckResult, offset: number): ValueAt | undefined {
  const holding = result.valueSpans.filter((v) => offset >= v.span.offset && offset <= v.span.offset + v.span.length);
  if (!holding.length) return undefined;
  const innermost = Math.min(...holding.map((v) => v.span.length));
  const candidates = holding.filter((v) => v.span.length === innermost);
  const kept = nodesKept(result);
  const chosen = candidates.find((v) => v.layer === undefined || hasKeptNode(v, kept)) ?? candidates[0]!;
  const own = new Set<ValueId>();
  let layers = chosen.layer === undefined ? 1 : 0;
  for (const [id, site] of kept) {
    if (id < chosen.firstId || id >= chosen.endId) continue;
    own.add(id);
    if (site.layers) layers = Math.max(layers, site.layers);
  }
  // A name inside a layer that emits nothing (`x`) still runs in the layers of its repeat.
  if (layers === 0) layers = candidates.filter((v) => v.layer !== undefined).length || 1;
  const graph = result.graph;
  const decodeFlops = graph && own.size ? estimateCosts(graph, { context: modelContext(graph), only: own }).decodeFlopsPerToken : 0;
  return {
    span: chosen.span,
    ...(chosen.type ? { type: chosen.type } : {}),
    ...(chosen.number !== undefined ? { number: chosen.number } : {}),
    params: chosen.paramElements * layers,
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
