// Draws the IR as Mermaid or Graphviz DOT: one box per node in program order, a repeat region
// collapsed to one cluster per distinct layer body, titled with the layers that run it.
import { shapeToString } from '../ir/dim.js';
import type { Graph, Node, RepeatRegion, ValueId } from '../ir/nodes.js';
import { operands } from '../ir/walk.js';
import { labelInLayer } from '../lower/lowerer.js';

export type GraphFormat = 'mermaid' | 'dot';

interface Box {
  readonly id: string;
  readonly text: string;
}

/** A top-level box, or a cluster holding one layer body's boxes. */
type Part = { readonly box: Box } | { readonly cluster: string; readonly title: string; readonly boxes: readonly Box[] };

function detail(node: Node): string {
  switch (node.op) {
    case 'attention': {
      const kv = node.kvHeads === node.heads ? `${node.heads} heads` : `${node.heads} heads, ${node.kvHeads} kv`;
      const mask = node.mask.kind === 'sliding' ? `sliding ${node.mask.window}` : node.mask.kind;
      const pos = node.rope ? `, rope ${node.rope.dim}` : node.alibi ? ', alibi' : '';
      return ` (${kv}, ${mask}${pos})`;
    }
    case 'activation':
      return ` ${node.fn}`;
    case 'input':
      return ` ${node.name}`;
    case 'linear':
      return node.tiedOut !== undefined ? ` (tied to ${node.weight})` : '';
    case 'scale':
      return ` × ${Number(node.factor.toPrecision(6))}`;
    case 'positions':
      return node.offset ? ` + ${node.offset}` : '';
    default:
      return '';
  }
}

function describe(node: Node): string {
  // Labels the compiler made up (`rms_norm`, `rms_norm_2`) say nothing the op name does not.
  const label = node.label ? labelInLayer(node.label) : undefined;
  const made = label === undefined || new RegExp(`^${node.op}(_\\d+)?$`).test(label.split('.').pop()!);
  const name = made && !label?.includes('.') ? node.op : `${label}: ${node.op}`;
  return `${name}${detail(node)} ${node.type.dtype}${shapeToString(node.type.shape)}`;
}

function layersText(region: RepeatRegion, layers: readonly number[]): string {
  if (layers.length === region.count) return `all ${region.count} layers`;
  const shown = layers.length > 8 ? [...layers.slice(0, 6), '…', layers[layers.length - 1]] : layers;
  return `layers ${shown.join(', ')}`;
}

function collect(graph: Graph): { parts: Part[]; edges: [string, string][] } {
  const parts: Part[] = [];
  const edges = new Map<string, [string, string]>();
  const where = new Map<ValueId, string>();
  const boxFor = (node: Node): Box => {
    const id = `n${node.id}`;
    where.set(node.id, id);
    for (const src of operands(node)) {
      const from = where.get(src);
      if (from) edges.set(`${from}>${id}`, [from, id]);
    }
    return { id, text: describe(node) };
  };
  for (const item of graph.items) {
    if (item.op !== 'repeat') {
      parts.push({ box: boxFor(item) });
      continue;
    }
    /** Where the carried values come from for a layer: the previous layer's body, or before the region. */
    const before = (layer: number, index: number): string => {
      const previous = layer > 0 ? item.bodies[item.bodyOfLayer[layer - 1]!] : undefined;
      return (previous && where.get(previous.results[index]!)) || where.get(item.carried[index]!.init) || '';
    };
    item.bodies.forEach((body, b) => {
      for (const n of body.nodes) if (n.op === 'carried') where.set(n.id, before(body.layers[0]!, n.index));
      const boxes = body.nodes.filter((n) => n.op !== 'carried').map(boxFor);
      parts.push({ cluster: `r${item.id}_${b}`, title: `${item.label} × ${body.layers.length} (${layersText(item, body.layers)})`, boxes });
    });
    item.results.forEach((id, i) => where.set(id, before(item.count, i)));
  }
  for (const o of graph.outputs) {
    const id = `out_${o.name}`;
    parts.push({ box: { id, text: `output ${o.name}` } });
    const from = where.get(o.value);
    if (from) edges.set(`${from}>${id}`, [from, id]);
  }
  return { parts, edges: [...edges.values()] };
}

export function exportGraph(graph: Graph, format: GraphFormat): string {
  const { parts, edges } = collect(graph);
  return format === 'mermaid' ? mermaid(graph, parts, edges) : dot(graph, parts, edges);
}

function mermaid(graph: Graph, parts: readonly Part[], edges: readonly [string, string][]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;
  const lines = [`%% model ${graph.name}`, 'flowchart TD'];
  for (const part of parts) {
    if ('box' in part) {
      lines.push(`  ${part.box.id}[${quote(part.box.text)}]`);
      continue;
    }
    lines.push(`  subgraph ${part.cluster}[${quote(part.title)}]`);
    for (const b of part.boxes) lines.push(`    ${b.id}[${quote(b.text)}]`);
    lines.push('  end');
  }
  for (const [a, b] of edges) lines.push(`  ${a} --> ${b}`);
  return lines.join('\n') + '\n';
}

function dot(graph: Graph, parts: readonly Part[], edges: readonly [string, string][]): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = [`digraph ${quote(graph.name)} {`, '  node [shape=box, fontname="monospace"];'];
  for (const part of parts) {
    if ('box' in part) {
      lines.push(`  ${part.box.id} [label=${quote(part.box.text)}];`);
      continue;
    }
    lines.push(`  subgraph cluster_${part.cluster} {`, `    label=${quote(part.title)};`);
    for (const b of part.boxes) lines.push(`    ${b.id} [label=${quote(b.text)}];`);
    lines.push('  }');
  }
  for (const [a, b] of edges) lines.push(`  ${a} -> ${b};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
