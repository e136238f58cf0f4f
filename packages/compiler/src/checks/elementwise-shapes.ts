// Element-wise arithmetic (residual adds, gates) combines tensors of exactly one shape.
import { diagnostic } from '@tdl/dsl';
import { dimEquals, dimToString } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const elementwiseShapes: CheckRule = {
  name: 'elementwise-shapes',
  run(ctx) {
    return ctx.sites.flatMap(({ node }) => {
      if (node.op !== 'add' && node.op !== 'sub' && node.op !== 'mul') return [];
      const a = ctx.types.get(node.a)!.shape;
      const b = ctx.types.get(node.b)!.shape;
      const sign = node.op === 'add' ? '+' : node.op === 'sub' ? '-' : '*';
      if (a.length !== b.length) {
        return [diagnostic('E0301', node.span, `'${sign}' combines tensors of rank ${a.length} and ${b.length}`)];
      }
      const last = a.length - 1;
      for (let axis = 0; axis < a.length; axis++) {
        if (dimEquals(a[axis]!, b[axis]!)) continue;
        const what = axis === last ? 'widths' : 'lengths';
        return [
          diagnostic(axis === last ? 'E0301' : 'E0307', node.argSpans['b'] ?? node.span, `'${sign}' combines tensors of different ${what}`, {
            label: `this has ${axis === last ? 'width' : 'length'} ${dimToString(b[axis]!)} (from ${ctx.describeOrigin(node.b)}), the left side ${dimToString(a[axis]!)} (from ${ctx.describeOrigin(node.a)})`,
          }),
        ];
      }
      return [];
    });
  },
};
