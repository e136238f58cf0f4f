// A tied output head produces exactly as many outputs as the table it shares has rows.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const tiedHead: CheckRule = {
  name: 'tied-head',
  readsShapes: false,
  node(site, ctx) {
    const { node } = site;
    if (node.op !== 'linear' || node.tiedOut === undefined) return undefined;
    const shape = ctx.paramShape(site, node.weight);
    if (!shape || shape[0] === node.tiedOut) return undefined;
    const table = ctx.embeddingOf(node.weight);
    return diagnostic('E0314', node.argSpans['out'] ?? node.span, `this head has ${node.tiedOut} outputs, but the table it is tied to has ${shape[0]} rows`, {
      label: `${node.weight} is [${shape.join(', ')}]; a head tied to it has ${shape[0]} outputs`,
      ...(table ? { notes: [{ message: 'the table is declared here', span: table.span }] } : {}),
    });
  },
};
