// Attention reads one value per key, so keys and values come from sequences of one length.
import { diagnostic } from '@tdl/dsl';
import { dimEquals, dimToString } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const attentionLengths: CheckRule = {
  name: 'attention-lengths',
  readsShapes: true,
  node({ node }, ctx) {
    if (node.op !== 'attention') return undefined;
    const k = ctx.types.get(node.k)!.shape[0]!;
    const v = ctx.types.get(node.v)!.shape[0]!;
    if (dimEquals(k, v)) return undefined;
    return diagnostic('E0312', node.argSpans['v'] ?? node.span, 'attention keys and values differ in length', {
      label: `values have length ${dimToString(v)} (from ${ctx.describeArg(node, 'v', node.v)}), keys have length ${dimToString(k)} (from ${ctx.describeArg(node, 'k', node.k)})`,
    });
  },
};
