// A learned position table has a row for every position the context allows.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const positionTable: CheckRule = {
  name: 'position-table',
  run(ctx) {
    const context = ctx.graph.symbols.find((s) => s.name === ctx.tokens?.type.shape[0]?.keys().next().value)?.bound;
    if (context === undefined) return [];
    return ctx.sites.flatMap((site) => {
      const { node } = site;
      if (node.op !== 'embedding') return [];
      const ids = ctx.nodes.get(node.ids);
      if (ids?.op !== 'positions') return [];
      const rows = ctx.paramShape(site, node.weight)?.[0] ?? 0;
      const needed = context + ids.offset;
      if (rows >= needed) return [];
      return [
        diagnostic('E0214', node.span, `this position table has ${rows} rows, but positions reach ${needed - 1}`, {
          label: `the context allows ${context} tokens${ids.offset ? ` and positions start at ${ids.offset}` : ''}`,
        }),
      ];
    });
  },
};
