// Element-wise arithmetic (residual adds, gates) combines tensors of exactly one shape.
import { diagnostic } from '@tdl/dsl';
import { dimEquals, dimToString } from '../ir/dim.js';
import type { CheckRule } from './rule.js';

export const elementwiseShapes: CheckRule = {
  name: 'elementwise-shapes',
  readsShapes: true,
  node({ node }, ctx) {
    if (node.op !== 'add' && node.op !== 'sub' && node.op !== 'mul') return undefined;
    const a = ctx.types.get(node.a)!;
    const b = ctx.types.get(node.b)!;
    const sign = node.op === 'add' ? '+' : node.op === 'sub' ? '-' : '*';
    const left = ctx.describeArg(node, 'a', node.a);
    const right = ctx.describeArg(node, 'b', node.b);
    if (a.shape.length !== b.shape.length) {
      return diagnostic('E0301', node.span, `'${sign}' combines tensors of rank ${a.shape.length} and ${b.shape.length}`);
    }
    const last = a.shape.length - 1;
    for (let axis = 0; axis < a.shape.length; axis++) {
      const [da, db] = [a.shape[axis]!, b.shape[axis]!];
      if (dimEquals(da, db)) continue;
      const what = axis === last ? 'width' : 'length';
      return diagnostic(axis === last ? 'E0301' : 'E0307', node.argSpans['b'] ?? node.span, `'${sign}' combines tensors of different ${what}s`, {
        label: `this has ${what} ${dimToString(db)} (from ${right}), the left side ${dimToString(da)} (from ${left})`,
      });
    }
    return undefined;
  },
};
