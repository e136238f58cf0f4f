// The IR verifier: structural invariants every pass must keep. A failure is a compiler bug, not a user error.
import { InvariantError } from '@tdl/dsl';
import type { Graph, ParamDecl, TensorType, ValueId } from './nodes.js';
import { inferType } from './shapes.js';
import { sameType, typeToString } from './types.js';
import { operands } from './walk.js';

/** Throws an InvariantError naming the first broken invariant. */
export function verifyGraph(graph: Graph): void {
  const defined = new Map<ValueId, TensorType>();
  const seenIds = new Set<ValueId>();
  const topParams = new Map<string, ParamDecl>(graph.params.map((p) => [p.name, p]));
  const fail = (msg: string): never => {
    throw new InvariantError(`IR of model '${graph.name}': ${msg}`);
  };
  const checkNodes = (nodes: Graph['items'], bodyParams: Map<string, ParamDecl> | undefined, carried?: readonly TensorType[]) => {
    const local = new Map(defined);
    for (const node of nodes) {
      if (node.op === 'repeat') fail(`region ${node.id} nested in a layer body`);
      if (node.op === 'repeat') continue;
      if (seenIds.has(node.id)) fail(`value %${node.id} defined twice`);
      seenIds.add(node.id);
      for (const id of operands(node)) if (!local.has(id)) fail(`node %${node.id} (${node.op}) reads %${id} before it is defined`);
      const paramShape = (name: string) => {
        const p = bodyParams?.get(name) ?? topParams.get(name);
        if (!p) return fail(`node %${node.id} (${node.op}) uses unknown parameter ${name}`);
        return p.shape;
      };
      const declared = node.op === 'carried' ? carried?.[node.index] : node.op === 'input' ? node.type : undefined;
      if (node.op === 'carried' && !declared) fail(`carried value %${node.id} outside a region`);
      const expected = inferType(node, { typeOf: (id) => local.get(id)!, paramShape }, declared);
      if (!sameType(expected, node.type)) {
        fail(`node %${node.id} (${node.op}) has type ${typeToString(node.type)}, its shape rule gives ${typeToString(expected)}`);
      }
      local.set(node.id, node.type);
    }
    return local;
  };
  for (const item of graph.items) {
    if (item.op !== 'repeat') {
      const after = checkNodes([item], undefined);
      defined.set(item.id, after.get(item.id)!);
      continue;
    }
    for (const c of item.carried) if (!defined.has(c.init)) fail(`region ${item.label} carries undefined %${c.init}`);
    if (item.bodyOfLayer.length !== item.count) fail(`region ${item.label} maps ${item.bodyOfLayer.length} layers, has ${item.count}`);
    for (const body of item.bodies) {
      const params = new Map(body.params.map((p) => [p.name, p]));
      const local = checkNodes(body.nodes, params, item.carried.map((c) => c.type));
      body.results.forEach((id, i) => {
        const t = local.get(id);
        if (!t) fail(`region ${item.label} returns undefined %${id}`);
        else if (!sameType(t, item.carried[i]!.type)) fail(`region ${item.label} changes the type of ${item.carried[i]!.name}`);
      });
    }
    item.results.forEach((id, i) => defined.set(id, item.carried[i]!.type));
  }
  for (const o of graph.outputs) if (!defined.has(o.value)) fail(`output ${o.name} reads undefined %${o.value}`);
}
