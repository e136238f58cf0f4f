// Parameter counts: total and per component, straight from the IR's parameter list.
import type { Graph } from '../ir/nodes.js';

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export interface ParamCounts {
  readonly total: number;
  /** Per component, in first-seen order: `wte`, `layers.*.attn`, `lm_head` … */
  readonly byComponent: readonly { readonly component: string; readonly count: number }[];
}

export function countParams(graph: Graph): ParamCounts {
  const by = new Map<string, number>();
  let total = 0;
  for (const p of graph.params) {
    const n = numel(p.shape);
    total += n;
    by.set(p.component, (by.get(p.component) ?? 0) + n);
  }
  return { total, byComponent: [...by].map(([component, count]) => ({ component, count })) };
}
