// The model's IR graph drawn as SVG: dagre lays it out (a repeat region as a box holding its first
// layer body), this module only turns the layout into shapes and lines.
import dagre from '@dagrejs/dagre';
import { operands, typeToString, type Graph, type Node, type ValueId } from '@tdl/compiler';

const SVG = 'http://www.w3.org/2000/svg';
const CHAR = 7; // px per character of the 12px monospace labels
const NODE_HEIGHT = 38;

interface Shown {
  readonly id: string;
  readonly title: string;
  readonly shape: string;
  readonly parent?: string;
}

/** The nodes and edges to draw: carried values are drawn as the value that enters the layer. */
function layoutModel(graph: Graph): { nodes: Shown[]; clusters: { id: string; title: string }[]; edges: [string, string][] } {
  const nodes: Shown[] = [];
  const clusters: { id: string; title: string }[] = [];
  const edges = new Set<string>();
  const shownAs = new Map<ValueId, string>();
  const title = (n: Node) => {
    const name = n.op === 'input' ? n.name : n.label ? `${n.label.split('.').pop()}: ${n.op}` : n.op;
    return name;
  };
  const add = (n: Node, parent?: string) => {
    const id = `v${n.id}`;
    shownAs.set(n.id, id);
    nodes.push({ id, title: title(n), shape: typeToString(n.type), ...(parent ? { parent } : {}) });
    for (const from of operands(n)) {
      const source = shownAs.get(from);
      if (source) edges.add(`${source}\u0000${id}`);
    }
  };
  for (const item of graph.items) {
    if (item.op !== 'repeat') {
      add(item);
      continue;
    }
    const body = item.bodies[0];
    if (!body) continue;
    const cluster = `r${item.id}`;
    const more = item.bodies.length > 1 ? `, ${item.bodies.length} layer structures, the first shown` : '';
    clusters.push({ id: cluster, title: `${item.label} × ${item.count}${more}` });
    for (const n of body.nodes) {
      if (n.op === 'carried') {
        const init = shownAs.get(item.carried[n.index]!.init);
        if (init) shownAs.set(n.id, init);
      } else add(n, cluster);
    }
    item.results.forEach((id, i) => {
      const inside = shownAs.get(body.results[i]!);
      if (inside) shownAs.set(id, inside);
    });
  }
  for (const out of graph.outputs) {
    const id = `out:${out.name}`;
    nodes.push({ id, title: `output ${out.name}`, shape: '' });
    const source = shownAs.get(out.value);
    if (source) edges.add(`${source}\u0000${id}`);
  }
  return { nodes, clusters, edges: [...edges].map((e) => e.split('\u0000') as [string, string]) };
}

export function drawGraph(graph: Graph): SVGSVGElement {
  const { nodes, clusters, edges } = layoutModel(graph);
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 26, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of clusters) g.setNode(c.id, { label: c.title, width: 0, height: 0, clusterLabelPos: 'top', paddingTop: 24 });
  for (const n of nodes) {
    g.setNode(n.id, { width: Math.max(n.title.length, n.shape.length) * CHAR + 20, height: n.shape ? NODE_HEIGHT : 24 });
    if (n.parent) g.setParent(n.id, n.parent);
  }
  for (const [a, b] of edges) g.setEdge(a, b);
  dagre.layout(g);

  const label = g.graph() as { width?: number; height?: number };
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(Math.ceil(label.width ?? 0)));
  svg.setAttribute('height', String(Math.ceil(label.height ?? 0)));
  svg.setAttribute('class', 'model-graph');
  svg.innerHTML = '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>';
  const el = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  for (const c of clusters) {
    const box = g.node(c.id) as { x: number; y: number; width: number; height: number };
    el('rect', { class: 'cluster', x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height, rx: 6 });
    el('text', { class: 'cluster-title', x: box.x - box.width / 2 + 8, y: box.y - box.height / 2 + 16 }, c.title);
  }
  for (const e of g.edges()) {
    const points = (g.edge(e) as { points?: { x: number; y: number }[] }).points ?? [];
    if (points.length) el('path', { class: 'edge', d: points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(''), 'marker-end': 'url(#arrow)' });
  }
  for (const n of nodes) {
    const box = g.node(n.id) as { x: number; y: number; width: number; height: number };
    const group = el('g', { class: n.id.startsWith('out:') ? 'node output' : 'node', 'data-id': n.id });
    const rect = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries({ x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height, rx: 4 })) rect.setAttribute(k, String(v));
    group.append(rect);
    const lines = n.shape ? [n.title, n.shape] : [n.title];
    lines.forEach((line, i) => {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', String(box.x));
      t.setAttribute('y', String(box.y + (i - (lines.length - 1) / 2) * 14 + 4));
      t.setAttribute('class', i ? 'shape' : 'title');
      t.textContent = line;
      group.append(t);
    });
  }
  return svg;
}
