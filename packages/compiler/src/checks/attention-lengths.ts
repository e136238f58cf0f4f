// Attention reads one value per key, so keys and values come from sequences of one length.
import { diagnostic } from '@tdl/dsl';
import { dimEquals, dimToString } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const attentionLengths: CheckRule = {
  name: 'attention-lengths',
  run(ctx) {
    return ctx.sites.flatMap(({ node }) => {
      if (node.op !== 'attention') return [];
      const k = ctx.types.get(node.k)!.shape[0]!;
      const v = ctx.types.get(node.v)!.shape[0]!;
      if (dimEquals(k, v)) return [];
      return [
        diagnostic('E0312', node.argSpans['v'] ?? node.span, 'attention keys and values differ in length', {
          label: `values have length ${dimToString(v)} (from ${ctx.describeOrigin(node.v)}), keys have length ${dimToString(k)} (from ${ctx.describeOrigin(node.k)})`,
        }),
      ];
    });
  },
};
