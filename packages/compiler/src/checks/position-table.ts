// A learned position table has a row for every position the context allows.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const positionTable: CheckRule = {
  name: 'position-table',
  readsShapes: false,
  node(site, ctx) {
    const { node } = site;
    if (ctx.context === undefined || node.op !== 'embedding') return undefined;
    const ids = ctx.nodes.get(node.ids);
    if (ids?.op !== 'positions') return undefined;
    const rows = ctx.paramShape(site, node.weight)?.[0] ?? 0;
    const needed = ctx.context + ids.offset;
    if (rows >= needed) return undefined;
    return diagnostic('E0214', node.argSpans['n'] ?? node.span, `this position table has ${rows} rows, but positions reach ${needed - 1}`, {
      label: `the context allows ${ctx.context} tokens${ids.offset ? ` and positions start at ${ids.offset}` : ''}: give it ${needed} rows`,
    });
  },
};
