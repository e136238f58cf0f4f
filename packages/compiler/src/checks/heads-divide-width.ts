// Without an explicit head_dim, the query width splits evenly into the heads.
import { diagnostic } from '@tdl/dsl';
import { dimValue } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const headsDivideWidth: CheckRule = {
  name: 'heads-divide-width',
  readsShapes: true,
  node({ node }, ctx) {
    if (node.op !== 'attention' || node.headDimGiven) return undefined;
    const q = ctx.types.get(node.q)!.shape;
    const width = dimValue(q[q.length - 1]!) ?? 0;
    if (width % node.heads === 0) return undefined;
    return diagnostic('E0303', node.argSpans['heads'] ?? node.span, `${node.heads} heads do not divide the width ${width}`, {
      label: `the queries have width ${width} (from ${ctx.describeArg(node, 'q', node.q)}); use a divisor of ${width}, or give head_dim`,
    });
  },
};
