// The tail split: when only the last row's logits are wanted, position-wise work after the last
// attention (or region) runs on the last rows alone. Every backend narrows at the same place.
import type { Graph, Item, ValueId } from '../../ir/nodes.js';
import { operands } from '../../ir/walk.js';
import type { Phase } from './phases.js';

/** The index of the first top-level item of the tail: the one after the last that mixes positions. */
export function tailStart(graph: Graph): number {
  return lastMixingIndex(graph.items) + 1;
}

/** Index of the last top-level item that mixes positions (a region or an attention), or -1. */
function lastMixingIndex(items: readonly Item[]): number {
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.op === 'repeat' || items[i]!.op === 'attention') return i;
  return -1;
}

/** The per-token values computed before item `index` and read from it on: the ones the tail slices, in definition order. */
export function tailValues(graph: Graph, index: number, phases: ReadonlyMap<ValueId, Phase>): ValueId[] {
  const before = new Set<ValueId>();
  for (const item of graph.items.slice(0, index)) {
    if (item.op === 'repeat') item.results.forEach((id) => before.add(id));
    else before.add(item.id);
  }
  // Inputs are there from the start, wherever they are declared.
  for (const item of graph.items) if (item.op === 'input') before.add(item.id);
  const usedAfter = new Set<ValueId>();
  for (const item of graph.items.slice(index)) if (item.op !== 'repeat') operands(item).forEach((id) => usedAfter.add(id));
  graph.outputs.forEach((o) => usedAfter.add(o.value));
  return [...before].filter((id) => usedAfter.has(id) && phases.get(id) !== 'memory');
}
