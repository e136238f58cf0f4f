// Warns about inputs nothing reads and values computed but never used (with the parameters they waste).
import { diagnostic, type Diagnostic } from '@tdl/dsl';
import type { Node, ValueId } from '../ir/nodes.js';
import { operands, useCounts, type NodeSite } from '../ir/walk.js';
import { liveValues } from './liveness.js';
import type { CheckContext, CheckRule } from './rule.js';

export const unused: CheckRule = {
  name: 'unused',
  readsShapes: false,
  quietAfterErrors: true,
  graph(ctx) {
    const uses = useCounts(ctx.graph);
    const live = liveValues(ctx.graph);
    const siteOf = new Map(ctx.sites.map((s) => [s.node.id, s]));
    const out: Diagnostic[] = [];
    // One source line can be dead in several layer bodies: one warning, the waste summed.
    const dead = new Map<string, { node: Node; wasted: number }>();
    for (const site of ctx.sites) {
      const { node } = site;
      if (live.has(node.id) || node.op === 'carried') continue;
      if (node.op === 'input') {
        const feedsDeadCode = (uses.get(node.id) ?? 0) > 0;
        out.push(diagnostic('W0401', node.span, `input '${node.name}' is never used`, feedsDeadCode ? { label: 'only values that are never used read it' } : {}));
        continue;
      }
      // Report dead code once, at the value nothing reads; what it alone reads is part of the waste.
      if ((uses.get(node.id) ?? 0) > 0) continue;
      const key = `${node.span.file}:${node.span.offset}:${node.span.length}`;
      const entry = dead.get(key) ?? { node, wasted: 0 };
      entry.wasted += deadParams(node, live, siteOf, ctx) * (site.body?.layers.length ?? 1);
      dead.set(key, entry);
    }
    for (const { node, wasted } of dead.values()) {
      out.push(
        diagnostic('W0402', node.span, 'this value is computed but never used', {
          ...(wasted ? { label: `its ${wasted.toLocaleString('en-US')} parameters count toward the model's size but do nothing` } : {}),
        }),
      );
    }
    return out;
  },
};

/** Parameters of `root` and of the dead values it reads, each counted once. */
function deadParams(root: Node, live: ReadonlySet<ValueId>, siteOf: ReadonlyMap<ValueId, NodeSite>, ctx: CheckContext): number {
  const seen = new Set<ValueId>();
  const work = [root.id];
  let total = 0;
  while (work.length) {
    const id = work.pop()!;
    const site = siteOf.get(id);
    if (seen.has(id) || live.has(id) || !site) continue;
    seen.add(id);
    total += ownParams(site, ctx);
    work.push(...operands(site.node));
  }
  return total;
}

/** Parameters a node declares itself (a tied head reuses another's weight). */
function ownParams(site: NodeSite, ctx: CheckContext): number {
  const numel = (name: string | undefined) => (name ? (ctx.paramShape(site, name) ?? []).reduce((a, b) => a * b, 1) : 0);
  const node = site.node;
  switch (node.op) {
    case 'embedding':
      return numel(node.weight);
    case 'linear':
      return (node.tiedOut === undefined ? numel(node.weight) : 0) + numel(node.bias);
    case 'layer_norm':
      return numel(node.weight) + numel(node.bias);
    case 'rms_norm':
      return numel(node.weight);
    case 'attention':
      return Object.values(node.params).reduce((n, p) => n + numel(p), 0);
    default:
      return 0;
  }
}
