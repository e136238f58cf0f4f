// Walking the IR: every node once (each distinct layer body once), value lookups, uses and origins.
import type { Graph, LayerBody, Node, RepeatRegion, TensorType, ValueId } from './nodes.js';

/** The values a node reads, in argument order. A new op is a compile error here until it says which. */
export function operands(node: Node): ValueId[] {
  switch (node.op) {
    case 'input':
    case 'positions':
    case 'carried':
      return [];
    case 'embedding':
      return [node.ids];
    case 'sinusoidal':
      return [node.positions];
    case 'linear':
    case 'layer_norm':
    case 'rms_norm':
    case 'activation':
    case 'scale':
    case 'softcap':
    case 'tanh_gate':
    case 'moe':
      return [node.x];
    case 'add':
    case 'sub':
    case 'mul':
      return [node.a, node.b];
    case 'attention':
      return [node.q, node.k, node.v];
    default:
      return unknownOp(node);
  }
}

function unknownOp(node: never): never {
  throw new Error(`internal compiler error: operands of an unknown op ${(node as Node).op}`);
}

export interface NodeSite {
  readonly node: Node;
  /** The region and body the node sits in, if any. */
  readonly region?: RepeatRegion;
  readonly body?: LayerBody;
}

/** Every node: top-level ones and those of each distinct layer body, in order. */
export function* allNodes(graph: Graph): Generator<NodeSite> {
  for (const item of graph.items) {
    if (item.op === 'repeat') {
      for (const body of item.bodies) for (const node of body.nodes) yield { node, region: item, body };
    } else yield { node: item };
  }
}

/** Types of every value, region results included. */
export function valueTypes(graph: Graph): Map<ValueId, TensorType> {
  const types = new Map<ValueId, TensorType>();
  for (const { node } of allNodes(graph)) types.set(node.id, node.type);
  for (const item of graph.items) {
    if (item.op === 'repeat') item.results.forEach((id, i) => types.set(id, item.carried[i]!.type));
  }
  return types;
}

export function nodeById(graph: Graph): Map<ValueId, Node> {
  const map = new Map<ValueId, Node>();
  for (const { node } of allNodes(graph)) map.set(node.id, node);
  return map;
}

/**
 * Which inputs each value depends on (by input name). Carried values inside a body take the origins
 * of the value entering the region and of the body's results, so a layer's dependence flows through.
 */
export function valueOrigins(graph: Graph): Map<ValueId, ReadonlySet<string>> {
  const origins = new Map<ValueId, Set<string>>();
  const of = (id: ValueId) => origins.get(id) ?? new Set<string>();
  const tokenInput = graph.items.find((i) => i.op === 'input' && i.role === 'tokens');
  const visit = (node: Node, carriedOrigins: Set<string>[] = []) => {
    if (node.op === 'input') origins.set(node.id, new Set([node.name]));
    // Positions count the tokens, so they belong to the token stream.
    else if (node.op === 'positions') origins.set(node.id, new Set(tokenInput?.op === 'input' ? [tokenInput.name] : []));
    else if (node.op === 'carried') origins.set(node.id, new Set(carriedOrigins[node.index] ?? []));
    else origins.set(node.id, new Set(operands(node).flatMap((id) => [...of(id)])));
  };
  for (const item of graph.items) {
    if (item.op !== 'repeat') {
      visit(item);
      continue;
    }
    // Iterate to a fixed point: a layer can make a carried value depend on more inputs.
    const carried = item.carried.map((c) => new Set(of(c.init)));
    for (let changed = true; changed; ) {
      changed = false;
      for (const body of item.bodies) {
        for (const node of body.nodes) visit(node, carried);
        body.results.forEach((id, i) => {
          for (const o of of(id)) {
            if (!carried[i]!.has(o)) {
              carried[i]!.add(o);
              changed = true;
            }
          }
        });
      }
    }
    item.results.forEach((id, i) => origins.set(id, carried[i]!));
  }
  return origins;
}

/** How many times each value is read (by nodes, region inputs and results, and outputs). */
export function useCounts(graph: Graph): Map<ValueId, number> {
  const uses = new Map<ValueId, number>();
  const use = (id: ValueId) => uses.set(id, (uses.get(id) ?? 0) + 1);
  for (const { node } of allNodes(graph)) operands(node).forEach(use);
  for (const item of graph.items) {
    if (item.op !== 'repeat') continue;
    item.carried.forEach((c) => use(c.init));
    for (const body of item.bodies) body.results.forEach(use);
  }
  graph.outputs.forEach((o) => use(o.value));
  return uses;
}
