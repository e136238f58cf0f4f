// Groups the layers of a repeat region by structure, so layers that differ only in their index share one body.
import type { NodeList } from '../ir/builder.js';
import type { LayerBody, Node, ValueId } from '../ir/nodes.js';

/** Fields of IR nodes that hold value ids. */
const VALUE_FIELDS = ['x', 'a', 'b', 'q', 'k', 'v', 'ids', 'positions'] as const;

/** A text that is equal for two layers exactly when they compute the same thing with the same parameter shapes. */
export function layerSignature(nodes: readonly Node[], params: NodeList['params'], results: readonly ValueId[]): string {
  const local = new Map(nodes.map((n, i) => [n.id, i]));
  const ref = (id: ValueId) => (local.has(id) ? `%${local.get(id)}` : `@${id}`);
  const parts = nodes.map((n) => {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(n)) {
      if (key === 'id' || key === 'span' || key === 'argSpans' || key === 'argText' || key === 'type') continue;
      fields[key] = (VALUE_FIELDS as readonly string[]).includes(key) ? ref(value as ValueId) : value;
    }
    return JSON.stringify(fields, (_k, v) => (v instanceof Map ? [...v] : v));
  });
  const paramText = params.map((p) => `${p.name}:${p.shape.join('x')}:${JSON.stringify(p.init)}`);
  return [...parts, '|', ...paramText, '|', ...results.map(ref)].join('\n');
}

export function groupLayers(instances: readonly { body: NodeList; results: readonly ValueId[] }[]): {
  bodies: LayerBody[];
  bodyOfLayer: number[];
} {
  const bySignature = new Map<string, number>();
  const bodies: { nodes: Node[]; results: ValueId[]; params: NodeList['params']; layers: number[] }[] = [];
  const bodyOfLayer: number[] = [];
  instances.forEach(({ body, results }, layer) => {
    const nodes = body.items as Node[];
    const sig = layerSignature(nodes, body.params, results);
    let index = bySignature.get(sig);
    if (index === undefined) {
      index = bodies.length;
      bySignature.set(sig, index);
      bodies.push({ nodes, results: [...results], params: body.params, layers: [] });
    }
    bodies[index]!.layers.push(layer);
    bodyOfLayer.push(index);
  });
  return { bodies, bodyOfLayer };
}
