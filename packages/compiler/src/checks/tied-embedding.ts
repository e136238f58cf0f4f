// An output head can be tied only to an embedding table, whose rows it reuses as output weights.
import { diagnostic } from '@tdl/dsl';
import type { CheckRule } from './rule.js';

export const tiedEmbedding: CheckRule = {
  name: 'tied-embedding',
  readsShapes: false,
  node(site, ctx) {
    const { node } = site;
    if (node.op !== 'linear' || node.tiedOut === undefined || ctx.embeddingOf(node.weight)) return undefined;
    const owner = ctx.sites.find((s) => 'weight' in s.node && s.node.weight === node.weight && s.node !== node)?.node;
    const shape = ctx.paramShape(site, node.weight) ?? [];
    const what = owner ? `the weight of a ${owner.op}` : 'not an embedding table';
    return diagnostic('E0320', node.argSpans['tied'] ?? node.span, `'${ctx.describeArg(node, 'tied')}' is ${what}, not an embedding table`, {
      label: `${node.weight} is [${shape.join(', ')}]; tie the head to the token embedding, or drop \`tied\``,
    });
  },
};
