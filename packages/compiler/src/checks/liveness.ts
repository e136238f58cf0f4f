// Which values the output depends on: everything else is dead code, reported by the unused check.
import type { Graph, Node, ValueId } from '../ir/nodes.js';
import { operands } from '../ir/walk.js';

/** The values the graph's outputs read, directly or through layers (carried values included). */
export function liveValues(graph: Graph): Set<ValueId> {
  const live = new Set<ValueId>();
  const byId = new Map<ValueId, Node>();
  /** For a region result or a carried node: the values that flow into it. */
  const feeds = new Map<ValueId, ValueId[]>();
  const link = (to: ValueId, from: ValueId) => feeds.set(to, [...(feeds.get(to) ?? []), from]);
  for (const item of graph.items) {
    if (item.op !== 'repeat') {
      byId.set(item.id, item);
      continue;
    }
    item.results.forEach((id, i) => item.bodies.forEach((b) => link(id, b.results[i]!)));
    // Zero layers pass the values before the region through unchanged.
    if (item.count === 0) item.results.forEach((id, i) => link(id, item.carried[i]!.init));
    for (const body of item.bodies) {
      for (const node of body.nodes) {
        byId.set(node.id, node);
        if (node.op !== 'carried') continue;
        // A layer starts from the value before the region or from any layer's result.
        link(node.id, item.carried[node.index]!.init);
        item.bodies.forEach((b) => link(node.id, b.results[node.index]!));
      }
    }
  }
  const work = graph.outputs.map((o) => o.value);
  while (work.length) {
    const id = work.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    const node = byId.get(id);
    work.push(...(node ? operands(node) : []), ...(feeds.get(id) ?? []));
  }
  return live;
}
