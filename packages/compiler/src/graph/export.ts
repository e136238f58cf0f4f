// Draws the IR as Mermaid or Graphviz DOT: one box per node, a repeat region collapsed to one
// box per distinct layer body, labelled with the layers that run it.
import { shapeToString } from '../ir/dim.js';
import type { Graph, Node, ValueId } from '../ir/nodes.js';
import { operands } from '../ir/walk.js';

export type GraphFormat = 'mermaid' | 'dot';

interface Box {
  readonly id: string;
  readonly text: string;
  readonly cluster?: string;
}

function describe(node: Node): string {
  const name = node.label ? `${node.label.split('.').pop()}: ${node.op}` : node.op;
  const detail =
    node.op === 'attention'
      ? ` ${node.heads}h/${node.kvHeads}kv ${node.mask.kind === 'sliding' ? `sliding ${node.mask.window}` : node.mask.kind}${node.rope ? ' rope' : ''}${node.alibi ? ' alibi' : ''}`
      : node.op === 'activation'
        ? ` ${node.fn}`
        : node.op === 'input'
          ? ` ${node.name}`
          : '';
  return `${name}${detail} ${node.type.dtype}${shapeToString(node.type.shape)}`;
}

function collect(graph: Graph): { boxes: Box[]; edges: [string, string][]; clusters: Map<string, string> } {
  const boxes: Box[] = [];
  const edges: [string, string][] = [];
  const clusters = new Map<string, string>();
  const where = new Map<ValueId, string>();
  const add = (node: Node, cluster?: string) => {
    if (node.op === 'carried') return;
    const id = `n${node.id}`;
    boxes.push({ id, text: describe(node), ...(cluster ? { cluster } : {}) });
    where.set(node.id, id);
    for (const src of operands(node)) if (where.has(src)) edges.push([where.get(src)!, id]);
  };
  for (const item of graph.items) {
    if (item.op !== 'repeat') {
      add(item);
      continue;
    }
    item.bodies.forEach((body, b) => {
      const cluster = `r${item.id}_${b}`;
      const layers = body.layers.length === item.count ? `all ${item.count} layers` : `layers ${body.layers.join(', ')}`;
      clusters.set(cluster, `${item.label} × ${body.layers.length} (${layers})`);
      // Carried values enter the layer from their value before the region.
      body.nodes.forEach((n) => {
        if (n.op === 'carried') where.set(n.id, where.get(item.carried[n.index]!.init) ?? '');
      });
      body.nodes.forEach((n) => add(n, cluster));
      if (b === item.bodies.length - 1) item.results.forEach((id, i) => where.set(id, where.get(body.results[i]!) ?? ''));
    });
  }
  for (const o of graph.outputs) {
    const id = `out_${o.name}`;
    boxes.push({ id, text: `output ${o.name}` });
    if (where.has(o.value)) edges.push([where.get(o.value)!, id]);
  }
  return { boxes, edges: edges.filter(([a, b]) => a && b), clusters };
}

export function exportGraph(graph: Graph, format: GraphFormat): string {
  const { boxes, edges, clusters } = collect(graph);
  return format === 'mermaid' ? mermaid(graph, boxes, edges, clusters) : dot(graph, boxes, edges, clusters);
}

function mermaid(graph: Graph, boxes: Box[], edges: [string, string][], clusters: Map<string, string>): string {
  const lines = [`%% model ${graph.name}`, 'flowchart TD'];
  const quote = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;
  for (const b of boxes.filter((b) => !b.cluster)) lines.push(`  ${b.id}[${quote(b.text)}]`);
  for (const [cluster, title] of clusters) {
    lines.push(`  subgraph ${cluster}[${quote(title)}]`);
    for (const b of boxes.filter((b) => b.cluster === cluster)) lines.push(`    ${b.id}[${quote(b.text)}]`);
    lines.push('  end');
  }
  for (const [a, b] of edges) lines.push(`  ${a} --> ${b}`);
  return lines.join('\n') + '\n';
}

function dot(graph: Graph, boxes: Box[], edges: [string, string][], clusters: Map<string, string>): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = [`digraph ${quote(graph.name)} {`, '  node [shape=box, fontname="monospace"];'];
  for (const b of boxes.filter((b) => !b.cluster)) lines.push(`  ${b.id} [label=${quote(b.text)}];`);
  for (const [cluster, title] of clusters) {
    lines.push(`  subgraph cluster_${cluster} {`, `    label=${quote(title)};`);
    for (const b of boxes.filter((b) => b.cluster === cluster)) lines.push(`    ${b.id} [label=${quote(b.text)}];`);
    lines.push('  }');
  }
  for (const [a, b] of edges) lines.push(`  ${a} -> ${b};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
